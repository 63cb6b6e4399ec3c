/* Office Open XML: DOCX, XLSX and PPTX text, part by part.
 *
 * DOCX: the body, then each header, footer, the footnotes, endnotes and
 * comments as segments of their own ("the header"…). Runs (<w:t>) join
 * with nothing between them — Word splits "943 476 5919" across runs at
 * whim — while paragraphs, rows, breaks and cells become newlines/tabs.
 * XLSX: one segment per sheet, named from workbook.xml, one row per line
 * and cells tab-separated in their columns, so a header row lines up with
 * its values, numbers as Excel shows them (fmt_xlsx_num.c: dates under a
 * date format as dates). PPTX: one segment per slide, then the speaker
 * notes. */
#include "fmt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static int has_suffix(const char *s, const char *x)
{
    size_t n = strlen(s), m = strlen(x);
    return n >= m && strcmp(s + n - m, x) == 0;
}

/* The number in "word/header12.xml", for ordering; 0 if none. */
static unsigned long part_number(const char *name)
{
    const char *p = name + strlen(name);
    while (p > name && p[-1] != '/')
        p--;
    while (*p && (*p < '0' || *p > '9'))
        p++;
    return strtoul(p, NULL, 10);
}

static int by_number(const void *a, const void *b)
{
    const ssx_entry *x = a, *y = b;
    unsigned long m = part_number(x->name), n = part_number(y->name);
    return m < n ? -1 : m > n ? 1 : strcmp(x->name, y->name);
}

static void emit_rules(ssx_out *o, const char *sub, const char *child,
                       const ssx_entry *e, const ssx_xml_rules *r)
{
    ss_buf b = SS_BUF_INIT;
    ssx_xml_text((const char *)e->data, e->len, r, &b);
    ssx_emit(o, sub, child, &b);
    ss_buf_free(&b);
}

/* ---- DOCX -------------------------------------------------------------- */

static const char *const w_text[] = { "t", "delText", NULL };
static const char *const w_nl[] = { "p", "br", "cr", "tr", NULL };
static const char *const w_tab[] = { "tab", "tc", NULL };
static const ssx_xml_rules docx_rules = { w_text, w_nl, w_tab, NULL };

static const struct { const char *prefix; const char *label; } docx_parts[] = {
    { "word/document", "" }, { "word/header", "the header" },
    { "word/footer", "the footer" }, { "word/footnotes", "the footnotes" },
    { "word/endnotes", "the endnotes" }, { "word/comments", "the comments" },
};
#define NDOCX (sizeof docx_parts / sizeof *docx_parts)

static int docx_want(const char *name)
{
    for (size_t i = 0; i < NDOCX; i++)
        if (has_prefix(name, docx_parts[i].prefix) && has_suffix(name, ".xml") &&
            !strchr(name + strlen("word/"), '/'))
            return 1;
    return 0;
}

int ssx_read_docx(const unsigned char *data, size_t len, const char *sub,
                  const ss_attach_limits *lim, int depth, ssx_out *o)
{
    ssx_entries z = { 0 };
    int rc = ssx_zip_load(data, len, sub, lim, o, docx_want, &z);
    if (z.n > 1)                        /* z.e is NULL when nothing was wanted */
        qsort(z.e, z.n, sizeof *z.e, by_number);
    for (size_t k = 0; k < NDOCX; k++)
        for (size_t i = 0; i < z.n; i++)
            if (has_prefix(z.e[i].name, docx_parts[k].prefix))
                emit_rules(o, sub, docx_parts[k].label, &z.e[i], &docx_rules);
    ssx_entries_free(&z);
    return rc;
}

/* ---- PPTX -------------------------------------------------------------- */

static const char *const a_text[] = { "t", NULL };
static const char *const a_nl[] = { "p", "br", "tr", NULL };
static const char *const a_tab[] = { "tab", "tc", NULL };
static const ssx_xml_rules pptx_rules = { a_text, a_nl, a_tab, NULL };

static int pptx_want(const char *name)
{
    return has_suffix(name, ".xml") &&
           ((has_prefix(name, "ppt/slides/slide") && !strchr(name + 11, '/')) ||
            (has_prefix(name, "ppt/notesSlides/notesSlide") && !strchr(name + 16, '/')));
}

int ssx_read_pptx(const unsigned char *data, size_t len, const char *sub,
                  const ss_attach_limits *lim, int depth, ssx_out *o)
{
    ssx_entries z = { 0 };
    int rc = ssx_zip_load(data, len, sub, lim, o, pptx_want, &z);
    if (z.n > 1)                        /* z.e is NULL when nothing was wanted */
        qsort(z.e, z.n, sizeof *z.e, by_number);
    for (int notes = 0; notes < 2; notes++)
        for (size_t i = 0; i < z.n; i++) {
            if (has_prefix(z.e[i].name, "ppt/notesSlides/") != notes)
                continue;
            char label[48];
            if (notes)
                snprintf(label, sizeof label, "the speaker notes");
            else
                snprintf(label, sizeof label, "slide %lu", part_number(z.e[i].name));
            emit_rules(o, sub, label, &z.e[i], &pptx_rules);
        }
    ssx_entries_free(&z);
    return rc;
}

/* ---- XLSX -------------------------------------------------------------- */

typedef struct {
    char **s;
    size_t n, cap;
    int in_si, in_t, in_rph;
    ss_buf cur;
} sst;

static void sst_start(void *ctx, const char *name, size_t nlen,
                      const char *attrs, size_t alen, int empty)
{
    sst *t = ctx;
    if (ssx_xml_is(name, nlen, "si")) {
        t->in_si = 1;
        ss_buf_reset(&t->cur);
    } else if (ssx_xml_is(name, nlen, "t")) {
        t->in_t = 1;
    } else if (ssx_xml_is(name, nlen, "rPh")) {
        t->in_rph = 1;              /* phonetic guide, not cell text */
    }
}

static void sst_end(void *ctx, const char *name, size_t nlen)
{
    sst *t = ctx;
    if (ssx_xml_is(name, nlen, "t")) {
        t->in_t = 0;
    } else if (ssx_xml_is(name, nlen, "rPh")) {
        t->in_rph = 0;
    } else if (ssx_xml_is(name, nlen, "si") && t->in_si) {
        t->in_si = 0;
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 64;
            t->s = ss_xrealloc(t->s, t->cap * sizeof *t->s);
        }
        t->s[t->n++] = ss_xstrdup(t->cur.p ? t->cur.p : "");
    }
}

static void sst_text(void *ctx, const char *s, size_t n)
{
    sst *t = ctx;
    if (t->in_si && t->in_t && !t->in_rph)
        ss_buf_add(&t->cur, s, n);
}

static void sst_free(sst *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    ss_buf_free(&t->cur);
}

typedef struct {
    const sst *strings;
    const ssx_xlsx_styles *styles;
    long style;                 /* the cell's s="N", -1 if none */
    ss_buf *out, val, attr;
    char type[16];
    int in_v, in_is_t;
    unsigned long col;          /* columns written in this row */
} sheet;

/* "AB12" → 28 (1-based column), 0 if absent. */
static unsigned long column_of(const char *ref)
{
    unsigned long c = 0;
    for (; *ref >= 'A' && *ref <= 'Z' && c < 20000; ref++)
        c = c * 26 + (unsigned long)(*ref - 'A' + 1);
    return c;
}

static void sh_start(void *ctx, const char *name, size_t nlen,
                     const char *attrs, size_t alen, int empty)
{
    sheet *s = ctx;
    if (ssx_xml_is(name, nlen, "c")) {
        ss_buf_reset(&s->val);
        s->type[0] = '\0';
        if (ssx_xml_attr(attrs, alen, "t", &s->attr))
            snprintf(s->type, sizeof s->type, "%s", s->attr.p);
        s->style = ssx_xml_attr(attrs, alen, "s", &s->attr) ? strtol(s->attr.p, NULL, 10) : -1;
        unsigned long c = ssx_xml_attr(attrs, alen, "r", &s->attr) ? column_of(s->attr.p) : 0;
        for (; c > s->col + 1 && c <= 16384; s->col++)
            ss_buf_addc(s->out, '\t');  /* empty cells keep columns aligned */
    } else if (ssx_xml_is(name, nlen, "v")) {
        s->in_v = 1;
    } else if (ssx_xml_is(name, nlen, "t")) {
        s->in_is_t = 1;
    }
}

static void cell_value(sheet *s)
{
    const char *v = s->val.p ? s->val.p : "";
    if (strcmp(s->type, "s") == 0) {
        char *end;
        unsigned long i = strtoul(v, &end, 10);
        if (end != v && i < s->strings->n)
            v = s->strings->s[i];
        else
            v = "";
    } else if (s->type[0] == '\0' || strcmp(s->type, "n") == 0) {
        ssx_xlsx_number(s->out, v, s->styles, s->style);   /* as Excel shows it */
        v = "";
    }
    ss_buf_adds(s->out, v);
    ss_buf_addc(s->out, '\t');
    s->col++;
}

static void sh_end(void *ctx, const char *name, size_t nlen)
{
    sheet *s = ctx;
    if (ssx_xml_is(name, nlen, "v"))
        s->in_v = 0;
    else if (ssx_xml_is(name, nlen, "t"))
        s->in_is_t = 0;
    else if (ssx_xml_is(name, nlen, "c"))
        cell_value(s);
    else if (ssx_xml_is(name, nlen, "row")) {
        ss_buf_addc(s->out, '\n');
        s->col = 0;
    }
}

static void sh_text(void *ctx, const char *t, size_t n)
{
    sheet *s = ctx;
    if (s->in_v || s->in_is_t)
        ss_buf_add(&s->val, t, n);
}

/* workbook.xml.rels: the target part of relationship id. */
static char *rel_target(const ssx_entries *z, const char *id)
{
    const ssx_entry *e = ssx_entry_find(z, "xl/_rels/workbook.xml.rels");
    if (!e || !id)
        return NULL;
    ss_buf pat = SS_BUF_INIT;
    ss_buf_printf(&pat, "Id=\"%s\"", id);
    const char *hit = memmem(e->data, e->len, pat.p, pat.len);
    ss_buf_free(&pat);
    if (!hit)
        return NULL;
    const char *lt = hit, *gt = memchr(hit, '>', e->len - (size_t)(hit - (const char *)e->data));
    while (lt > (const char *)e->data && *lt != '<')
        lt--;
    if (!gt)
        return NULL;
    ss_buf t = SS_BUF_INIT;
    if (!ssx_xml_attr(lt, (size_t)(gt - lt), "Target", &t)) {
        ss_buf_free(&t);
        return NULL;
    }
    char *path = t.p[0] == '/' ? ss_xstrdup(t.p + 1) : NULL;
    if (!path) {
        ss_buf full = SS_BUF_INIT;
        ss_buf_printf(&full, "xl/%s", t.p);
        path = ss_buf_steal(&full);
    }
    ss_buf_free(&t);
    return path;
}

static void read_sheet(ssx_out *o, const char *sub, const char *name,
                       const ssx_entry *e, const sst *strings,
                       const ssx_xlsx_styles *styles)
{
    ss_buf out = SS_BUF_INIT;
    sheet s = { strings, styles, -1, &out, SS_BUF_INIT, SS_BUF_INIT, "", 0, 0, 0 };
    ssx_xml_sax h = { sh_start, sh_end, sh_text, &s };
    ssx_xml_parse((const char *)e->data, e->len, &h);
    char *shown = ssx_clean_name(name);
    ss_buf label = SS_BUF_INIT;
    ss_buf_printf(&label, "sheet \"%s\"", shown);
    ssx_emit(o, sub, label.p, &out);
    free(shown);
    ss_buf_free(&label);
    ss_buf_free(&out);
    ss_buf_free(&s.val);
    ss_buf_free(&s.attr);
}

typedef struct {
    ssx_out *o;
    const char *sub;
    const ssx_entries *z;
    const sst *strings;
    const ssx_xlsx_styles *styles;
    ss_buf name, id;
} wb;

static void wb_start(void *ctx, const char *name, size_t nlen,
                     const char *attrs, size_t alen, int empty)
{
    wb *w = ctx;
    if (!ssx_xml_is(name, nlen, "sheet"))
        return;
    ssx_xml_attr(attrs, alen, "name", &w->name);
    if (!ssx_xml_attr(attrs, alen, "id", &w->id))
        return;
    char *path = rel_target(w->z, w->id.p);
    const ssx_entry *e = path ? ssx_entry_find(w->z, path) : NULL;
    if (e)
        read_sheet(w->o, w->sub, w->name.p ? w->name.p : "", e, w->strings, w->styles);
    free(path);
}

static int xlsx_want(const char *name)
{
    return has_prefix(name, "xl/") && (has_suffix(name, ".xml") || has_suffix(name, ".rels")) &&
           !has_prefix(name, "xl/theme/") && !has_prefix(name, "xl/drawings/");
}

int ssx_read_xlsx(const unsigned char *data, size_t len, const char *sub,
                  const ss_attach_limits *lim, int depth, ssx_out *o)
{
    ssx_entries z = { 0 };
    int rc = ssx_zip_load(data, len, sub, lim, o, xlsx_want, &z);
    sst strings = { 0 };
    const ssx_entry *e = ssx_entry_find(&z, "xl/sharedStrings.xml");
    if (e) {
        ssx_xml_sax h = { sst_start, sst_end, sst_text, &strings };
        ssx_xml_parse((const char *)e->data, e->len, &h);
    }
    e = ssx_entry_find(&z, "xl/workbook.xml");
    const ssx_entry *se = ssx_entry_find(&z, "xl/styles.xml");
    ssx_xlsx_styles styles;
    ssx_xlsx_styles_read(&styles, se ? (const char *)se->data : NULL, se ? se->len : 0,
                         e ? (const char *)e->data : NULL, e ? e->len : 0);
    if (e) {
        wb w = { o, sub, &z, &strings, &styles, SS_BUF_INIT, SS_BUF_INIT };
        ssx_xml_sax h = { wb_start, NULL, NULL, &w };
        ssx_xml_parse((const char *)e->data, e->len, &h);
        ss_buf_free(&w.name);
        ss_buf_free(&w.id);
    } else if (rc == 0) {
        o->skip(o, sub, "the spreadsheet is damaged and could not be read", 1);
        rc = -1;
    }
    ssx_xlsx_styles_free(&styles);
    sst_free(&strings);
    ssx_entries_free(&z);
    return rc;
}
