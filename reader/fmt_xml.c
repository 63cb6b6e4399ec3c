/* A small one-pass XML reader for the text inside OOXML and ODF parts.
 *
 * It is deliberately not a validating parser: Office files are produced by
 * machines, and a hostile one gains nothing here because we never expand a
 * DTD, an external entity or a custom entity — only the five predefined
 * ones and character references. Malformed markup is read as far as it
 * makes sense; nothing is ever read past `len`. */
#include "fmt_int.h"

#include <stdlib.h>
#include <string.h>

static const char *find(const char *p, const char *end, const char *pat)
{
    size_t n = strlen(pat);
    for (; p + n <= end; p++)
        if (memcmp(p, pat, n) == 0)
            return p;
    return NULL;
}

void ssx_put_utf8(ss_buf *b, unsigned long cp)
{
    char u[4];
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        ss_buf_addc(b, (char)cp);
        return;
    }
    size_t n;
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        n = 4;
    }
    u[n - 1] = (char)(0x80 | (cp & 0x3F));
    ss_buf_add(b, u, n);
}

/* One entity at s (just after '&'); returns bytes consumed after '&', or 0
 * if it is not one we know (then '&' is kept literally). */
static size_t entity(const char *s, const char *end, ss_buf *b)
{
    static const struct { const char *name; char c; } named[] = {
        { "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' },
        { "quot;", '"' }, { "apos;", '\'' },
    };
    for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
        size_t n = strlen(named[i].name);
        if ((size_t)(end - s) >= n && memcmp(s, named[i].name, n) == 0) {
            ss_buf_addc(b, named[i].c);
            return n;
        }
    }
    if (s < end && *s == '#') {
        const char *p = s + 1;
        int hex = p < end && (*p == 'x' || *p == 'X');
        p += hex;
        unsigned long cp = 0;
        size_t digits = 0;
        for (; p < end && digits < 8; p++, digits++) {
            int v = (*p >= '0' && *p <= '9') ? *p - '0'
                  : hex && (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f' ? (*p | 0x20) - 'a' + 10
                  : -1;
            if (v < 0)
                break;
            cp = cp * (hex ? 16 : 10) + (unsigned long)v;
        }
        if (digits && p < end && *p == ';') {
            ssx_put_utf8(b, cp);
            return (size_t)(p + 1 - s);
        }
    }
    return 0;
}

static void decode_into(ss_buf *b, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        if (!amp) {
            ss_buf_add(b, s, (size_t)(end - s));
            return;
        }
        ss_buf_add(b, s, (size_t)(amp - s));
        size_t k = entity(amp + 1, end, b);
        if (!k)
            ss_buf_addc(b, '&');
        s = amp + 1 + k;
    }
}

static void emit_text(const ssx_xml_sax *h, const char *s, size_t n, ss_buf *tmp)
{
    if (!n || !h->text)
        return;
    ss_buf_reset(tmp);
    decode_into(tmp, s, n);
    if (tmp->len)
        h->text(h->ctx, tmp->p, tmp->len);
}

static int name_char(char c)
{
    return c && !strchr(" \t\r\n/>", c);
}

/* A tag from '<' at p; returns where reading resumes. */
static const char *tag(const char *p, const char *end, const ssx_xml_sax *h)
{
    const char *gt = memchr(p, '>', (size_t)(end - p));
    if (!gt)
        return end;
    const char *s = p + 1;
    int closing = s < gt && *s == '/';
    s += closing;
    const char *name = s;
    while (s < gt && name_char(*s))
        s++;
    size_t nlen = (size_t)(s - name);
    int empty = gt > s && gt[-1] == '/';
    if (nlen == 0)
        return gt + 1;
    if (closing) {
        if (h->end)
            h->end(h->ctx, name, nlen);
    } else {
        if (h->start)
            h->start(h->ctx, name, nlen, s, (size_t)(gt - empty - s), empty);
        if (empty && h->end)
            h->end(h->ctx, name, nlen);
    }
    return gt + 1;
}

/* Comments, processing instructions, CDATA and declarations. Returns
 * where reading resumes, or NULL if p does not start one. */
static const char *special(const char *p, const char *end, const ssx_xml_sax *h,
                           ss_buf *tmp)
{
    size_t left = (size_t)(end - p);
    const char *q;
    if (left >= 4 && memcmp(p, "<!--", 4) == 0) {
        q = find(p + 4, end, "-->");
        return q ? q + 3 : end;
    }
    if (left >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
        q = find(p + 9, end, "]]>");
        const char *stop = q ? q : end;
        if (h->text && stop > p + 9) {
            ss_buf_reset(tmp);
            ss_buf_add(tmp, p + 9, (size_t)(stop - p - 9));
            h->text(h->ctx, tmp->p, tmp->len);
        }
        return q ? q + 3 : end;
    }
    if (left >= 2 && (p[1] == '?' || p[1] == '!')) {
        q = memchr(p, '>', left);
        const char *sub = memchr(p, '[', q ? (size_t)(q - p) : left);
        if (sub)                        /* an internal DTD subset: skipped, never read */
            q = find(sub, end, "]>");
        return q ? q + 1 + (sub != NULL) : end;
    }
    return NULL;
}

void ssx_xml_parse(const char *xml, size_t len, const ssx_xml_sax *h)
{
    const char *p = xml, *end = xml + len;
    ss_buf tmp = SS_BUF_INIT;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        const char *stop = lt ? lt : end;
        emit_text(h, p, (size_t)(stop - p), &tmp);
        if (!lt)
            break;
        const char *next = special(lt, end, h, &tmp);
        p = next ? next : tag(lt, end, h);
    }
    ss_buf_free(&tmp);
}

int ssx_xml_is(const char *name, size_t nlen, const char *local)
{
    const char *colon = memchr(name, ':', nlen);
    if (colon) {
        nlen -= (size_t)(colon + 1 - name);
        name = colon + 1;
    }
    return strlen(local) == nlen && memcmp(name, local, nlen) == 0;
}

int ssx_xml_attr(const char *attrs, size_t alen, const char *local, ss_buf *val)
{
    const char *p = attrs, *end = attrs + alen;
    ss_buf_reset(val);
    while (p < end) {
        while (p < end && strchr(" \t\r\n", *p))
            p++;
        const char *name = p;
        while (p < end && *p != '=' && !strchr(" \t\r\n", *p))
            p++;
        size_t nlen = (size_t)(p - name);
        while (p < end && *p != '=')
            p++;
        if (p >= end)
            return 0;
        p++;
        while (p < end && *p != '"' && *p != '\'')
            p++;
        if (p >= end)
            return 0;
        char q = *p++;
        const char *v = p;
        while (p < end && *p != q)
            p++;
        if (nlen && ssx_xml_is(name, nlen, local)) {
            decode_into(val, v, (size_t)(p - v));
            return 1;
        }
        p += p < end;
    }
    return 0;
}

/* ---- text by rules ----------------------------------------------------- */

typedef struct {
    const ssx_xml_rules *r;
    ss_buf *out;
    long inside;            /* depth of text_in elements we are in */
} rules_ctx;

static int listed(const char *const *list, const char *name, size_t nlen)
{
    for (; list && *list; list++)
        if (ssx_xml_is(name, nlen, *list))
            return 1;
    return 0;
}

static void r_start(void *ctx, const char *name, size_t nlen,
                    const char *attrs, size_t alen, int empty)
{
    rules_ctx *c = ctx;
    if (listed(c->r->text_in, name, nlen))   /* an empty one ends at once */
        c->inside++;
}

static void r_end(void *ctx, const char *name, size_t nlen)
{
    rules_ctx *c = ctx;
    if (c->inside > 0 && listed(c->r->text_in, name, nlen))
        c->inside--;
    if (listed(c->r->newline_at, name, nlen))
        ss_buf_addc(c->out, '\n');
    else if (listed(c->r->tab_at, name, nlen))
        ss_buf_addc(c->out, '\t');
    else if (listed(c->r->space_at, name, nlen))
        ss_buf_addc(c->out, ' ');
}

static void r_text(void *ctx, const char *s, size_t n)
{
    rules_ctx *c = ctx;
    if (!c->r->text_in || c->inside > 0)
        ss_buf_add(c->out, s, n);
}

void ssx_xml_text(const char *xml, size_t len, const ssx_xml_rules *r,
                  ss_buf *out)
{
    rules_ctx c = { r, out, 0 };
    ssx_xml_sax h = { r_start, r_end, r_text, &c };
    ssx_xml_parse(xml, len, &h);
}
