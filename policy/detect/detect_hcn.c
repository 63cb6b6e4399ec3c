/* Northern Ireland Health and Care number (spec §3): keywords and findings.
 * Range and checksum are in the shared ten-digit classifier. */
#include "detectors.h"

#include <string.h>

#define K(pat, ci) { pat, ci, SS_KW_BIT(SS_T_HCN) }

const ss_phrase ss_hcn_keywords[] = {
    K("H&C", 1),                 /* also "H&C number" */
    K("HCN", 0),
    K("health and care number", 1),
    K("HSC", 0),
    K("health and social care", 1),
};
const size_t ss_hcn_nkeywords = sizeof ss_hcn_keywords / sizeof *ss_hcn_keywords;

void ss_hcn_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out)
{
    ss_finding *f = ss_finding_add(c, out, SS_T_HCN, k->s, k->e);
    memcpy(f->value, k->d, 11);
    ss_redact_334(f->redacted, sizeof f->redacted, k->d);
    ss_grade_identifier(c, f, k->s, k->e, SS_CONF_HIGH, SS_CONF_MEDIUM);
}
