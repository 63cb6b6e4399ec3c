/* Child-age signals (spec §7.5): words that say the person is under 18
 * without giving a date of birth. They never make a finding; a MEDIUM
 * identifier within 300 characters of one gets SS_F_CHILD_AGE, which
 * decide's §10 default rule reads like a CHI-implied age under 18.
 *
 * The phrases ride on the segment's one keyword scan. Those that carry a
 * number the phrase cannot bound by itself (an age after "aged", before
 * "years old", a year after "born in") are checked here from the hit,
 * reading a few bytes either side of it: no pass of their own. */
#include "detectors.h"

#include <strings.h>

#include "checksum.h"

/* What a hit needs before it counts (kept above the type bits). */
#define AGE_FIXED (1u << 24)   /* the phrase is the whole signal */
#define AGE_AFTER (1u << 25)   /* "aged" \s+ N, N under 18 */
#define AGE_OLD   (1u << 26)   /* N [- ] (year|yr)(s|) [- ] "old", N under 18 */
#define AGE_BORN  (1u << 27)   /* "born in" \s+ YYYY, under 18 on the reference date */
#define AGE_KINDS (AGE_FIXED | AGE_AFTER | AGE_OLD | AGE_BORN)

/* 1 to 17, word-bounded at the start by the phrase scan and at the end by
 * what follows in the phrase. */
#define UNDER18 "(1(0|1|2|3|4|5|6|7|)|2|3|4|5|6|7|8|9)"
/* School years: Reception, then Year 1 to Year 13 (Y1..Y13). */
#define YEAR1TO13 "(1(0|1|2|3|)|2|3|4|5|6|7|8|9)"

/* The scan's prefix filter sees a phrase's first four bytes at every word
 * start, so each phrase is anchored on a word that is rare in prose:
 * "7 years old" on "old" (looking back), not on "year"; school years on
 * the capitalised "Year" the spec writes, which also keeps "in year 2 of
 * the contract" out. Words that begin with a digit pay only the filter. */
const ss_phrase ss_age_signals[] = {
    { "aged", 1, SS_KW_AGE | AGE_AFTER },
    { "old", 1, SS_KW_AGE | AGE_OLD },
    { UNDER18 "yo", 1, SS_KW_AGE | AGE_FIXED },
    { "born+in", 1, SS_KW_AGE | AGE_BORN },
    /* "Year 2025" fails the end boundary ("Year 2" then a digit) */
    { "Year_" YEAR1TO13, 0, SS_KW_AGE | AGE_FIXED },
    { "YEAR_" YEAR1TO13, 0, SS_KW_AGE | AGE_FIXED },
    /* "Y2K" fails the same boundary */
    { "Y" YEAR1TO13, 0, SS_KW_AGE | AGE_FIXED },
    /* also a front desk ("leave it at Reception"): only ever a grade */
    { "Reception", 0, SS_KW_AGE | AGE_FIXED },
    /* a safeguarding plan for a child not yet born */
    { "unborn", 1, SS_KW_AGE | AGE_FIXED },
    { "EDD", 0, SS_KW_AGE | AGE_FIXED },
    { "pre(~|)birth", 1, SS_KW_AGE | AGE_FIXED },
};
const size_t ss_age_nsignals = sizeof ss_age_signals / sizeof *ss_age_signals;

static int digit(const char *t, size_t len, size_t i)
{
    return i < len && ss_is_digit((unsigned char)t[i]);
}

/* The number in the digit run [i, j), or -1 when it is not 1..n digits. */
static int number(const char *t, size_t i, size_t j, size_t n)
{
    if (j <= i || j - i > n)
        return -1;
    int v = 0;
    for (size_t k = i; k < j; k++)
        v = v * 10 + (t[k] - '0');
    return v;
}

/* The digit run after \s+ at e: its value if at most n digits, else -1. */
static int number_after(const char *t, size_t len, size_t e, size_t n)
{
    size_t i = e;
    while (i < len && ss_is_space((unsigned char)t[i]))
        i++;
    if (i == e)
        return -1;
    size_t j = i;
    while (digit(t, len, j))
        j++;
    return number(t, i, j, n);
}

/* One '-' or a run of whitespace ending at j: where it starts, or j. */
static size_t sep_before(const char *t, size_t j)
{
    if (j > 0 && t[j - 1] == '-')
        return j - 1;
    while (j > 0 && ss_is_space((unsigned char)t[j - 1]))
        j--;
    return j;
}

/* The one- or two-digit number, standing alone, that ends at j. */
static int number_before(const char *t, size_t j)
{
    size_t i = j;
    while (i > 0 && j - i < 3 && ss_is_digit((unsigned char)t[i - 1]))
        i--;
    if (ss_is_word_before(t, i))
        return -1;
    return number(t, i, j, 2);
}

static int ends_with(const char *t, size_t j, const char *w, size_t n)
{
    return j >= n && strncasecmp(t + j - n, w, n) == 0;
}

/* "7 years old", "7-year-old", "15 yrs old": the age before the unit
 * before "old" at s, or -1. */
static int age_before_old(const char *t, size_t s)
{
    size_t j = sep_before(t, s);
    if (j == s)
        return -1;
    if (j > 0 && (t[j - 1] | 0x20) == 's')
        j--;
    if (ends_with(t, j, "year", 4))
        j -= 4;
    else if (ends_with(t, j, "yr", 2))
        j -= 2;
    else
        return -1;
    size_t k = sep_before(t, j);
    return k == j ? -1 : number_before(t, k);
}

/* A four-digit year alone: fail closed, as the signal only grades.
 * Someone born in Y may be under 18 if a birthday late in Y makes them so;
 * a year after the reference date is no birth yet. */
static int child_year(int y, const ss_detect_opts *o)
{
    return y >= 1000 && y <= o->ref_year &&
           ss_age_on(y, 12, 31, o->ref_year, o->ref_month, o->ref_day) < 18;
}

unsigned ss_age_check(const ss_segctx *c, unsigned mask, size_t s, size_t e)
{
    const char *t = c->nm->text;
    size_t len = c->nm->len;
    int ok;
    if (mask & AGE_AFTER) {
        int n = number_after(t, len, e, 2);
        ok = n >= 0 && n < 18;
    } else if (mask & AGE_OLD) {
        int n = age_before_old(t, s);
        ok = n >= 0 && n < 18;
    } else if (mask & AGE_BORN) {
        ok = child_year(number_after(t, len, e, 4), c->o);
    } else {
        ok = (mask & AGE_FIXED) != 0;
    }
    return ok ? mask & ~AGE_KINDS : 0;
}
