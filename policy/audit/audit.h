/* The audit trail: one JSON line per message, whatever the verdict, on
 * disk before the MTA hears the verdict, and one per event about it (a
 * DSL's review, a delivery). Identifiers appear only as a redacted form
 * and an HMAC-SHA256 keyed with AuditKey, so a DPO can search by value
 * (safesharectl audit search) without the log holding it. Every line is
 * chained to the one before (chain.h), so an edit, a removal or a
 * reordering shows (safesharectl audit verify). The format, the head
 * file, rotation and what happens on a full disk: safeshare-audit(5). */
#ifndef SS_AUDIT_H
#define SS_AUDIT_H

#include <stddef.h>
#include "config/config.h"
#include "decide/decide.h"

typedef struct ss_audit ss_audit;

/* Open the trail a configuration names: AuditLog and AuditLog.head
 * (created when missing: 0600, or 0640 and group AuditGroup; owned like
 * their directory when root creates them), the chain key derived from
 * AuditKey. NULL with err on failure. */
ss_audit *ss_audit_open(const ss_config *c, char *err, size_t errlen);
/* Append one record (one JSON object, no newline), chained, and make it
 * durable. Threads share fsyncs (group commit); other handles and other
 * processes wait on the head file's lock. Returns 0 once the record is on
 * disk. -1 when it is not: then no part of it is left in the file (a
 * short write is cut back, an unsynced tail is cut off), and the next
 * call tries again from where the chain stands, so writing resumes by
 * itself once a full disk has room. */
int ss_audit_append(ss_audit *a, const char *record, size_t len);
void ss_audit_close(ss_audit *a);
/* Open, append one record, close: for commands. 0, or -1 with err. */
int ss_audit_write(const ss_config *c, const char *record, size_t len, char *err,
                   size_t errlen);

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
    const char *purpose;       /* the sender's stated purpose, masked, or NULL */
    const char *purpose_from;  /* "header" or "subject" */
    const char *released_from; /* a release: the held message's reference, */
    const char *released_by;   /* who released it and why (masked); */
    const char *released_reason;   /* NULL when it was not a release */
} ss_audit_in;

/* Build the JSON line (malloc'd, no newline). */
char *ss_audit_record(const ss_audit_in *in);

/* Hex HMAC-SHA256 of "TYPE:VALUE" (65 bytes with NUL). Binding the type in
 * keeps an NHS number and an equal ULN apart in searches. */
void ss_audit_hmac(const unsigned char *key, size_t keylen, ss_type t,
                   const char *value, char out[65]);

/* An event about a message the trail already holds: a DSL's review, the
 * sender's stated purpose, a delivery. The reference joins it to the
 * decision, so `audit search` shows them together. NULL fields are left
 * out; free text (reason, purpose, detail) must already be clean of
 * identifiers (engine/redact.h). */
typedef struct {
    const char *source;        /* "review" (safesharectl), "web" (safeshare-review), ... */
    const char *event;         /* "release", "refuse", "purge", "view", "purpose", ... */
    const char *reference;
    const char *reviewer;
    const char *reason;        /* why the reviewer decided */
    const char *purpose;       /* the purpose of the share, as the sender stated it */
    const char *detail;
    const char *login;         /* the account or Unix user behind reviewer */
    const char *note;          /* the reviewer's words to the sender */
    const char *urgency;       /* how urgent the sender says the share is */
    const char *sender;        /* who stated the purpose (event purpose) */
} ss_audit_event;

/* The JSON line for e, timed now (malloc'd, no newline). */
char *ss_audit_event_record(const ss_audit_event *e);

/* Current time as RFC 3339 UTC with milliseconds. */
void ss_audit_now(char out[32]);

#endif
