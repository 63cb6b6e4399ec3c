/* The policy run over one message: extract, detect, check the parties,
 * decide, build the reply and the audit record. Front doors do not call
 * this directly: they call the end of a message (eom.h), which runs it
 * and then honours releases, holds and records. */
#ifndef SS_ENGINE_H
#define SS_ENGINE_H

#include <stddef.h>
#include "audit/audit.h"
#include "config/config.h"
#include "decide/decide.h"
#include "detect/detect.h"
#include "extract/extract.h"
#include "decide/guidance.h"
#include "register/register.h"

typedef struct {
    const char *sender;          /* envelope sender, may be "" for bounces */
    const char *const *rcpts;
    size_t nrcpts;
    const char *queue_id;        /* or NULL */
    const char *today;           /* "YYYY-MM-DD" local date, or NULL for today */
    const char *source;          /* "milter", "explain" */
    int oversize;                /* body exceeded MaxMessageSize: not scanned */
} ss_txn;

typedef struct {
    ss_extract x;
    ss_findings f;
    ss_party *parties;           /* sender first, then each recipient */
    size_t nparties;
    ss_verdict v;
    ss_reply reply;
    char *record;                /* the audit JSON line */
    char *purpose;               /* the sender's stated purpose, masked, or NULL */
    char *subject;               /* RemovePurposeTag: the Subject to deliver, or NULL */
    char *released_from;         /* ReleasedByDSL: the held message's reference, */
    char *released_by;           /* the reviewer and their (masked) reason; */
    char *released_reason;       /* NULL otherwise */
} ss_result;

/* Run the whole policy over a message held in memory or in a file (fd at
 * offset 0). Always produces a verdict: a message that cannot be parsed is
 * treated as an unreadable part, never as clean. Returns 0. */
int ss_engine_run_mem(const ss_config *c, const ss_register *r, const ss_txn *t,
                      const char *msg, size_t len, ss_result *out);
int ss_engine_run_fd(const ss_config *c, const ss_register *r, const ss_txn *t,
                     int fd, ss_result *out);
void ss_result_free(ss_result *res);

/* After the caller changed the verdict, rebuild out->record so the audit
 * record says what was done: the end of a message (eom.c) does when a held
 * message could not be stored (OnInternalError) or a release token was
 * honoured (ReleasedByDSL). t must describe the same transaction. */
void ss_engine_rerecord(const ss_config *c, const ss_register *r, const ss_txn *t,
                        ss_result *out);
/* Set the action and rule (a string literal) and add a reason. */
void ss_verdict_override(ss_verdict *v, ss_action a, const char *rule, const char *reason);

/* The extraction limits a configuration asks for (MIME, archives, worker,
 * per-message bytes and time). Every front door that reads a message uses
 * these, so a stored message is read exactly as the milter read it. */
void ss_engine_limits(const ss_config *c, ss_extract_limits *l);
/* Every detector over every segment, then message-level grading, with the
 * configuration's switches; today NULL means the local date now. A child's
 * name found in a file name is then masked in every location
 * (ss_engine_mask_names), so nothing downstream can show it. */
void ss_engine_detect(const ss_config *c, const char *today, ss_extract *x,
                      ss_findings *f);
void ss_engine_mask_names(ss_extract *x, const ss_findings *f);

/* One address as the policy sees it on date today (NULL: today): the
 * register's answer, and never secure while the register is stale. */
void ss_engine_check_address(const ss_register *r, const char *address, const char *today,
                             ss_match *m);

/* Today's local date as YYYY-MM-DD. */
void ss_today(char out[11]);

#endif
