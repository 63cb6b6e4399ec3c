/* National Insurance number (spec §6): prefix letter rules, six digits,
 * suffix A-D; spaces or dashes optional between the parts. No checksum, so
 * without a keyword it is MEDIUM (Purview's 75). */
#include "detectors.h"

#include <string.h>

#define K(pat, ci) { pat, ci, SS_KW_BIT(SS_T_NINO) }

/* Purview's Keyword_uk_nino plus the spec's additions. */
const ss_phrase ss_nino_keywords[] = {
    K("national( |)insurance(#|number|)", 1),   /* also "national insurance number/contributions" */
    K("insurance(#|number|)", 1),                /* also "insurance application" */
    K("protection act", 1),
    K("social (security|insurance)", 1),
    K("medical (application|attention)", 1),
    K("great britain", 1),
    K("NI( |)(number|no|#)", 1),
    K("NINO", 1),
};
const size_t ss_nino_nkeywords = sizeof ss_nino_keywords / sizeof *ss_nino_keywords;

static int is_letter(unsigned char ch)
{
    return ss_is_alnum_ascii(ch) && !ss_is_digit(ch);
}

static char upper(char ch)
{
    return (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
}

static int nino_ok(char p1, char p2, char suffix)
{
    static const char *const barred[] = {
        "BG", "GB", "KN", "NK", "NT", "TN", "ZZ",   /* never issued */
        "OO", "CR", "FY", "MW", "NC",               /* administrative */
    };
    if (strchr("DFIQUV", p1) || strchr("DFIOQUV", p2))
        return 0;
    for (size_t i = 0; i < sizeof barred / sizeof *barred; i++)
        if (barred[i][0] == p1 && barred[i][1] == p2)
            return 0;
    return suffix >= 'A' && suffix <= 'D';
}

/* LL [ -]? DD [ -]? DD [ -]? DD [ -]? L, then no alphanumeric: end or 0.
 * The nine significant characters go to v (upper case). */
static size_t match_at(const char *t, size_t len, size_t i, char v[10])
{
    size_t k = i + 2, n = 2;
    v[0] = upper(t[i]);
    v[1] = upper(t[i + 1]);
    for (int g = 0; g < 3; g++) {
        if (k < len && (t[k] == ' ' || t[k] == '-'))
            k++;
        if (k + 2 > len || !ss_is_digit((unsigned char)t[k]) ||
            !ss_is_digit((unsigned char)t[k + 1]))
            return 0;
        v[n++] = t[k];
        v[n++] = t[k + 1];
        k += 2;
    }
    if (k < len && (t[k] == ' ' || t[k] == '-'))
        k++;
    if (k >= len || !is_letter((unsigned char)t[k]))
        return 0;
    v[n++] = upper(t[k++]);
    v[n] = '\0';
    if (k < len && ss_is_alnum_ascii((unsigned char)t[k]))
        return 0;
    return k;
}

/* Try a NINO starting at i; the end, or 0. */
static size_t try_at(const ss_segctx *c, ss_findings *out, size_t i)
{
    const char *t = c->nm->text;
    size_t len = c->nm->len;
    if (!is_letter((unsigned char)t[i]) || !is_letter((unsigned char)t[i + 1]) ||
        (i > 0 && ss_is_alnum_ascii((unsigned char)t[i - 1])))
        return 0;
    char v[10];
    size_t e = match_at(t, len, i, v);
    if (e == 0 || !nino_ok(v[0], v[1], v[8]))
        return 0;
    ss_finding *f = ss_finding_add(c, out, SS_T_NINO, i, e);
    memcpy(f->value, v, sizeof v);
    memcpy(f->redacted, "** ** ** ", 9);
    f->redacted[9] = v[6];
    f->redacted[10] = v[7];
    f->redacted[11] = ' ';
    f->redacted[12] = v[8];
    f->redacted[13] = '\0';
    ss_grade_identifier(c, f, i, e, SS_CONF_HIGH, SS_CONF_MEDIUM);
    return e;
}

/* A NINO's first digit starts a digit run two letters (and maybe a
 * separator) after its start, so only those starts are tried, in text
 * order; a match resumes the search after its end (regex finditer). */
void ss_nino_detect(const ss_segctx *c, ss_findings *out)
{
    const char *t = c->nm->text;
    size_t len = c->nm->len, next = 0;
    for (size_t d = ss_next_digit(c->digits, len, 0); d < len;
         d = ss_next_digit(c->digits, len, ss_digit_run_end(t, len, d))) {
        size_t from = d >= 3 && (t[d - 1] == ' ' || t[d - 1] == '-') ? d - 3 : d >= 2 ? d - 2 : d;
        for (size_t i = from; i + 2 <= d && i + 9 <= len; i++) {
            if (i < next)
                continue;
            size_t e = try_at(c, out, i);
            if (e != 0)
                next = e;
        }
    }
}
