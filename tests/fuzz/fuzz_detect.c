/* Every detector over hostile text, with the switches and the date taken
 * from the first bytes. Beyond not crashing: a finding lies inside its
 * segment, and its redacted form never holds the whole value. */
#include "fuzz.h"
#include "detect/detect.h"

#include <stdlib.h>
#include <string.h>

static void check(const ss_findings *f, size_t len)
{
    for (size_t i = 0; i < f->n; i++) {
        const ss_finding *g = &f->v[i];
        if (g->off > len || g->len > len - g->off)
            abort();
        if (g->type != SS_T_MARKING && g->type != SS_T_SG && strlen(g->value) >= 6 &&
            strstr(g->redacted, g->value))
            abort();
    }
}

SS_FUZZ_TARGET(fuzz_detect)
{
    if (size < 2)
        return 0;
    ss_detect_opts o;
    ss_detect_opts_default(&o);
    o.chi_mod10 = data[0] & 1;
    o.nhs_test_range = (data[0] >> 1) & 1;
    o.ref_year = 2000 + data[1] % 40;
    o.ref_month = 1 + (data[0] >> 2) % 12;
    ss_findings f = { 0 };
    const char *text = (const char *)data + 2;
    size_t n = size - 2, half = n / 2;
    /* Two segments of one message, then the message-level grading. */
    ss_detect_segment(text, half, 0, &o, &f);
    ss_detect_segment(text + half, n - half, 1, &o, &f);
    ss_detect_grade(&f);
    check(&f, n);
    ss_findings_free(&f);
    return 0;
}
