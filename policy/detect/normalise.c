#include "normalise.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <glib.h>

#include "base/buf.h"

/* Decode one UTF-8 sequence at s[0..n). Returns its length, or 0 when the
 * bytes are not a valid, shortest-form sequence (copied through as-is). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* Characters a reader does not show: C0 controls but TAB, LF and CR; DEL
 * and the C1 controls; format characters (ZWSP, ZWNJ, soft hyphen, LRM,
 * BOM, word joiner...). Deleted, or one space in the second reading. */
static int invisible(uint32_t cp)
{
    if (cp < 0x20)
        return cp != '\t' && cp != '\n' && cp != '\r' && cp != '\v' && cp != '\f';
    if (cp < 0x7F)
        return 0;
    if (cp <= 0x9F)
        return 1;
    return g_unichar_type(cp) == G_UNICODE_FORMAT;
}

/* The replacement for a code point: NULL = keep, "" = delete. */
static const char *fold(uint32_t cp, char one[2], int invisible_space)
{
    static const char *const lig[] = { "ff", "fi", "fl", "ffi", "ffl", "st", "st" };
    one[1] = '\0';
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
        one[0] = (char)(cp - 0xFEE0);
        return one;
    }
    if (cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
        cp == 0x205F || cp == 0x3000 || cp == '\v' || cp == '\f')
        return " ";   /* a vertical tab or page break is a gap to a reader */
    if (invisible(cp))
        return invisible_space ? " " : "";
    if ((cp >= 0x2010 && cp <= 0x2013) || cp == 0x2212 || cp == 0xFE63)
        return "-";
    if (cp == 0x00B9)
        return "1";
    if (cp == 0x00B2 || cp == 0x00B3) {
        one[0] = (char)('0' + cp - 0x00B0);
        return one;
    }
    if (cp == 0x2070 || (cp >= 0x2074 && cp <= 0x2079)) {
        one[0] = (char)('0' + cp - 0x2070);
        return one;
    }
    if (cp >= 0x2080 && cp <= 0x2089) {
        one[0] = (char)('0' + cp - 0x2080);
        return one;
    }
    if (cp >= 0xFB00 && cp <= 0xFB06)
        return lig[cp - 0xFB00];
    if (cp >= 0x0660) {            /* decimal digits of every other script */
        int d = g_unichar_digit_value(cp);
        if (d >= 0) {
            one[0] = (char)('0' + d);
            return one;
        }
    }
    return NULL;
}

/* A byte that may fold: >= 0x80, or an ASCII control other than TAB, LF
 * and CR (NUL, ESC, VT... which a reader does not show). */
static int may_fold(unsigned char c)
{
    return c >= 0x7F || (c < 0x20 && c != '\t' && c != '\n' && c != '\r');
}

/* The first byte at or after i that may fold, or len: 16 (SSE2) or 8
 * bytes at a time. */
static size_t next_high(const char *s, size_t len, size_t i)
{
#ifdef __SSE2__
    const __m128i lo = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F);
    const __m128i tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'),
                  cr = _mm_set1_epi8('\r');
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* signed: bytes >= 0x80 are negative, so "< 0x20" takes them too */
        __m128i m = _mm_or_si128(_mm_cmplt_epi8(v, lo), _mm_cmpeq_epi8(v, del));
        __m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
                                  _mm_cmpeq_epi8(v, cr));
        int bits = _mm_movemask_epi8(_mm_andnot_si128(ok, m));
        if (bits)
            return i + (size_t)__builtin_ctz((unsigned)bits);
    }
#endif
    while (i < len && !may_fold((unsigned char)s[i]))
        i++;
    return i;
}

/* The start of the first character that folds, or len. */
static size_t first_fold(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    char one[2];
    for (size_t i = next_high(s, len, 0); i < len; i = next_high(s, len, i)) {
        uint32_t cp;
        size_t sl = utf8_decode(u + i, len - i, &cp);
        if (sl > 0 && (sl > 1 || may_fold(u[i])) && fold(cp, one, 0) != NULL)
            return i;
        i += sl ? sl : 1;
    }
    return len;
}

static void add_run(ss_norm *n, size_t at, size_t o, int folded)
{
    if (n->nmap == n->mapcap) {
        n->mapcap = n->mapcap ? n->mapcap * 2 : 16;
        n->map = ss_xrealloc(n->map, n->mapcap * sizeof *n->map);
    }
    n->map[n->nmap++] = (ss_norm_run){ at, o, folded };
}

/* An invisible character with a digit (or a character that may be one)
 * on either side: the text has a second reading. */
static int beside_digit(const char *out, size_t o, const unsigned char *u,
                        size_t next, size_t len)
{
    return (o > 0 && ss_is_digit((unsigned char)out[o - 1])) ||
           (next < len && (ss_is_digit(u[next]) || u[next] >= 0x80));
}

void ss_normalise_as(ss_norm *n, const char *s, size_t len, int invisible_space)
{
    memset(n, 0, sizeof *n);
    n->orig = s;
    n->orig_len = len;
    n->text = s;
    n->len = len;
    size_t i = first_fold(s, len);
    if (i == len)
        return;   /* nothing folds (pure ASCII, or letters and quotes kept as-is) */
    /* Every fold is no longer than its source, so len bytes suffice. */
    char *out = ss_xmalloc(len + 1);
    const unsigned char *u = (const unsigned char *)s;
    memcpy(out, s, i);
    size_t o = i;
    add_run(n, 0, 0, 0);
    while (i < len) {
        size_t h = next_high(s, len, i);
        memcpy(out + o, s + i, h - i);
        o += h - i;
        i = h;
        if (i >= len)
            break;
        uint32_t cp;
        size_t sl = utf8_decode(u + i, len - i, &cp);
        char one[2];
        const char *rep = sl > 0 ? fold(cp, one, invisible_space) : NULL;
        if (rep == NULL) {
            size_t k = sl ? sl : 1;   /* kept, or invalid: copied as-is */
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
            continue;
        }
        if (invisible(cp) && beside_digit(out, o, u, i + sl, len))
            n->invisible_digits = 1;
        add_run(n, o, i, 1);
        for (const char *r = rep; *r; r++)
            out[o++] = *r;
        i += sl;
        add_run(n, o, i, 0);
    }
    out[o] = '\0';
    n->own = out;
    n->text = out;
    n->len = o;
}

void ss_normalise(ss_norm *n, const char *s, size_t len)
{
    ss_normalise_as(n, s, len, 0);
}

void ss_norm_free(ss_norm *n)
{
    free(n->own);
    free(n->map);
    memset(n, 0, sizeof *n);
}

/* Original offset of normalised byte k (k == len: the original's end). */
static size_t map_at(const ss_norm *n, size_t k)
{
    if (n->map == NULL)
        return k;
    if (k >= n->len)
        return n->orig_len;
    size_t lo = 0, hi = n->nmap;   /* the last run with n <= k */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (n->map[mid].n <= k)
            lo = mid;
        else
            hi = mid;
    }
    const ss_norm_run *r = &n->map[lo];
    return r->folded ? r->o : r->o + (k - r->n);
}

static size_t seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

void ss_norm_span(const ss_norm *n, size_t start, size_t end,
                  size_t *ostart, size_t *olen)
{
    if (n->map == NULL || end <= start) {
        *ostart = map_at(n, start);
        *olen = n->map ? 0 : end - start;
        return;
    }
    size_t os = map_at(n, start);
    size_t last = map_at(n, end - 1);
    unsigned char nb = (unsigned char)n->text[end - 1];
    unsigned char ob = (unsigned char)n->orig[last];
    /* An ASCII byte made from a multi-byte character ends where that
     * character ends; a copied byte ends right after itself. */
    size_t oe = (nb < 0x80 && ob >= 0xC0) ? last + seq_len(ob) : last + 1;
    *ostart = os;
    *olen = oe - os;
}

int ss_is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
}

/* Non-ASCII \w: letters and digits; not the punctuation and symbol blocks
 * that sit next to words in mail (quotes, dashes, arrows, CJK marks). */
static int cp_is_word(uint32_t cp)
{
    if (cp < 0x80)
        return ss_is_alnum_ascii((unsigned char)cp) || cp == '_';
    if (cp < 0xC0)
        return cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 ||
               cp == 0xB9 || cp == 0xBA || (cp >= 0xBC && cp <= 0xBE);
    if (cp == 0xD7 || cp == 0xF7)
        return 0;
    if (cp >= 0x2000 && cp <= 0x2BFF)
        return (cp >= 0x2070 && cp <= 0x209F) || (cp >= 0x2460 && cp <= 0x249B);
    if ((cp >= 0x2E00 && cp <= 0x2E7F) || (cp >= 0x3000 && cp <= 0x303F))
        return 0;
    if ((cp >= 0xFE00 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
        (cp >= 0xFFF0 && cp <= 0xFFFF))
        return 0;
    if (cp >= 0x1F000 && cp <= 0x1FAFF)
        return 0;
    return 1;
}

int ss_is_word_at(const char *t, size_t len, size_t i)
{
    if (i >= len)
        return 0;
    const unsigned char *u = (const unsigned char *)t;
    if (u[i] < 0x80)
        return ss_is_alnum_ascii(u[i]) || u[i] == '_';
    uint32_t cp;
    return utf8_decode(u + i, len - i, &cp) ? cp_is_word(cp) : 0;
}

int ss_is_word_before(const char *t, size_t i)
{
    if (i == 0)
        return 0;
    const unsigned char *u = (const unsigned char *)t;
    if (u[i - 1] < 0x80)
        return ss_is_alnum_ascii(u[i - 1]) || u[i - 1] == '_';
    size_t s = i - 1;
    while (s > 0 && i - s < 4 && (u[s] & 0xC0) == 0x80)
        s--;
    uint32_t cp;
    if (utf8_decode(u + s, i - s, &cp) != i - s)
        return 0;
    return cp_is_word(cp);
}
