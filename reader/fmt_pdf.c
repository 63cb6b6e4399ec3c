/* PDF attachments: the text of every page, read with poppler-glib.
 *
 * Runs inside the extraction worker (safeshare-extract), whose memory and
 * CPU limits contain a hostile file; poppler's own warnings go to the
 * worker's stderr, which the dispatcher discards.
 *
 * Fail closed: a PDF we cannot open (password, damage), one with no text
 * at all (a scan), a page that is only an image inside an otherwise typed
 * PDF, and files attached inside the PDF are all reported as unreadable,
 * because each is exactly where a referral could pass unchecked. */
#include <stdlib.h>
#include <string.h>

#include <poppler.h>

#include "reader.h"
#include "base/buf.h"

#define WHY_PASSWORD "the PDF is password-protected"
#define WHY_DAMAGED "the PDF is damaged and could not be read"
#define WHY_NO_TEXT "the PDF holds no text (it may be a scanned image)"
#define WHY_SCANNED_PAGE "the page holds only images, no text (it may be a scanned page)"
#define WHY_BAD_PAGE "the page is damaged and could not be read"
#define WHY_TOO_BIG "the PDF's text is larger than the limit"
#define WHY_EMBEDDED "the PDF has files attached inside it, which cannot be checked"

typedef struct {
    const char *sub;
    const ss_attach_limits *lim;
    ssx_out *o;
    int *textless;      /* pages (0-based) with no text, checked for images later */
    int ntextless;
    int ntext;          /* pages that gave text */
} pdf_read;

/* "page 3", or "<sub> › page 3" inside an archive. */
static char *page_sub(const char *sub, int index)
{
    ss_buf b = SS_BUF_INIT;
    if (sub && *sub)
        ss_buf_printf(&b, "%s › page %d", sub, index + 1);
    else
        ss_buf_printf(&b, "page %d", index + 1);
    return ss_buf_steal(&b);
}

static int only_space(const char *s)
{
    for (; *s; s++)
        if (!g_ascii_isspace(*s))
            return 0;
    return 1;
}

static char *choice_value(PopplerFormField *field)
{
    ss_buf b = SS_BUF_INIT;
    int n = poppler_form_field_choice_get_n_items(field);
    for (int i = 0; i < n; i++) {
        if (!poppler_form_field_choice_is_item_selected(field, i))
            continue;
        char *item = poppler_form_field_choice_get_item(field, i);
        if (item)
            ss_buf_printf(&b, "%s%s", b.len ? ", " : "", item);
        g_free(item);
    }
    char *typed = poppler_form_field_choice_get_text(field);
    if (typed)
        ss_buf_printf(&b, "%s%s", b.len ? ", " : "", typed);
    g_free(typed);
    char *out = g_strdup(b.p ? b.p : "");
    ss_buf_free(&b);
    return out;
}

static char *field_value(PopplerFormField *field)
{
    switch (poppler_form_field_get_field_type(field)) {
    case POPPLER_FORM_FIELD_TEXT:
        return poppler_form_field_text_get_text(field);
    case POPPLER_FORM_FIELD_CHOICE:
        return choice_value(field);
    default:
        return NULL;
    }
}

/* Fillable referral forms keep what was typed in the field's value; the
 * page text holds it only when the form carries an appearance stream. A
 * value already in the page text is not repeated. The field name goes
 * with the value because it is the form's label ("nhs_number"). */
static void add_form_fields(ss_buf *b, PopplerPage *page)
{
    GList *map = poppler_page_get_form_field_mapping(page);
    for (GList *l = map; l; l = l->next) {
        PopplerFormFieldMapping *m = l->data;
        char *value = m->field ? field_value(m->field) : NULL;
        if (value && !only_space(value) && !(b->p && strstr(b->p, value))) {
            char *name = poppler_form_field_get_partial_name(m->field);
            ss_buf_printf(b, "%s%s: %s", b->len ? "\n" : "",
                          name ? name : "form field", value);
            g_free(name);
        }
        g_free(value);
    }
    poppler_page_free_form_field_mapping(map);
}

/* Sticky notes and other comments keep their text in /Contents, which the
 * page text never shows. Form widgets are read as fields above. */
static void add_comments(ss_buf *b, PopplerPage *page)
{
    GList *map = poppler_page_get_annot_mapping(page);
    for (GList *l = map; l; l = l->next) {
        PopplerAnnotMapping *m = l->data;
        if (!m->annot || poppler_annot_get_annot_type(m->annot) == POPPLER_ANNOT_WIDGET)
            continue;
        char *note = poppler_annot_get_contents(m->annot);
        if (note && !only_space(note) && !(b->p && strstr(b->p, note)))
            ss_buf_printf(b, "%scomment: %s", b->len ? "\n" : "", note);
        g_free(note);
    }
    poppler_page_free_annot_mapping(map);
}

/* The page's text, form field values and comments, or NULL if none. */
static char *page_text(PopplerDocument *doc, int index)
{
    PopplerPage *page = poppler_document_get_page(doc, index);
    if (!page)
        return NULL;
    ss_buf b = SS_BUF_INIT;
    char *text = poppler_page_get_text(page);
    if (text)
        ss_buf_adds(&b, text);
    g_free(text);
    add_form_fields(&b, page);
    add_comments(&b, page);
    g_object_unref(page);
    if (!b.p || only_space(b.p)) {
        ss_buf_free(&b);
        return NULL;
    }
    return ss_buf_steal(&b);
}

/* poppler promises UTF-8; a hostile font's ToUnicode map must not make the
 * detectors see anything else. */
static char *valid_utf8(char *text)
{
    if (g_utf8_validate(text, -1, NULL))
        return text;
    char *fixed = g_utf8_make_valid(text, -1);
    char *out = ss_xstrdup(fixed);
    g_free(fixed);
    free(text);
    return out;
}

/* Emits one page's text. Returns -1 when the size limit stops the read. */
static int read_page(pdf_read *r, PopplerDocument *doc, int index)
{
    char *text = page_text(doc, index);
    if (!text) {
        r->textless[r->ntextless++] = index;
        return 0;
    }
    text = valid_utf8(text);
    size_t len = strlen(text);
    if (r->o->total > r->lim->max_total_bytes
        || len > r->lim->max_total_bytes - r->o->total) {
        free(text);
        r->o->skip(r->o, r->sub, WHY_TOO_BIG, 1);
        return -1;
    }
    r->o->total += len;
    char *where = page_sub(r->sub, index);
    r->o->text(r->o, where, text, len);
    free(where);
    free(text);
    r->ntext++;
    return 0;
}

/* 1 if the page shows images, 0 if it is blank, -1 if it cannot be loaded. */
static int page_has_images(PopplerDocument *doc, int index)
{
    PopplerPage *page = poppler_document_get_page(doc, index);
    if (!page)
        return -1;
    GList *images = poppler_page_get_image_mapping(page);
    int found = images != NULL;
    poppler_page_free_image_mapping(images);
    g_object_unref(page);
    return found;
}

/* Only once we know the PDF has typed text: a blank separator page is
 * harmless, a page that is one big image is a scan we cannot read. The
 * image check renders the page, so it is not paid for whole scans. */
static void report_scanned_pages(pdf_read *r, PopplerDocument *doc)
{
    for (int i = 0; i < r->ntextless; i++) {
        int images = page_has_images(doc, r->textless[i]);
        if (images == 0)
            continue;
        char *where = page_sub(r->sub, r->textless[i]);
        r->o->skip(r->o, where, images > 0 ? WHY_SCANNED_PAGE : WHY_BAD_PAGE, 1);
        free(where);
    }
}

static int read_pages(pdf_read *r, PopplerDocument *doc, int npages)
{
    r->textless = ss_xcalloc((size_t)npages, sizeof *r->textless);
    int rc = 0;
    for (int i = 0; i < npages && rc == 0; i++)
        rc = read_page(r, doc, i);
    if (rc == 0 && r->ntext == 0) {
        r->o->skip(r->o, r->sub, WHY_NO_TEXT, 1);
        rc = -1;
    } else if (rc == 0) {
        report_scanned_pages(r, doc);
    }
    free(r->textless);
    r->textless = NULL;
    return rc;
}

static const char *open_failure(const GError *err)
{
    if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
        return WHY_PASSWORD;
    return WHY_DAMAGED;
}

int ssx_read_pdf(const unsigned char *data, size_t len, const char *sub,
                 const ss_attach_limits *lim, int depth, ssx_out *o)
{
    (void)depth;    /* embedded files are reported, not read: no recursion */
    if (!sub)
        sub = "";
    /* An empty user password opens PDFs that only restrict printing or
     * copying; anything else needs a password we do not have. */
    GBytes *bytes = g_bytes_new_static(data, len);
    GError *err = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    g_bytes_unref(bytes);   /* the document holds its own reference */
    int npages = doc ? poppler_document_get_n_pages(doc) : 0;
    if (!doc || npages <= 0) {
        o->skip(o, sub, open_failure(err), 1);
        if (err)
            g_error_free(err);
        if (doc)
            g_object_unref(doc);
        return -1;
    }
    pdf_read r = { sub, lim, o, NULL, 0, 0 };
    int rc = read_pages(&r, doc, npages);
    if (poppler_document_has_attachments(doc))
        o->skip(o, sub, WHY_EMBEDDED, 1);
    g_object_unref(doc);
    return rc;
}
