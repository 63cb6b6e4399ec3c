/* winmail.dat (application/ms-tnef): Outlook and Exchange wrap a whole
 * message in it — the subject, the body as plain text, RTF or HTML, and
 * every attached file — so a mail client that unwraps it shows all of
 * that. libytnef parses the stream; each body is read as text (RTF
 * through the RTF reader) and each attached file through the dispatcher
 * it is handed (an embedded message is TNEF again), one archive level
 * deeper. Runs inside the worker only.
 *
 * libytnef reports damage with printf on stdout, which is the worker's
 * answer pipe: its output is buffered in a large buffer and thrown away
 * before anything else is written, so it never reaches the parent. */
#include "fmt_int.h"
#include "text/charset.h"

#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include <ytnef.h>

#define TNEF_MAGIC "\x78\x9f\x3e\x22"
#define STDOUT_SINK (1u << 20)

typedef struct {
    const char *sub;
    const ss_attach_limits *lim;
    int depth;
    ssx_out *o;
    ssx_any_reader *member;
    char charset[16];          /* of the 8-bit strings (attOemCodepage) */
} tnef_ctx;

/* Around each libytnef call: before (0), keep what others wrote and
 * buffer what it writes; after (1), throw that away. */
static void hush(int after)
{
    static char sink[STDOUT_SINK];
    static int sunk;
    if (after) {
        __fpurge(stdout);
        return;
    }
    fflush(stdout);
    if (!sunk++)
        setvbuf(stdout, sink, _IOFBF, sizeof sink);
}

static variableLength *prop(MAPIProps *p, unsigned type, unsigned id)
{
    variableLength *v = MAPIFindProperty(p, PROP_TAG(type, id));
    return (v == MAPI_UNDEFINED || !v || !v->data || v->size <= 0) ? NULL : v;
}

/* 8-bit text in the message's code page, or (wide) a PT_UNICODE string,
 * which libytnef has already turned into UTF-8, as a segment. */
static void emit(tnef_ctx *c, const char *child, const BYTE *s, int n, int wide)
{
    if (!s || n <= 0)
        return;
    ss_buf b = SS_BUF_INIT;
    /* strings end at their NUL (libytnef's UTF-8 copy of a PT_UNICODE
     * string keeps the UTF-16 size, with junk after the NUL) */
    size_t len = strnlen((const char *)s, (size_t)n);
    ssx_to_utf8(&b, (const char *)s, len, wide ? "utf-8" : c->charset);
    ssx_emit(c->o, c->sub, child, &b);
    ss_buf_free(&b);
}

static void set_charset(tnef_ctx *c, const variableLength *cp)
{
    unsigned page = 1252;
    if (cp && cp->data && cp->size >= 4)
        page = (unsigned)cp->data[0] | (unsigned)cp->data[1] << 8 |
               (unsigned)cp->data[2] << 16 | (unsigned)cp->data[3] << 24;
    if (page == 65001)
        snprintf(c->charset, sizeof c->charset, "utf-8");
    else
        snprintf(c->charset, sizeof c->charset, "CP%u", page);
}

static void read_bodies(tnef_ctx *c, TNEFStruct *t)
{
    MAPIProps *m = &t->MapiProperties;
    variableLength *v;
    emit(c, "the subject", t->subject.data, t->subject.size, 0);
    emit(c, "the message body", t->body.data, t->body.size, 0);
    if ((v = prop(m, PT_STRING8, PR_BODY)) != NULL)
        emit(c, "the message body", v->data, v->size, 0);
    if ((v = prop(m, PT_UNICODE, PR_BODY)) != NULL)
        emit(c, "the message body", v->data, v->size, 1);
    /* HTML as its text and markup: the number is in the text either way */
    if ((v = prop(m, PT_BINARY, PR_BODY_HTML)) != NULL ||
        (v = prop(m, PT_STRING8, PR_BODY_HTML)) != NULL)
        emit(c, "the HTML body", v->data, v->size, 0);
    if ((v = prop(m, PT_BINARY, PR_RTF_COMPRESSED)) != NULL) {
        int n = 0;
        hush(0);
        BYTE *rtf = DecompressRTF(v, &n);
        hush(1);
        if (rtf && n > 0) {
            char *where = ssx_sub_join(c->sub, "the RTF body");
            ssx_read_rtf(rtf, (size_t)n, where, c->lim, c->depth, c->o);
            free(where);
        }
        free(rtf);
    }
}

/* The attached file's name: the long name, else the 8.3 title. */
static char *attachment_name(tnef_ctx *c, Attachment *a)
{
    variableLength *v = prop(&a->MAPI, PT_UNICODE, PR_ATTACH_LONG_FILENAME);
    ss_buf b = SS_BUF_INIT;
    if (v)
        ssx_to_utf8(&b, (const char *)v->data, strnlen((const char *)v->data, (size_t)v->size),
                    "utf-8");  /* libytnef made it UTF-8 */
    else if ((v = prop(&a->MAPI, PT_STRING8, PR_ATTACH_LONG_FILENAME)) != NULL ||
             (a->Title.data && a->Title.size > 0 && (v = &a->Title)))
        ssx_to_utf8(&b, (const char *)v->data, strnlen((const char *)v->data, (size_t)v->size),
                    c->charset);
    while (b.len > 0 && b.p[b.len - 1] == '\0')
        b.len--;
    if (b.p)
        b.p[b.len] = '\0';
    return b.len ? ss_buf_steal(&b) : (ss_buf_free(&b), ss_xstrdup("winmail attachment"));
}

static void read_attachment(tnef_ctx *c, Attachment *a)
{
    char *name = attachment_name(c, a);
    char *shown = ssx_clean_name(name);
    ss_buf loc = SS_BUF_INIT;
    ss_buf_printf(&loc, "\"%s\"", shown);
    char *where = ssx_sub_join(c->sub, loc.p);
    ss_buf nm = SS_BUF_INIT;
    ss_buf_adds(&nm, name);
    ssx_emit(c->o, where, "the file name", &nm);     /* typed by a person */
    ss_buf_free(&nm);
    const BYTE *d = a->FileData.data;
    int n = a->FileData.size;
    variableLength *obj = prop(&a->MAPI, PT_OBJECT, PR_ATTACH_DATA_OBJ);
    if ((!d || n <= 0) && obj) {          /* an embedded message: IID, then TNEF */
        d = obj->data, n = obj->size;
        if (n > 20 && memcmp(d + 16, TNEF_MAGIC, 4) == 0)
            d += 16, n -= 16;
    }
    if (d && n > 0)
        c->member(d, (size_t)n, where, name, NULL, c->lim, c->depth + 1, c->o);
    free(where);
    free(shown);
    free(name);
    ss_buf_free(&loc);
}

int ssx_read_tnef(const unsigned char *data, size_t len, const char *sub,
                  const ss_attach_limits *lim, int depth, ssx_out *o,
                  ssx_any_reader *member)
{
    if ((size_t)depth > lim->max_archive_depth) {
        o->skip(o, sub, "attachments are nested too deeply", 1);
        return -1;
    }
    tnef_ctx c = { sub, lim, depth, o, member, "CP1252" };
    BYTE *copy = ss_xmalloc(len ? len : 1);
    memcpy(copy, data, len);
    TNEFStruct t;
    TNEFInitialize(&t);
    t.Debug = 0;
    hush(0);
    int rc = TNEFParseMemory(copy, (long)len, &t);
    hush(1);
    if (rc < 0) {
        o->skip(o, sub, "a damaged winmail.dat (Outlook's wrapper) could not be read", 1);
    } else {
        set_charset(&c, &t.CodePage);
        read_bodies(&c, &t);
        for (Attachment *a = t.starting_attach.next; a; a = a->next)
            read_attachment(&c, a);
    }
    TNEFFree(&t);
    free(copy);
    return rc < 0 ? -1 : 0;
}
