/* safesharectl quarantine: what its subcommands share (qctl.h). */
#include "qctl.h"
#include "audit/audit.h"

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const unsigned char *ss_qctl_key(const ss_config *c)
{
    return c->quarantine_key_len ? c->quarantine_key : NULL;
}

int ss_qctl_status(ss_qerr e)
{
    switch (e) {
    case SS_Q_OK:
        return 0;
    case SS_Q_UNKNOWN_REF: case SS_Q_ALREADY_RELEASED: case SS_Q_ALREADY_REFUSED:
    case SS_Q_ALREADY_DELIVERED: case SS_Q_NOT_RELEASED: case SS_Q_INVALID:
        return 1;
    default:
        return 2;
    }
}

const char *ss_qctl_reviewer(const char *given)
{
    if (given && *given)
        return given;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_name ? pw->pw_name : "unknown";
}

int ss_qctl_audit(const ss_config *c, const char *event, const char *ref,
                  const char *reviewer, const char *reason, const char *detail)
{
    char err[512] = "";
    ss_audit_event e = { .source = "review", .event = event, .reference = ref,
                         .reviewer = reviewer, .reason = reason ? reason : "",
                         .detail = detail };
    char *rec = ss_audit_event_record(&e);
    int rc = ss_audit_write(c, rec, strlen(rec), err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "safesharectl: %s\n", err);
    free(rec);
    return rc;
}

long ss_qctl_age_arg(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s || n < 0 || n > 100000)
        return -1;
    if (*end == '\0' || !strcmp(end, "d"))
        return n * 86400;
    if (!strcmp(end, "h"))
        return n * 3600;
    return -1;
}

int ss_qctl_ref(const char *typed, char out[32])
{
    size_t n = strlen(typed);
    if (n >= 32) {
        fprintf(stderr, "safesharectl: %.40s...: not a reference\n", typed);
        return -1;
    }
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)toupper((unsigned char)typed[i]);
    if (!ss_reference_ok(out)) {
        fprintf(stderr, "safesharectl: %s: not a reference (like SS-7KQ2-M9XD)\n", typed);
        return -1;
    }
    return 0;
}
