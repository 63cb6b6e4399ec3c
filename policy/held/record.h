/* What is done with held mail, on the audit trail (policy/audit, event
 * records in safeshare-audit(5)): every decision, every look at a held
 * message, every purpose a sender gives, one chained line each:
 *
 *   {"time":"...","source":"web","event":"release","reference":"SS-...",
 *    "reviewer":"Ms Amara Patel","reason":"...","login":"amara", ...}
 *
 * safesharectl (source "review") and safeshare-review (source "web") both
 * write them through here, so a record says the same whichever door a
 * person used. */
#ifndef SS_HELD_RECORD_H
#define SS_HELD_RECORD_H

#include <stddef.h>
#include "audit/audit.h"
#include "config/config.h"

/* Who acts on held mail. */
typedef struct {
    const char *reviewer;   /* the name on record and in the sender's notice */
    const char *login;      /* the account or Unix user behind it, or NULL */
    const char *source;     /* "review" (safesharectl) or "web" (safeshare-review) */
} ss_held_who;

/* Append e, with who's name, login and source filled in (who NULL: a
 * sender acting through their link, source "web"). a is an open trail,
 * or NULL to open AuditLog for this record. 0 once it is on disk, else -1
 * with err. */
int ss_held_record(const ss_config *c, ss_audit *a, const ss_held_who *who, ss_audit_event e,
                   char *err, size_t errlen);

#endif
