/* Unique Pupil Number (spec §4): 13 characters, check letter first,
 * LA code in characters 2-4. A UPN alone says "this is about a child". */
#include "detectors.h"

#include <string.h>

#define K(pat, ci) { pat, ci, SS_KW_BIT(SS_T_UPN) }

const ss_phrase ss_upn_keywords[] = {
    K("UPN", 0),                 /* also "former UPN" */
    K("(unique |)pupil number", 1),
    K("CTF", 1),
    K("common transfer file", 1),
    K("school census", 1),
};
const size_t ss_upn_nkeywords = sizeof ss_upn_keywords / sizeof *ss_upn_keywords;

/* 23 letters, no I, O, S; a letter's value is its index. */
static const char ALPHA[] = "ABCDEFGHJKLMNPQRTUVWXYZ";

/* LA codes (school census rule 1530 plus later additions), generated from
 * the spec's list / _LA_RANGES in identifier_vectors.py. Issue 3 will move
 * this into a data file the admin can update without a rebuild. */
static const struct { short lo, hi; } la_ranges[] = {
    { 1, 5 }, { 201, 213 }, { 301, 320 }, { 330, 336 }, { 340, 344 }, { 350, 359 },
    { 370, 373 }, { 380, 384 }, { 390, 394 }, { 420, 420 }, { 660, 681 }, { 701, 708 },
    { 800, 803 }, { 805, 808 }, { 810, 813 }, { 815, 816 }, { 820, 823 }, { 825, 826 },
    { 830, 831 }, { 835, 837 }, { 838, 839 }, { 840, 841 }, { 845, 846 }, { 850, 852 },
    { 855, 857 }, { 860, 861 }, { 865, 896 }, { 908, 909 }, { 916, 916 }, { 919, 919 },
    { 921, 921 }, { 925, 926 }, { 928, 929 }, { 931, 931 }, { 933, 933 }, { 935, 938 },
    { 940, 943 },
};

static int la_known(int la)
{
    for (size_t i = 0; i < sizeof la_ranges / sizeof *la_ranges; i++)
        if (la >= la_ranges[i].lo && la <= la_ranges[i].hi)
            return 1;
    return 0;
}

static int alpha_index(char ch)
{
    const char *p = ch ? strchr(ALPHA, ch) : NULL;
    return p ? (int)(p - ALPHA) : -1;
}

static char upper(char ch)
{
    return (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
}

/* s: 13 upper-case characters already in the shape [A-Z][0-9]{11}[0-9A-Z]. */
static int upn_ok(const char *s)
{
    if (alpha_index(s[0]) < 0)
        return 0;
    if (!ss_is_digit((unsigned char)s[12]) && alpha_index(s[12]) < 0)
        return 0;
    if (!la_known((s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0')))
        return 0;
    int total = 0;
    for (int p = 2; p <= 13; p++) {
        char ch = s[p - 1];
        total += p * (ss_is_digit((unsigned char)ch) ? ch - '0' : alpha_index(ch));
    }
    return ALPHA[total % 23] == s[0];
}

/* (?<![0-9A-Za-z])[A-Za-z][0-9]{11}[0-9A-Za-z](?![0-9A-Za-z]) at i. */
static int shape_at(const char *t, size_t len, size_t i)
{
    if (i + 13 > len || (i > 0 && ss_is_alnum_ascii((unsigned char)t[i - 1])))
        return 0;
    unsigned char c0 = (unsigned char)t[i];
    if (!ss_is_alnum_ascii(c0) || ss_is_digit(c0))
        return 0;
    for (size_t k = 1; k < 12; k++)
        if (!ss_is_digit((unsigned char)t[i + k]))
            return 0;
    return ss_is_alnum_ascii((unsigned char)t[i + 12]) &&
           !(i + 13 < len && ss_is_alnum_ascii((unsigned char)t[i + 13]));
}

/* A UPN's digits start a digit run right after its letter: only those
 * starts are tried, in text order, resuming after a match. */
void ss_upn_detect(const ss_segctx *c, ss_findings *out)
{
    const char *t = c->nm->text;
    size_t len = c->nm->len, next = 0;
    for (size_t d = ss_next_digit(c->digits, len, 1); d < len;
         d = ss_next_digit(c->digits, len, ss_digit_run_end(t, len, d))) {
        size_t i = d - 1;
        if (i < next || i + 13 > len || !shape_at(t, len, i))
            continue;
        char s[14];
        for (int k = 0; k < 13; k++)
            s[k] = upper(t[i + (size_t)k]);
        s[13] = '\0';
        if (!upn_ok(s))
            continue;
        ss_finding *f = ss_finding_add(c, out, SS_T_UPN, i, i + 13);
        memcpy(f->value, s, sizeof s);
        memcpy(f->redacted, "**********", 10);
        memcpy(f->redacted + 10, s + 10, 4);
        ss_grade_identifier(c, f, i, i + 13, SS_CONF_HIGH, SS_CONF_MEDIUM);
        next = i + 13;
    }
}
