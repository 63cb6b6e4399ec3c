/* Text and CSV attachments in any charset. No parser risk, so this runs
 * in-process (and in the worker, for text files inside archives).
 *
 * Excel's "Unicode text" export is UTF-16 LE, with or without a BOM, and
 * usually labelled application/octet-stream or text/plain with no charset:
 * read as Latin-1 every other byte would be NUL and "9434765919" would be
 * invisible to detection. So the bytes decide before the label does. */
#include "charset.h"

#include <string.h>

#include <glib.h>

/* 'L' or 'B' for UTF-16 without a BOM, judged by where the NULs fall:
 * mostly-ASCII UTF-16 has a NUL in every other byte. 0 otherwise. */
static char utf16_guess(const unsigned char *d, size_t len)
{
    size_t n = len < 4096 ? len : 4096, even = 0, odd = 0;
    if (n < 4)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (d[i] == 0 && i % 2)
            odd++;
        else if (d[i] == 0)
            even++;
    if (odd > n / 4 && even < odd / 8)
        return 'L';
    if (even > n / 4 && odd < even / 8)
        return 'B';
    return 0;
}

static void unix_newlines(ss_buf *b)
{
    size_t w = 0;
    for (size_t r = 0; r < b->len; r++) {
        if (b->p[r] == '\r') {
            b->p[w++] = '\n';
            if (r + 1 < b->len && b->p[r + 1] == '\n')
                r++;
        } else {
            b->p[w++] = b->p[r];
        }
    }
    b->len = w;
    if (b->p)
        b->p[w] = '\0';
}

/* A declared charset of 16- or 32-bit units: it decides before any
 * guess (UTF-32 text looks like UTF-16 to the NUL count). */
static int declared_wide(const char *charset)
{
    static const char *const wide[] = { "utf-16", "utf16", "ucs-2", "ucs2",
                                        "utf-32", "utf32", "ucs-4", "ucs4",
                                        "unicode", NULL };
    if (!charset)
        return 0;
    for (const char *const *w = wide; *w; w++)
        if (g_ascii_strncasecmp(charset, *w, strlen(*w)) == 0)
            return 1;
    return 0;
}

void ssx_text_decode(ss_buf *out, const unsigned char *data, size_t len,
                     const char *charset)
{
    const char *s = (const char *)data;
    char g;
    /* the UTF-32 BOMs first: FF FE 00 00 also starts like UTF-16 LE's */
    if (len >= 4 && memcmp(s, "\xFF\xFE\0\0", 4) == 0)
        ssx_to_utf8(out, s + 4, len - 4, "UTF-32LE");
    else if (len >= 4 && memcmp(s, "\0\0\xFE\xFF", 4) == 0)
        ssx_to_utf8(out, s + 4, len - 4, "UTF-32BE");
    else if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        ssx_to_utf8(out, s + 3, len - 3, "utf-8");
    else if (len >= 2 && memcmp(s, "\xFF\xFE", 2) == 0)
        ssx_to_utf8(out, s + 2, len - 2, "UTF-16LE");
    else if (len >= 2 && memcmp(s, "\xFE\xFF", 2) == 0)
        ssx_to_utf8(out, s + 2, len - 2, "UTF-16BE");
    else if (declared_wide(charset) && memchr(s, '\0', len < 4096 ? len : 4096))
        ssx_to_utf8(out, s, len, charset);
    else if (declared_wide(charset))      /* 8-bit text wrongly labelled */
        ssx_to_utf8(out, s, len, NULL);
    else if ((g = utf16_guess(data, len)) != 0)
        ssx_to_utf8(out, s, len, g == 'L' ? "UTF-16LE" : "UTF-16BE");
    else
        ssx_to_utf8(out, s, len, charset);
    unix_newlines(out);
}
