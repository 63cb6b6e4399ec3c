/* What `audit search` looks for: every condition given must hold for a
 * record to match (safesharectl(8), audit search). */
#ifndef SS_REVIEW_AUDIT_QUERY_H
#define SS_REVIEW_AUDIT_QUERY_H

#include "audit_rec.h"
#include "base/types.h"

typedef struct {
    const char *ref;          /* reference, upper case */
    const char *queue_id;
    const char *sender;       /* address, any case */
    const char *recipient;
    const char *domain;       /* the sender's or a recipient's domain, or below it */
    const char *action;       /* a decision's action or an event's name */
    const char *reviewer;
    int has_type;             /* a finding of this type */
    ss_type type;
    int has_value;            /* a finding whose keyed hash is this */
    char hmac[65];
    gint64 from, to;          /* [from, to) Unix seconds; 0: open */
} ss_query;

/* Does the record meet every condition? 1 or 0. */
int ss_query_match(const ss_query *q, const ss_rec *r);

#endif
