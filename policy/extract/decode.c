/* Decoding as a lenient reader does, where GMime reads less.
 *
 * base64: GMime's decoder stops at the first '=', so text encoded in
 * separately padded chunks ("…OQ==" then more) loses everything after the
 * first chunk, and a final quantum cut short is dropped. Thunderbird and
 * Python read on; so do we.
 *
 * Header text: GMime joins adjacent B-encoded words before decoding, so a
 * number split over two words whose first is padded is lost, and a NUL
 * decoded from a word becomes '?'. Each encoded-word is decoded on its
 * own here, in its own charset, and a NUL stays an invisible character.
 * Pure functions on bytes. */
#include "extract_int.h"

#include <string.h>

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* The bytes of a partial quantum of k sextets (k = 2 or 3 give 1 or 2). */
static void flush(GByteArray *out, unsigned acc, int k)
{
    unsigned char b[3];
    if (k < 2)
        return;
    acc <<= 6 * (4 - k);
    b[0] = (unsigned char)(acc >> 16);
    b[1] = (unsigned char)(acc >> 8);
    b[2] = (unsigned char)acc;
    g_byte_array_append(out, b, (guint)(k - 1));
}

void ssx_base64_lenient(const unsigned char *p, size_t n, GByteArray *out)
{
    unsigned acc = 0;
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '=' && k < 2)
            continue;               /* no quantum to pad: a stray '=' (as CPython) */
        if (p[i] == '=') {          /* padding ends this quantum, not the data */
            flush(out, acc, k);
            acc = 0, k = 0;
            continue;
        }
        int v = b64_value(p[i]);
        if (v < 0)
            continue;               /* line breaks, spaces, junk */
        acc = (acc << 6) | (unsigned)v;
        if (++k == 4) {
            unsigned char b[3] = { (unsigned char)(acc >> 16), (unsigned char)(acc >> 8),
                                   (unsigned char)acc };
            g_byte_array_append(out, b, 3);
            acc = 0, k = 0;
        }
    }
    flush(out, acc, k);
}

/* ---- RFC 2047 encoded-words, one at a time ------------------------------ */

static int hexval(char c)
{
    return g_ascii_xdigit_value(c);
}

static void q_decode(const char *s, size_t n, GByteArray *out)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '_') {
            c = ' ';
        } else if (c == '=' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            c = (unsigned char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        }
        g_byte_array_append(out, &c, 1);
    }
}

/* An encoded-word at s: =?charset?B|Q?text?=. Its length, with the
 * charset, encoding and text spans; 0 when s does not start one. */
static size_t encoded_word(const char *s, size_t n, size_t *cs_len, char *enc,
                           size_t *ts, size_t *tl)
{
    if (n < 8 || s[0] != '=' || s[1] != '?')
        return 0;
    const char *q1 = memchr(s + 2, '?', n - 2);
    if (!q1 || (size_t)(q1 - s) + 3 >= n || q1[2] != '?')
        return 0;
    char e = (char)g_ascii_toupper(q1[1]);
    if (e != 'B' && e != 'Q')
        return 0;
    size_t start = (size_t)(q1 - s) + 3;
    for (size_t i = start; i + 1 < n; i++) {
        if (s[i] == '\n')
            return 0;
        if (s[i] == '?' && s[i + 1] == '=') {
            *cs_len = (size_t)(q1 - s) - 2;
            *enc = e;
            *ts = start;
            *tl = i - start;
            return i + 2;
        }
    }
    return 0;
}

/* charset "utf-8*en" → "utf-8" (RFC 2231 language suffix). */
static char *word_charset(const char *s, size_t n)
{
    char *c = ss_xstrndup(s, n);
    char *star = strchr(c, '*');
    if (star)
        *star = '\0';
    return c;
}

static void add_word(ss_buf *out, const char *w, size_t cs_len, char enc,
                     size_t ts, size_t tl)
{
    GByteArray *ba = g_byte_array_new();
    if (enc == 'B')
        ssx_base64_lenient((const unsigned char *)w + ts, tl, ba);
    else
        q_decode(w + ts, tl, ba);
    char *cs = word_charset(w + 2, cs_len);
    ssx_charset_utf8(out, (const char *)ba->data, ba->len, cs);
    free(cs);
    g_byte_array_unref(ba);
}

/* Unfolded: CRLF or LF before a space or tab is removed. */
static char *unfold(const char *raw, size_t *n)
{
    ss_buf b = SS_BUF_INIT;
    for (size_t i = 0; raw[i]; i++) {
        if (raw[i] == '\r' && raw[i + 1] == '\n')
            continue;
        if (raw[i] == '\n' && (raw[i + 1] == ' ' || raw[i + 1] == '\t'))
            continue;
        ss_buf_addc(&b, raw[i]);
    }
    char *v = b.p ? ss_buf_steal(&b) : ss_xstrdup("");
    g_strstrip(v);                /* the space after the colon, the last LF */
    *n = strlen(v);
    return v;
}

/* Between two encoded-words: whitespace, and the invisible bytes a NUL
 * became (repair.c) or other controls. Advances *k past a U+2060. */
static int junk_gap(const char *v, size_t end, size_t *k)
{
    unsigned char c = (unsigned char)v[*k];
    if (c == ' ' || c == '\t' || c < 0x20)
        return 1;
    if (*k + 2 < end && memcmp(v + *k, "\xe2\x81\xa0", 3) == 0) {
        *k += 2;
        return 1;
    }
    return 0;
}

void ssx_header_text(ss_buf *out, const char *raw)
{
    size_t n;
    char *v = unfold(raw ? raw : "", &n);
    size_t i = 0, plain = 0;
    int after_word = 0;
    while (i < n) {
        size_t cs_len, ts, tl, wl;
        char enc;
        if (v[i] == '=' && (wl = encoded_word(v + i, n - i, &cs_len, &enc, &ts, &tl)) != 0) {
            /* whitespace between two encoded-words is not text */
            int gap_only = after_word;
            for (size_t k = plain; k < i && gap_only; k++)
                gap_only = junk_gap(v, i, &k);
            if (!gap_only)
                ssx_charset_utf8(out, v + plain, i - plain, NULL);
            add_word(out, v + i, cs_len, enc, ts, tl);
            i += wl;
            plain = i;
            after_word = 1;
            continue;
        }
        i++;
    }
    ssx_charset_utf8(out, v + plain, n - plain, NULL);
    free(v);
}
