/* RTF: the text a reader sees. Control words are dropped; groups that are
 * not document text (font and colour tables, pictures, field instructions,
 * anything under \*) are skipped; \'hh is a byte in the ANSI code page
 * (cp1252 — what Word writes for UK English); \uN is a Unicode character
 * followed by \ucN fallback characters we skip. Paragraph, line and row
 * ends become newlines and cells become tabs, so numbers in different
 * cells never join. */
#include "fmt_int.h"


#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STATE 256           /* deeper groups share the deepest state */

typedef struct {
    unsigned char skip;         /* inside a destination we do not read */
    unsigned char uc;           /* fallback characters after \uN */
} grp;

typedef struct {
    const unsigned char *p, *end;
    grp st[MAX_STATE];
    size_t depth;
    unsigned pending;           /* fallback characters still to skip */
    unsigned long high;         /* a UTF-16 high surrogate awaiting its pair */
    ss_buf out;
} rtf;

static grp *cur(rtf *r)
{
    return &r->st[r->depth < MAX_STATE ? r->depth : MAX_STATE - 1];
}

static void put(rtf *r, unsigned long cp)
{
    if (r->pending) {            /* a \uN fallback: not text */
        r->pending--;
        return;
    }
    if (!cur(r)->skip)
        ssx_put_utf8(&r->out, cp);
}

static void put_break(rtf *r, char c)
{
    if (!cur(r)->skip)
        ss_buf_addc(&r->out, c);
}

static int skipped_destination(const char *w)
{
    static const char *const names[] = {
        "fonttbl", "colortbl", "stylesheet", "info", "pict", "fldinst",
        "themedata", "colorschememapping", "latentstyles", "datastore",
        "xmlnstbl", "listtable", "listoverridetable", "revtbl", "rsidtbl",
        "generator", "filetbl", "nonshppict", "objdata", "private", NULL
    };
    for (size_t i = 0; names[i]; i++)
        if (strcmp(w, names[i]) == 0)
            return 1;
    return 0;
}

static void unicode(rtf *r, long n)
{
    unsigned long cp = (unsigned long)(n < 0 ? n + 65536 : n) & 0xFFFF;
    unsigned uc = cur(r)->uc;
    if (cp >= 0xD800 && cp < 0xDC00) {
        r->high = cp;
    } else if (cp >= 0xDC00 && cp < 0xE000 && r->high) {
        put(r, 0x10000 + ((r->high - 0xD800) << 10) + (cp - 0xDC00));
        r->high = 0;
    } else {
        put(r, cp);
    }
    r->pending = uc;
}

static void word(rtf *r, const char *w, int has_n, long n)
{
    if (!strcmp(w, "par") || !strcmp(w, "line") || !strcmp(w, "row") ||
        !strcmp(w, "sect") || !strcmp(w, "page"))
        put_break(r, '\n');
    else if (!strcmp(w, "cell") || !strcmp(w, "tab"))
        put_break(r, '\t');
    else if (!strcmp(w, "u") && has_n)
        unicode(r, n);
    else if (!strcmp(w, "uc") && has_n && n >= 0 && n < 10)
        cur(r)->uc = (unsigned char)n;
    else if (!strcmp(w, "bin") && has_n && n > 0)
        r->p += (size_t)n < (size_t)(r->end - r->p) ? (size_t)n : (size_t)(r->end - r->p);
    else if (skipped_destination(w))
        cur(r)->skip = 1;
}

static int hexval(unsigned char c)
{
    return isdigit(c) ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
}

/* After a backslash. */
static void control(rtf *r)
{
    if (r->p >= r->end)
        return;
    unsigned char c = *r->p++;
    if (isalpha(c)) {
        char w[33];
        size_t n = 0;
        w[n++] = (char)c;
        while (r->p < r->end && isalpha(*r->p) && n < 32)
            w[n++] = (char)*r->p++;
        w[n] = '\0';
        int neg = r->p < r->end && *r->p == '-', has_n = 0;
        r->p += neg;
        long v = 0;
        for (int d = 0; r->p < r->end && isdigit(*r->p); r->p++, d++)
            if (d < 9)
                v = v * 10 + (*r->p - '0'), has_n = 1;
        if (r->p < r->end && *r->p == ' ')
            r->p++;
        word(r, w, has_n, neg ? -v : v);
    } else if (c == '\'') {
        int hi = r->p < r->end ? hexval(r->p[0]) : -1;
        int lo = r->p + 1 < r->end ? hexval(r->p[1]) : -1;
        if (hi >= 0 && lo >= 0) {
            r->p += 2;
            unsigned cp = ss_cp1252_codepoint((unsigned char)(hi * 16 + lo));
            put(r, cp ? cp : 0xFFFD);
        }
    } else if (c == '*') {
        cur(r)->skip = 1;
    } else if (c == '~') {
        put(r, ' ');
    } else if (c == '_') {
        put(r, '-');
    } else if (c == '\n' || c == '\r') {
        put_break(r, '\n');
    } else if (c == '{' || c == '}' || c == '\\') {
        put(r, c);
    }
}

int ssx_read_rtf(const unsigned char *data, size_t len, const char *sub,
                 const ss_attach_limits *lim, int depth, ssx_out *o)
{
    rtf *r = ss_xcalloc(1, sizeof *r);
    r->p = data;
    r->end = data + len;
    r->st[0].uc = 1;
    while (r->p < r->end) {
        unsigned char c = *r->p++;
        if (c == '{') {
            grp g = *cur(r);
            r->depth++;
            *cur(r) = g;
        } else if (c == '}') {
            r->depth -= r->depth > 0;
            r->pending = 0;
        } else if (c == '\\') {
            control(r);
        } else if (c != '\r' && c != '\n') {
            put(r, c < 0x80 ? c : (ss_cp1252_codepoint(c) ? ss_cp1252_codepoint(c) : 0xFFFD));
        }
    }
    ssx_emit(o, sub, "", &r->out);
    ss_buf_free(&r->out);
    free(r);
    return 0;
}
