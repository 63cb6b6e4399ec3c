/* safesharectl audit search: "every decision that involved this NHS number",
 * answered by keyed hash, so the log never holds the number. */
#include "audit/audit.h"
#include "base/buf.h"
#include "audit_ctl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The detectors' normal form: digits only for numbers, upper case without
 * spaces or hyphens for UPN and NINO, the ISO date for a date of birth. */
static void normalise_value(ss_type t, const char *in, char *out, size_t n)
{
    size_t j = 0;
    int digits_only = t == SS_T_NHS || t == SS_T_CHI || t == SS_T_HCN || t == SS_T_ULN;
    for (; *in && j + 1 < n; in++) {
        unsigned char ch = (unsigned char)*in;
        if (digits_only ? isdigit(ch) : (t == SS_T_DOB_CHILD ? !isspace(ch)
                                         : (!isspace(ch) && ch != '-')))
            out[j++] = (char)(t == SS_T_DOB_CHILD ? ch : toupper(ch));
    }
    out[j] = '\0';
}

static int search(const char *log, const char *hmac)
{
    FILE *f = fopen(log, "re");
    if (!f) {
        fprintf(stderr, "safesharectl: cannot read %s\n", log);
        return 2;
    }
    char needle[80];
    snprintf(needle, sizeof needle, "\"hmac\":\"%s\"", hmac);
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    while (getline(&line, &cap, f) > 0) {
        if (strstr(line, needle)) {
            fputs(line, stdout);
            found++;
        }
    }
    free(line);
    fclose(f);
    fprintf(stderr, "%d record%s\n", found, found == 1 ? "" : "s");
    return found ? 0 : 1;
}

int ss_audit_search_cmd(const char *conf, int argc, char **argv)
{
    const char *log = NULL;
    const char *pos[2] = { NULL, NULL };
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--log") && i + 1 < argc)
            log = argv[++i];
        else if (!strcmp(argv[i], "-c") && i + 1 < argc)
            conf = argv[++i];
        else if (npos < 2)
            pos[npos++] = argv[i];
        else
            npos = 3;
    }
    ss_type t;
    if (npos != 2 || ss_type_parse(pos[0], &t) != 0) {
        fprintf(stderr, "usage: safesharectl audit search TYPE VALUE [--log FILE]\n"
                        "TYPE: nhs chi hcn upn uln nino dob_child\n");
        return 2;
    }
    ss_config *c = ss_ctl_config_audit(conf);
    if (!c)
        return 2;
    char value[64], h[65];
    normalise_value(t, pos[1], value, sizeof value);
    ss_audit_hmac(c->audit_key, c->audit_key_len, t, value, h);
    explicit_bzero(value, sizeof value);
    int rc = search(log ? log : c->audit_log, h);
    ss_config_free(c);
    return rc;
}
