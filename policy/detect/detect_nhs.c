/* NHS number, England/Wales/IoM (spec §1): keywords and findings. The hard
 * rules live in the shared ten-digit classifier (detect_ten.c). */
#include "detectors.h"

#include <string.h>

#define K(pat, ci) { pat, ci, SS_KW_BIT(SS_T_NHS) }

/* "NHS" also covers "NHS no", "NHS number", "NHS num", "NHS#". */
const ss_phrase ss_nhs_keywords[] = {
    K("NHS", 1),
    K("national health service", 1),
    K("health( services|) authority", 1),
    K("patient (id|identification|identifier|no|number)", 1),
    K("hospital number", 1),
    K("GP", 0),
    K("rhif GIG", 1),
};
const size_t ss_nhs_nkeywords = sizeof ss_nhs_keywords / sizeof *ss_nhs_keywords;

void ss_nhs_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out)
{
    ss_finding *f = ss_finding_add(c, out, SS_T_NHS, k->s, k->e);
    memcpy(f->value, k->d, 11);
    ss_redact_334(f->redacted, sizeof f->redacted, k->d);
    if (k->d[0] == '9')
        f->flags |= SS_F_TEST_RANGE;
    ss_grade_identifier(c, f, k->s, k->e, SS_CONF_HIGH, SS_CONF_MEDIUM);
}
