/* Scottish CHI number (spec §2): keywords, findings and the child-age
 * signal from the DOB the number carries. Redaction shows only the last
 * two digits: the first six are the date of birth, the ninth the sex. */
#include "detect_int.h"

#include <stdio.h>
#include <string.h>

#include "checksum.h"

#define K(pat, ci) { pat, ci, SS_KW_BIT(SS_T_CHI) }

const ss_phrase ss_chi_keywords[] = {
    K("CHI", 0),                 /* also "CHI number", "CHI no" */
    K("community health index", 1),
    K("NHS( |)Scotland", 1),
};
const size_t ss_chi_nkeywords = sizeof ss_chi_keywords / sizeof *ss_chi_keywords;

static int two(const char *d)
{
    return (d[0] - '0') * 10 + (d[1] - '0');
}

/* §2/§7.3: the DOB's century is the most recent not in the future. */
static int chi_is_child(const char *d, const ss_detect_opts *o)
{
    int dd = two(d), mm = two(d + 2), yy = two(d + 4);
    int y = ss_century_year(yy, mm, dd, o->ref_year, o->ref_month, o->ref_day);
    if (!ss_date_valid(y, mm, dd))
        return 0;
    return ss_age_on(y, mm, dd, o->ref_year, o->ref_month, o->ref_day) < 18;
}

void ss_chi_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out)
{
    ss_finding *f = ss_finding_add(c, out, SS_T_CHI, k->s, k->e);
    memcpy(f->value, k->d, 11);
    snprintf(f->redacted, sizeof f->redacted, "****** **%.2s", k->d + 8);
    int mod10_only = (k->types & SS_TEN_MOD10_ONLY) != 0;
    if (mod10_only)
        f->flags |= SS_F_MOD10_ONLY;
    if (chi_is_child(k->d, c->o))
        f->flags |= SS_F_CHILD_AGE;
    ss_grade_identifier(c, f, k->s, k->e, SS_CONF_HIGH,
                        mod10_only ? SS_CONF_LOW : SS_CONF_MEDIUM);
}
