/* Helpers shared by the detector unit tests. Values are compared, never
 * printed: a failing assertion shows a field name, not an identifier. */
#ifndef SS_DETECT_TEST_UTIL_H
#define SS_DETECT_TEST_UTIL_H

#include <string.h>

#include "detect/detect.h"

static inline ss_detect_opts test_opts(void)
{
    ss_detect_opts o;
    ss_detect_opts_default(&o);
    o.ref_year = 2025, o.ref_month = 9, o.ref_day = 1;
    return o;
}

static inline size_t test_count(ss_type t, const char *s)
{
    ss_detect_opts o = test_opts();
    return ss_detect_count(t, s, strlen(s), &o);
}

/* The only finding of type t in s (NULL unless exactly one); f keeps it. */
static inline const ss_finding *test_one(ss_type t, const char *s, ss_findings *f)
{
    ss_detect_opts o = test_opts();
    memset(f, 0, sizeof *f);
    ss_detect_segment(s, strlen(s), 0, &o, f);
    const ss_finding *hit = NULL;
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].type == t)
            hit = &f->v[i], n++;
    return n == 1 ? hit : NULL;
}

/* f's value equals want (compared, never printed). */
static inline int test_value_is(const ss_finding *f, const char *want)
{
    return f != NULL && strcmp(f->value, want) == 0;
}

#endif
