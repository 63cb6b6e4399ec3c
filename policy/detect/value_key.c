#include "value_key.h"
#include "checksum.h"
#include "detect.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

/* YYYY-MM-DD, or DD/MM/YYYY with /, - or . between. */
static int date_key(const char *typed, char *out, size_t outlen)
{
    int y, m, d, n = 0;
    char a, b;
    if (!(sscanf(typed, " %4d-%2d-%2d %n", &y, &m, &d, &n) == 3 && typed[n] == '\0')) {
        n = 0;
        if (!(sscanf(typed, " %2d%c%2d%c%4d %n", &d, &a, &m, &b, &y, &n) == 5
              && typed[n] == '\0' && a == b && strchr("/-.", a)))
            return -1;
    }
    if (y < 1900 || !ss_date_valid(y, m, d))
        return -1;
    snprintf(out, outlen, "%04d-%02d-%02d", y, m, d);
    return 0;
}

/* The first finding of type t the detectors make of the text. */
static int detected(ss_type t, const char *typed, char *out, size_t outlen)
{
    ss_detect_opts o;
    ss_detect_opts_default(&o);
    ss_findings f = { 0 };
    ss_detect_segment(typed, strlen(typed), 0, &o, &f);
    int rc = -1;
    for (size_t i = 0; i < f.n && rc != 0; i++) {
        if (f.v[i].type == t && f.v[i].value[0] && strlen(f.v[i].value) < outlen) {
            memcpy(out, f.v[i].value, strlen(f.v[i].value) + 1);
            rc = 0;
        }
    }
    ss_findings_free(&f);
    return rc;
}

int ss_value_key(ss_type t, const char *typed, char *out, size_t outlen, char *why,
                 size_t whylen)
{
    int rc;
    if (t == SS_T_NAMED_CHILD)
        rc = ss_named_child_key(typed, out, outlen);
    else if (t == SS_T_DOB_CHILD)
        rc = date_key(typed, out, outlen);
    else if (t == SS_T_MARKING || t == SS_T_SG || (unsigned)t >= SS_T__COUNT)
        rc = -1;
    else
        rc = detected(t, typed, out, outlen);
    if (rc == 0)
        return 0;
    out[0] = '\0';
    if (t == SS_T_DOB_CHILD)
        snprintf(why, whylen, "not a date (give YYYY-MM-DD or DD/MM/YYYY)");
    else if (t == SS_T_NAMED_CHILD)
        snprintf(why, whylen, "not a name");
    else
        snprintf(why, whylen, "not %s (the format or a check digit is wrong), so no record "
                 "can hold it", ss_type_phrase(t));
    return -1;
}
