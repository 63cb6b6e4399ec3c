/* Unique Learner Number (spec §5): keywords and findings. A random ten
 * digits passes the ULN check 8 % of the time, so without a keyword a ULN
 * is only LOW (§10). */
#include "detectors.h"

#include <string.h>

#define K(pat, ci) { pat, ci, SS_KW_BIT(SS_T_ULN) }

const ss_phrase ss_uln_keywords[] = {
    K("ULN", 0),
    K("(unique |)learner number", 1),
    K("LRS", 1),
    K("learning records service", 1),
    K("PLR", 1),
    K("personal learning record", 1),
};
const size_t ss_uln_nkeywords = sizeof ss_uln_keywords / sizeof *ss_uln_keywords;

void ss_uln_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out)
{
    ss_finding *f = ss_finding_add(c, out, SS_T_ULN, k->s, k->e);
    memcpy(f->value, k->d, 11);
    ss_redact_334(f->redacted, sizeof f->redacted, k->d);
    ss_grade_identifier(c, f, k->s, k->e, SS_CONF_HIGH, SS_CONF_LOW);
}
