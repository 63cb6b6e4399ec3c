#include "value_key.h"
#include "checksum.h"
#include "detect.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

static int dropped(gunichar c)
{
    return g_unichar_ismark(c) || c == 0x00AD || (c >= 0x200B && c <= 0x200D) || c == 0x2060
           || c == 0xFEFF;
}

static gunichar folded(gunichar c)
{
    if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212)
        return '-';
    if (c == 0x2018 || c == 0x2019 || c == 0x02BC || c == 0x0060 || c == 0x00B4)
        return '\'';
    return g_unichar_tolower(c);
}

int ss_named_child_key(const char *name, char *out, size_t outlen)
{
    out[0] = '\0';
    if (!g_utf8_validate(name, -1, NULL))
        return -1;
    gchar *nfkc = g_utf8_normalize(name, -1, G_NORMALIZE_NFKC);
    gchar *nfd = nfkc ? g_utf8_normalize(nfkc, -1, G_NORMALIZE_NFD) : NULL;
    GString *s = g_string_new(NULL);
    int space = 0;
    for (const gchar *p = nfd ? nfd : ""; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (dropped(c))
            continue;
        if (g_unichar_isspace(c)) {
            space = s->len > 0;
            continue;
        }
        if (space)
            g_string_append_c(s, ' ');
        space = 0;
        g_string_append_unichar(s, folded(c));
    }
    int rc = s->len > 0 && s->len < outlen ? 0 : -1;
    if (rc == 0)
        memcpy(out, s->str, s->len + 1);
    g_string_free(s, TRUE);
    g_free(nfd);
    g_free(nfkc);
    return rc;
}

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
