/* Text in any charset → UTF-8, and format=flowed line joining.
 *
 * Conversion never fails: a charset we cannot convert falls back to
 * windows-1252, and bad bytes become U+FFFD rather than vanishing, so a
 * dropped byte can never join two digit groups into one number (or split
 * one). */
#include "charset.h"

#include <errno.h>
#include <gmime/gmime.h>
#include <iconv.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_init_once(void)
{
    g_mime_init();
}

void ss_text_init(void)
{
    pthread_once(&gmime_once, gmime_init_once);
}

static const unsigned short cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

unsigned ss_cp1252_codepoint(unsigned char c)
{
    if (c >= 0x80 && c <= 0x9F)
        return cp1252_high[c - 0x80];
    return c;
}

static void put_cp(ss_buf *b, unsigned cp)
{
    char u[4];
    size_t n = (size_t)g_unichar_to_utf8((gunichar)cp, u);
    ss_buf_add(b, u, n);
}

/* Total by construction: every byte maps to something. */
static void from_cp1252(ss_buf *b, const char *s, size_t n)
{
    ss_buf_reserve(b, n + n / 2);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp = ss_cp1252_codepoint(c);
        put_cp(b, c == 0 ? SS_NUL_CP : cp ? cp : 0xFFFD);
    }
}

/* Valid UTF-8 is copied, a valid run at a time (GLib's check, one call
 * per run rather than one per character); each bad byte becomes U+FFFD,
 * so nothing that separated two digit groups is lost. A NUL (where GLib's
 * check also stops) becomes SS_NUL_CP: a reader shows it as nothing or as
 * a gap, and the detectors read it both ways. */
static void from_utf8(ss_buf *b, const char *s, size_t n)
{
    ss_buf_reserve(b, n);
    size_t i = 0;
    while (i < n) {
        const gchar *end;
        g_utf8_validate_len(s + i, n - i, &end);
        size_t good = (size_t)(end - (s + i));
        ss_buf_add(b, s + i, good);
        i += good;
        if (i < n) {
            put_cp(b, s[i] == '\0' ? SS_NUL_CP : 0xFFFD);
            i++;
        }
    }
}

/* iconv with U+FFFD for each byte it rejects. Returns -1 if the charset is
 * unknown to iconv (the caller falls back). */
static int from_iconv(ss_buf *b, const char *s, size_t n, const char *charset)
{
    iconv_t cd = g_mime_iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return -1;
    char *in = (char *)s;
    size_t inleft = n;
    char chunk[4096];
    while (inleft > 0) {
        char *o = chunk;
        size_t oleft = sizeof chunk;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        ss_buf_add(b, chunk, sizeof chunk - oleft);
        if (r != (size_t)-1 || errno == E2BIG)
            continue;
        put_cp(b, 0xFFFD);             /* EILSEQ or truncated at the end */
        in++;
        inleft--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    char *o = chunk;
    size_t oleft = sizeof chunk;
    iconv(cd, NULL, NULL, &o, &oleft);
    ss_buf_add(b, chunk, sizeof chunk - oleft);
    g_mime_iconv_close(cd);
    return 0;
}

static int charset_is(const char *canon, const char *const *names)
{
    for (; *names; names++)
        if (g_ascii_strcasecmp(canon, *names) == 0)
            return 1;
    return 0;
}

/* UTF-8 validity, where a NUL byte counts as valid (GLib says otherwise). */
static int valid_utf8(const char *s, size_t n)
{
    while (n > 0) {
        const char *nul = memchr(s, '\0', n);
        size_t run = nul ? (size_t)(nul - s) : n;
        if (run && !g_utf8_validate_len(s, run, NULL))
            return 0;
        if (!nul)
            break;
        s += run + 1;
        n -= run + 1;
    }
    return 1;
}

/* NULs that iconv wrote (UTF-16 "\0\0", EBCDIC 0x00) → SS_NUL_CP: a NUL
 * would cut the C string a later reader sees. */
static void nul_to_invisible(ss_buf *b)
{
    if (b->len == 0 || memchr(b->p, '\0', b->len) == NULL)
        return;
    ss_buf o = SS_BUF_INIT;
    ss_buf_reserve(&o, b->len + 16);
    for (size_t i = 0; i < b->len; i++)
        if (b->p[i] == '\0')
            put_cp(&o, SS_NUL_CP);
        else
            ss_buf_addc(&o, b->p[i]);
    ss_buf_free(b);
    *b = o;
}

/* Bytes in the part's charset → UTF-8. */
void ssx_charset_utf8(ss_buf *b, const char *s, size_t n, const char *charset)
{
    static const char *const ascii[] = { "us-ascii", "ascii",
                                         "ansi_x3.4-1968", NULL };
    static const char *const latin[] = { "iso-8859-1", "latin1",
                                         "windows-1252", "cp1252", NULL };
    const char *canon = charset ? g_mime_charset_canon_name(charset) : NULL;

    if (canon && (g_ascii_strcasecmp(canon, "utf-8") == 0 ||
                  g_ascii_strcasecmp(canon, "utf8") == 0)) {
        from_utf8(b, s, n);            /* declared: bad bytes become U+FFFD */
    } else if (!canon || charset_is(canon, ascii)) {
        /* undeclared, or "ASCII" with 8-bit bytes: UTF-8 if it is valid,
         * else what Windows mailers write */
        if (valid_utf8(s, n))
            from_utf8(b, s, n);
        else
            from_cp1252(b, s, n);
    } else if (charset_is(canon, latin)) {
        from_cp1252(b, s, n);  /* 1252 is a superset of 8859-1's printables */
    } else if (from_iconv(b, s, n, charset) < 0) {
        if (valid_utf8(s, n))
            from_utf8(b, s, n);
        else
            from_cp1252(b, s, n);
    }
    nul_to_invisible(b);
}

void ssx_to_utf8(ss_buf *out, const char *s, size_t n, const char *charset)
{
    ss_text_init();          /* the charset tables need GMime */
    ssx_charset_utf8(out, s, n, charset);
}

/* RFC 3676 format=flowed: a line ending in a space continues on the next
 * line. Mailers break long lines this way, often inside a number, so the
 * soft breaks are joined (quote markers and the stuffing space of the
 * continuation dropped); "-- " stays a hard line. */
static int soft_line(const char *line, size_t n, size_t body)
{
    if (n == 0 || line[n - 1] != ' ')
        return 0;
    return !(n - body == 3 && memcmp(line + body, "-- ", 3) == 0);
}

void ssx_unflow(ss_buf *b, int delsp)
{
    ss_buf o = SS_BUF_INIT;
    size_t i = 0, prev_depth = 0;
    int joining = 0;
    while (i < b->len) {
        size_t e = i;
        while (e < b->len && b->p[e] != '\n')
            e++;
        const char *line = b->p + i;
        size_t n = e - i, depth = 0;
        while (depth < n && line[depth] == '>')
            depth++;
        size_t body = depth + (depth < n && line[depth] == ' ');
        size_t before = o.len;
        if (joining && depth == prev_depth) {
            ss_buf_add(&o, line + body, n - body);
        } else {
            if (joining)
                ss_buf_addc(&o, '\n');
            ss_buf_add(&o, line, n);
        }
        joining = soft_line(line, n, body);
        /* DelSp: the soft line's own trailing space goes, only if this
         * line added one (a line that is only its stuffing space added
         * nothing, and the byte before belongs to another line). */
        if (joining && delsp && o.len > before && o.p[o.len - 1] == ' ')
            o.len--;
        else if (!joining && e < b->len)
            ss_buf_addc(&o, '\n');
        prev_depth = depth;
        i = e + 1;
    }
    if (o.p)
        o.p[o.len] = '\0';
    ss_buf_free(b);
    *b = o;
}
