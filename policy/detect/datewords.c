/* Dates written in words, as people write a child's birthday (§7 extended
 * by issue 13; the spec's numeric and "3rd March 2016" forms stay in
 * detect_dob.c):
 *   (the)? (WEEKDAY,?)? DAY (of)? MONTH.?,? YEAR    "the fourth of March 2015"
 *   MONTH.? (the)? DAY,? YEAR                       "March the fourth, 2015"
 * DAY is 1-31 in digits with an optional ordinal suffix, or an ordinal
 * word ("fourth", "twenty-first"); YEAR is four digits, two digits after
 * a month name ("4 Mar 15", by the §7.3 century rule), or words ("two
 * thousand and fifteen", "twenty fifteen"). Case-insensitive, one pass
 * from the given offset, no backtracking beyond the two shapes. */
#include "detectors.h"

#include <string.h>
#include <strings.h>

#include "checksum.h"

typedef struct {
    const char *t;
    size_t len;
} txt;

static int is_sp(const txt *x, size_t i)
{
    return i < x->len && ss_is_space((unsigned char)x->t[i]);
}

static size_t skip_sp(const txt *x, size_t i)
{
    while (is_sp(x, i))
        i++;
    return i;
}

/* The word w at i, ending at a word boundary: its end, or 0. */
static size_t word_at(const txt *x, size_t i, const char *w)
{
    size_t n = strlen(w);
    if (i + n > x->len || strncasecmp(x->t + i, w, n) != 0 || ss_is_word_at(x->t, x->len, i + n))
        return 0;
    return i + n;
}

/* One of words[] at i: its index (and *end), or -1. */
static int one_of(const txt *x, size_t i, const char *const *words, size_t n, size_t *end)
{
    for (size_t k = 0; k < n; k++) {
        size_t e = word_at(x, i, words[k]);
        if (e) {
            *end = e;
            return (int)k;
        }
    }
    return -1;
}

#define N(a) (sizeof a / sizeof *a)

int ss_month_at(const char *t, size_t len, size_t i, size_t *end)
{
    static const char *const names[12][3] = {
        { "january", "jan" }, { "february", "feb" }, { "march", "mar" },
        { "april", "apr" }, { "may" }, { "june", "jun" }, { "july", "jul" },
        { "august", "aug" }, { "september", "sept", "sep" },
        { "october", "oct" }, { "november", "nov" }, { "december", "dec" },
    };
    for (int m = 0; m < 12; m++) {
        for (int v = 0; v < 3 && names[m][v]; v++) {
            size_t n = strlen(names[m][v]);
            if (i + n <= len && strncasecmp(t + i, names[m][v], n) == 0) {
                *end = i + n;
                return m + 1;
            }
        }
    }
    return 0;
}

static const char *const units[] = { "one", "two", "three", "four", "five", "six",
                                     "seven", "eight", "nine" };
static const char *const teens[] = { "ten", "eleven", "twelve", "thirteen", "fourteen",
                                     "fifteen", "sixteen", "seventeen", "eighteen",
                                     "nineteen" };
static const char *const tens[] = { "twenty", "thirty", "forty", "fifty", "sixty",
                                    "seventy", "eighty", "ninety" };

/* [\s-]+ between two parts of a number word ("twenty-one"). */
static size_t joiner(const txt *x, size_t i)
{
    size_t k = i;
    while (k < x->len && (x->t[k] == '-' || ss_is_space((unsigned char)x->t[k])))
        k++;
    return k > i ? k : 0;
}

/* 1..99 in words at i: the value, *end set; 0 if none. */
static int number_words(const txt *x, size_t i, size_t *end)
{
    int k;
    size_t e, e2;
    if ((k = one_of(x, i, teens, N(teens), &e)) >= 0) {
        *end = e;
        return 10 + k;
    }
    if ((k = one_of(x, i, tens, N(tens), &e)) >= 0) {
        int u;
        size_t j = joiner(x, e);
        if (j && (u = one_of(x, j, units, N(units), &e2)) >= 0) {
            *end = e2;
            return 20 + 10 * k + u + 1;
        }
        *end = e;
        return 20 + 10 * k;
    }
    if ((k = one_of(x, i, units, N(units), &e)) >= 0) {
        *end = e;
        return k + 1;
    }
    return 0;
}

/* 1..31 as an ordinal word ("fourth", "twenty-first", "thirtieth"). */
static int ordinal_word(const txt *x, size_t i, size_t *end)
{
    static const char *const ord[] = {
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
        "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
        "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
        "twentieth" };
    int k;
    size_t e;
    if ((k = one_of(x, i, ord, N(ord), &e)) >= 0) {
        *end = e;
        return k + 1;
    }
    if (word_at(x, i, "thirtieth")) {
        *end = word_at(x, i, "thirtieth");
        return 30;
    }
    static const char *const decade[] = { "twenty", "thirty" };
    if ((k = one_of(x, i, decade, N(decade), &e)) >= 0) {
        size_t j = joiner(x, e);
        int u = j ? one_of(x, j, ord, 9, &e) : -1;
        if (u >= 0 && (k == 0 || u == 0)) {
            *end = e;
            return 20 + 10 * k + u + 1;
        }
    }
    return 0;
}

static int digits(const txt *x, size_t i, size_t *end)
{
    size_t k = i;
    while (k < x->len && ss_is_digit((unsigned char)x->t[k]) && k - i < 5)
        k++;
    *end = k;
    int v = 0;
    for (size_t j = i; j < k; j++)
        v = v * 10 + (x->t[j] - '0');
    return (k > i && !(k < x->len && ss_is_digit((unsigned char)x->t[k]))) ? v : -1;
}

/* DAY: 1-31 in digits (ordinal suffix optional) or an ordinal word. */
static int day_at(const txt *x, size_t i, size_t *end)
{
    size_t e;
    int d = digits(x, i, &e);
    if (d >= 1 && d <= 31 && e - i <= 2) {
        static const char *const suf[] = { "st", "nd", "rd", "th" };
        for (int k = 0; k < 4; k++)
            if (e + 2 <= x->len && strncasecmp(x->t + e, suf[k], 2) == 0)
                e += 2;
        if (ss_is_word_at(x->t, x->len, e))
            return 0;
        *end = e;
        return d;
    }
    return ordinal_word(x, i, end);
}

/* YEAR: four digits; two digits (*two set); or words. */
static int year_at(const txt *x, size_t i, size_t *end, int *two)
{
    size_t e;
    int y = digits(x, i, &e);
    *two = 0;
    if (y >= 0 && e - i == 4 && !ss_is_word_at(x->t, x->len, e)) {
        *end = e;
        return y;
    }
    if (y >= 0 && e - i == 2 && !ss_is_word_at(x->t, x->len, e)) {
        *end = e;
        *two = 1;
        return y;
    }
    size_t a = word_at(x, i, "two"), b;
    if (a && (b = word_at(x, skip_sp(x, a), "thousand")) != 0) {
        size_t c = skip_sp(x, b), n;
        size_t d = word_at(x, c, "and");
        int v = number_words(x, d ? skip_sp(x, d) : c, &n);
        *end = v ? n : b;
        return 2000 + v;
    }
    if ((a = word_at(x, i, "twenty")) != 0) {       /* "twenty fifteen" */
        int v = number_words(x, skip_sp(x, a), &b);
        if (v >= 10) {
            *end = b;
            return 2000 + v;
        }
    }
    return -1;
}

static size_t opt_word(const txt *x, size_t i, const char *w)
{
    size_t e = word_at(x, i, w);
    return e ? skip_sp(x, e) : i;
}

/* [.,]* then spaces or dashes (at least one unless punctuation came). */
static size_t gap(const txt *x, size_t i)
{
    size_t k = i;
    while (k < x->len && (x->t[k] == '.' || x->t[k] == ','))
        k++;
    size_t p = k;
    while (k < x->len && (ss_is_space((unsigned char)x->t[k]) || x->t[k] == '-'))
        k++;
    return (k > p || p > i) ? k : 0;
}

static int finish(const txt *x, int y, int two, int m, int d, const ss_detect_opts *o,
                  int *yy, int *mm, int *dd)
{
    (void)x;
    if (two)
        y = ss_century_year(y, m, d, o->ref_year, o->ref_month, o->ref_day);
    if (!ss_date_valid(y, m, d))
        return 0;
    *yy = y, *mm = m, *dd = d;
    return 1;
}

int ss_date_words_at(const char *t, size_t len, size_t i, const ss_detect_opts *o,
                     int *y, int *m, int *d, size_t *end)
{
    static const char *const weekdays[] = {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun" };
    txt x = { t, len };
    size_t k = opt_word(&x, i, "the"), e, g;
    if (one_of(&x, k, weekdays, N(weekdays), &e) >= 0 && (g = gap(&x, e)) != 0)
        k = opt_word(&x, g, "the");
    int two, day, mon, yr;
    /* DAY (of)? MONTH YEAR */
    if ((day = day_at(&x, k, &e)) > 0) {
        size_t j = skip_sp(&x, e), of = word_at(&x, j, "of");
        j = of ? skip_sp(&x, of) : gap(&x, e);
        if (j == 0)
            return 0;
        if ((mon = ss_month_at(t, len, j, &e)) == 0 || ss_is_word_at(t, len, e))
            return 0;
        if ((g = gap(&x, e)) == 0 || (yr = year_at(&x, g, end, &two)) < 0)
            return 0;
        return finish(&x, yr, two, mon, day, o, y, m, d);
    }
    /* MONTH (the)? DAY,? YEAR */
    if ((mon = ss_month_at(t, len, k, &e)) == 0 || ss_is_word_at(t, len, e) ||
        (g = gap(&x, e)) == 0)
        return 0;
    g = opt_word(&x, g, "the");
    if ((day = day_at(&x, g, &e)) <= 0 || (g = gap(&x, e)) == 0 ||
        (yr = year_at(&x, g, end, &two)) < 0 || two)
        return 0;
    return finish(&x, yr, two, mon, day, o, y, m, d);
}
