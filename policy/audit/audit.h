/* The audit trail: one JSON line per message, whatever the verdict, on
 * disk before the MTA hears the verdict. Identifiers appear only as a
 * redacted form and an HMAC-SHA256 keyed with AuditKey, so a DPO can
 * search by value (safesharectl audit search) without the log holding it. */
#ifndef SS_AUDIT_H
#define SS_AUDIT_H

#include <stddef.h>
#include "decide/decide.h"

typedef struct ss_audit ss_audit;

/* Open (create 0600, append) the log. NULL with err on failure. */
ss_audit *ss_audit_open(const char *path, char *err, size_t errlen);
/* Append one record (a line without its newline) and make it durable.
 * Concurrent writers share fsyncs (group commit), so throughput holds
 * under load. Returns 0 once the record is on disk, -1 on any failure. */
int ss_audit_append(ss_audit *a, const char *record, size_t len);
void ss_audit_close(ss_audit *a);

/* Everything a record says about one message. */
typedef struct {
    const char *time;          /* RFC 3339 UTC */
    const char *source;        /* "milter" or "explain" */
    const char *queue_id;
    const char *message_id;
    const ss_party *parties;   /* sender first */
    size_t nparties;
    const ss_findings *findings;
    const ss_extract *extract;
    const ss_verdict *verdict;
    unsigned long long register_serial;
    const unsigned char *key;
    size_t keylen;
} ss_audit_in;

/* Build the JSON line (malloc'd, no newline). */
char *ss_audit_record(const ss_audit_in *in);

/* Hex HMAC-SHA256 of "TYPE:VALUE" (65 bytes with NUL). Binding the type in
 * keeps an NHS number and an equal ULN apart in searches. */
void ss_audit_hmac(const unsigned char *key, size_t keylen, ss_type t,
                   const char *value, char out[65]);

/* Current time as RFC 3339 UTC with milliseconds. */
void ss_audit_now(char out[32]);

#endif
