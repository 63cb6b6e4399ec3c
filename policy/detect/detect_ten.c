/* The shared ten-digit candidate scanner (spec §0.2) and classifier
 * (§0.3) for NHS, CHI, H&C and ULN. One pass over digit runs: each form
 * can only start where a digit run starts, so a run is examined once. */
#include "segment.h"

#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/buf.h"
#include "checksum.h"

uint64_t *ss_digit_bits(const char *t, size_t len)
{
    size_t nw = (len + 63) / 64;
    uint64_t *bits = ss_xcalloc(nw ? nw : 1, sizeof *bits);
    size_t i = 0;
#ifdef __SSE2__
    const __m128i bias = _mm_set1_epi8((char)(0x80 - '0'));
    const __m128i lim = _mm_set1_epi8((char)(-128 + 10));
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        uint64_t m = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(_mm_add_epi8(v, bias), lim));
        bits[i / 64] |= m << (i % 64);
    }
#endif
    for (; i < len; i++)
        if (ss_is_digit((unsigned char)t[i]))
            bits[i / 64] |= 1ull << (i % 64);
    return bits;
}

size_t ss_digit_run_end(const char *t, size_t len, size_t i)
{
    while (i < len && ss_is_digit((unsigned char)t[i]))
        i++;
    return i;
}

static int is_digit_at(const char *t, size_t len, size_t i)
{
    return i < len && ss_is_digit((unsigned char)t[i]);
}

static int is_alnum_at(const char *t, size_t len, size_t i)
{
    return i < len && ss_is_alnum_ascii((unsigned char)t[i]);
}

static int is_sp_or_dash(unsigned char c)
{
    return ss_is_space(c) || c == '-';
}

/* Does window [w, a) end with +44, + 44, 0044 (word-bounded) or (0)? */
static int prefix_ends_at(const char *t, size_t w, size_t a)
{
    size_t n = a - w;
    if (n >= 3 && memcmp(t + a - 3, "(0)", 3) == 0)
        return 1;
    if (n >= 3 && t[a - 2] == '4' && t[a - 1] == '4') {
        if (t[a - 3] == '+')
            return 1;
        if (n >= 4 && ss_is_space((unsigned char)t[a - 3]) && t[a - 4] == '+')
            return 1;
    }
    if (n >= 4 && memcmp(t + a - 4, "0044", 4) == 0)
        return a - 4 == w || !ss_is_word_before(t, a - 4);
    return 0;
}

/* §0.2: the 12 characters before a candidate end with a telephone prefix,
 * (\+\s?44|\b0044|\(0\))[\s-]*(\(0\)[\s-]*)?$ read right to left. */
static int phone_prefix(const char *t, size_t start)
{
    size_t w = start;
    for (int chars = 0; w > 0 && chars < 12; chars++) {
        w--;
        while (w > 0 && ((unsigned char)t[w] & 0xC0) == 0x80)
            w--;
    }
    size_t a = start;
    while (a > w && is_sp_or_dash((unsigned char)t[a - 1]))
        a--;
    if (prefix_ends_at(t, w, a))
        return 1;
    if (a - w >= 3 && memcmp(t + a - 3, "(0)", 3) == 0) {
        a -= 3;
        while (a > w && is_sp_or_dash((unsigned char)t[a - 1]))
            a--;
        return prefix_ends_at(t, w, a);
    }
    return 0;
}

/* The 3-3-4 separator starting at j (" ", "  ", "-", " - "), whose next
 * byte must be a digit: its length, or 0. */
static size_t sep_at(const char *t, size_t len, size_t j)
{
    if (j >= len)
        return 0;
    if (t[j] == '-')
        return is_digit_at(t, len, j + 1) ? 1 : 0;
    if (t[j] != ' ' || j + 1 >= len)
        return 0;
    if (is_digit_at(t, len, j + 1))
        return 1;
    if (t[j + 1] == ' ')
        return is_digit_at(t, len, j + 2) ? 2 : 0;
    if (t[j + 1] == '-' && j + 2 < len && t[j + 2] == ' ')
        return is_digit_at(t, len, j + 3) ? 3 : 0;
    return 0;
}

/* (?!SEP[0-9]) at e, where the separator is the sl bytes at sep. */
static int continues(const char *t, size_t len, size_t e, const char *sep, size_t sl)
{
    return e + sl < len && memcmp(t + e, sep, sl) == 0 && is_digit_at(t, len, e + sl);
}

static int all_digits(const char *t, size_t len, size_t i, size_t n)
{
    if (i + n > len)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (!ss_is_digit((unsigned char)t[i + k]))
            return 0;
    return 1;
}

/* 3-3-4 starting at the 3-digit run [i, i+3): end offset or 0. */
static size_t match_334(const char *t, size_t len, size_t i)
{
    size_t j = i + 3, sl = sep_at(t, len, j);
    if (sl == 0)
        return 0;
    size_t k = j + sl;
    if (!all_digits(t, len, k, 3) || k + 3 + sl > len ||
        memcmp(t + k + 3, t + j, sl) != 0)
        return 0;
    size_t m = k + 3 + sl;
    if (!all_digits(t, len, m, 4))
        return 0;
    size_t e = m + 4;
    if (is_alnum_at(t, len, e) || continues(t, len, e, t + j, sl))
        return 0;
    return e;
}

/* 6-4 starting at the 6-digit run [i, i+6): end offset or 0. */
static size_t match_64(const char *t, size_t len, size_t i)
{
    size_t j = i + 6;
    if (j >= len || (t[j] != ' ' && t[j] != '-') || !all_digits(t, len, j + 1, 4))
        return 0;
    size_t e = j + 5;
    if (is_alnum_at(t, len, e) || continues(t, len, e, t + j, 1))
        return 0;
    return e;
}

unsigned ss_ten_classify(const char *d, int form, const ss_detect_opts *o)
{
    if (ss_repdigit(d, 10))
        return 0;
    unsigned types = 0;
    int m11 = ss_mod11_ok(d);
    int dated = ss_chi_date_ok(d);
    if (form != SS_FORM_64) {
        if (m11) {
            int p = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
            int issued = (p >= 400 && p <= 499) || (p >= 600 && p <= 799);
            int test = p >= 900;
            if ((issued || (test && o->nhs_test_range)) && !dated)
                types |= SS_KW_BIT(SS_T_NHS);
            if (memcmp(d, "320000001", 9) >= 0 && memcmp(d, "399999999", 9) <= 0)
                types |= SS_KW_BIT(SS_T_HCN);
        }
        if (form == SS_FORM_CONTIG && ss_uln_ok(d))
            types |= SS_KW_BIT(SS_T_ULN);
    }
    if (dated) {
        if (m11)
            types |= SS_KW_BIT(SS_T_CHI);
        else if (o->chi_mod10 && ss_luhn_ok(d))
            types |= SS_KW_BIT(SS_T_CHI) | SS_TEN_MOD10_ONLY;
    }
    return types;
}

static void add(const char *t, size_t s, size_t e, int form,
                const ss_detect_opts *o, ss_ten_cands *out)
{
    if (phone_prefix(t, s))
        return;
    char d[11];
    size_t n = 0;
    for (size_t i = s; i < e && n < 10; i++)
        if (ss_is_digit((unsigned char)t[i]))
            d[n++] = t[i];
    d[n] = '\0';
    unsigned types = ss_ten_classify(d, form, o);
    if (types == 0)
        return;
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->v = ss_xrealloc(out->v, out->cap * sizeof *out->v);
    }
    ss_ten_cand *k = &out->v[out->n++];
    k->s = s;
    k->e = e;
    memcpy(k->d, d, sizeof d);
    k->form = form;
    k->types = types;
}

void ss_ten_scan(const char *t, size_t len, const uint64_t *digits,
                 const ss_detect_opts *o, ss_ten_cands *out)
{
    for (size_t i = ss_next_digit(digits, len, 0); i < len; i = ss_next_digit(digits, len, i)) {
        size_t j = ss_digit_run_end(t, len, i);
        size_t run = j - i;
        /* every form: no letter glued on the left (a digit cannot be: runs are maximal) */
        int free_left = !(i > 0 && ss_is_alnum_ascii((unsigned char)t[i - 1]));
        /* grouped forms: not the continuation of "digit SEP" */
        int group_left = free_left &&
            !(i >= 2 && ss_is_digit((unsigned char)t[i - 2]) &&
              (t[i - 1] == ' ' || t[i - 1] == '-'));
        size_t e;
        if (run == 10 && free_left && !is_alnum_at(t, len, j))
            add(t, i, j, SS_FORM_CONTIG, o, out);
        else if (run == 3 && group_left && (e = match_334(t, len, i)) != 0)
            add(t, i, e, SS_FORM_334, o, out);
        else if (run == 6 && group_left && (e = match_64(t, len, i)) != 0)
            add(t, i, e, SS_FORM_64, o, out);
        i = j;
    }
}

void ss_redact_334(char *dst, size_t n, const char *d10)
{
    snprintf(dst, n, "*** *** %.4s", d10 + 6);
}
