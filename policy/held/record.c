#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ss_held_record(const ss_config *c, ss_audit *a, const ss_held_who *who, ss_audit_event e,
                   char *err, size_t errlen)
{
    e.source = who && who->source ? who->source : "web";
    if (who) {
        e.reviewer = who->reviewer ? who->reviewer : "unknown";
        e.login = who->login;
    }
    char *rec = ss_audit_event_record(&e);
    int rc = a ? ss_audit_append(a, rec, strlen(rec))
               : ss_audit_write(c, rec, strlen(rec), err, errlen);
    if (rc != 0 && a)
        snprintf(err, errlen, "%s: could not write the audit record", c->audit_log);
    free(rec);
    return rc;
}
