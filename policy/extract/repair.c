/* A message as a lenient reader splits it, before GMime sees it.
 *
 * GMime is strict where mail clients are not, and each strictness hid a
 * whole message body from us (hostile classes "milter" and "mut-eol"):
 *   - a bare CR is not a line end to GMime, so a message written with CR
 *     alone is one long From: header with no body;
 *   - a line inside the header block that is not a header field is
 *     dropped, and a whitespace-only line after the headers continues the
 *     last header: either way the body that follows disappears;
 *   - a raw NUL in a header cuts its value.
 * Readers take a bare CR as a line end, the first non-header line as the
 * start of the body, and show a NUL as nothing. So do we: the repaired
 * copy is what is read. Pure function on bytes. */
#include "extract_int.h"

#include <stdlib.h>
#include <string.h>

/* A header field's first line: a name of printable ASCII other than ':',
 * then ':'. */
static int field_line(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] != ':' && (unsigned char)p[i] > 0x20 && (unsigned char)p[i] < 0x7F)
        i++;
    return i > 0 && i < n && p[i] == ':';
}

static int blank_line(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return 0;
    return 1;
}

/* Bare CRs (a CR not before an LF) → LF. */
static int has_bare_cr(const char *p, size_t n)
{
    for (const char *c = memchr(p, '\r', n); c; c = memchr(c + 1, '\r', n - (size_t)(c + 1 - p)))
        if ((size_t)(c + 1 - p) >= n || c[1] != '\n')
            return 1;
    return 0;
}

static void copy_lines(ss_buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\r' && (i + 1 >= n || p[i + 1] != '\n'))
            ss_buf_addc(b, '\n');
        else
            ss_buf_addc(b, p[i]);
    }
}

/* The boundary="X" (or boundary=X) values anywhere in the message, found
 * once: a part's header block follows a delimiter line "--X". */
#define MAX_BOUNDARIES 64
typedef struct {
    const char *v[MAX_BOUNDARIES];
    size_t n;
} boundaries;

static void find_boundaries(const char *msg, size_t len, boundaries *bs)
{
    bs->n = 0;
    for (const char *b = memmem(msg, len, "oundary=", 8); b && bs->n < MAX_BOUNDARIES;
         b = memmem(b + 8, len - (size_t)(b + 8 - msg), "oundary=", 8)) {
        const char *v = b + 8;
        if (v < msg + len && *v == '"')
            v++;
        bs->v[bs->n++] = v;
    }
}

static int is_delimiter(const char *line, size_t n, const boundaries *bs,
                        const char *end)
{
    if (n < 3 || line[0] != '-' || line[1] != '-')
        return 0;
    size_t t = n;
    while (t > 2 && (line[t - 1] == ' ' || line[t - 1] == '\t' || line[t - 1] == '\r'))
        t--;
    if (t > 4 && line[t - 1] == '-' && line[t - 2] == '-')
        return 0;                               /* a close delimiter: no headers */
    for (size_t i = 0; i < bs->n; i++)
        if ((size_t)(end - bs->v[i]) >= t - 2 && memcmp(bs->v[i], line + 2, t - 2) == 0)
            return 1;
    return 0;
}

/* Every header block (the message's, and each part's after a delimiter
 * line) ends at its first empty line or at the first line that is
 * neither a field nor a continuation; a whitespace-only line ends it
 * too. NULs in a header block become U+2060 (invisible, as a reader
 * shows them). Writes the repaired text of b to out. */
/* " message/rfc822; ..." */
static int is_message_type(const char *v, size_t n)
{
    while (n > 0 && (*v == ' ' || *v == '\t'))
        v++, n--;
    return n >= 14 && g_ascii_strncasecmp(v, "message/rfc822", 14) == 0;
}

/* Output when there is somewhere to put it: the first pass only looks. */
static void put(ss_buf *out, const char *p, size_t n)
{
    if (out)
        ss_buf_add(out, p, n);
}

static void header_blocks(const ss_buf *b, ss_buf *out, int *changed)
{
    int in_headers = 1, first = 1, message_next = 0;
    boundaries bs;
    find_boundaries(b->p, b->len, &bs);
    const char *end = b->p + b->len;
    for (size_t i = 0; i < b->len;) {
        const char *nl = memchr(b->p + i, '\n', b->len - i);
        size_t e = nl ? (size_t)(nl - b->p) + 1 : b->len;
        const char *line = b->p + i;
        size_t n = e - i - (nl != NULL);
        if (n > 0 && line[n - 1] == '\r')
            n--;
        int cont = (line[0] == ' ' || line[0] == '\t') && !first;
        if (in_headers && n > 0 && (blank_line(line, n) || (!cont && !field_line(line, n)))) {
            put(out, "\n", 1);            /* the body starts here */
            *changed = 1;
            in_headers = 0;
        }
        if (!in_headers) {
            put(out, line, e - i);
            in_headers = is_delimiter(line, n, &bs, end);
            first = in_headers;
            message_next = 0;
            i = e;
            continue;
        }
        if (n == 0) {
            /* the usual blank line; after a message/rfc822 part's header
             * block, the forwarded message's own header block follows */
            in_headers = message_next;
            first = 1;
            message_next = 0;
            put(out, line, e - i);
            i = e;
            continue;
        }
        if (!cont && n > 13 && g_ascii_strncasecmp(line, "content-type:", 13) == 0)
            message_next = is_message_type(line + 13, n - 13);
        for (size_t k = i; k < e; k++) {
            if (b->p[k] == '\0' && in_headers) {
                put(out, "\xe2\x81\xa0", 3);
                *changed = 1;
            } else {
                put(out, b->p + k, 1);
            }
        }
        first = 0;
        i = e;
    }
}

char *ssx_repair(const char *msg, size_t len, size_t *outlen)
{
    ss_buf lines = SS_BUF_INIT;
    int changed = has_bare_cr(msg, len);
    if (changed)
        copy_lines(&lines, msg, len);
    else
        lines = (ss_buf){ (char *)msg, len, 0 };   /* borrowed: never freed */
    header_blocks(&lines, NULL, &changed);     /* look first: most mail is fine */
    if (!changed)
        return NULL;
    ss_buf out = SS_BUF_INIT;
    header_blocks(&lines, &out, &changed);
    if (lines.p != msg)
        ss_buf_free(&lines);
    *outlen = out.len;
    return ss_buf_steal(&out);
}
