/* The DSL's decisions on held mail: release and refuse, each with a
 * reason, an optional note to the sender, the reviewer's name on record
 * in the store's history and on the audit trail, and the sender told the
 * outcome once. safesharectl and safeshare-review both call these, so the
 * two doors cannot decide differently.
 *
 * A release moves the entry HELD -> RELEASED, then re-injects the message
 * with a fresh single-use token (certs/token.h) through ReleaseSubmitURL;
 * the milter honours the token once (quarantine/quarantine.h has the
 * protocol). The sender is told only after the message has been handed
 * back to the MTA, so "your message has been sent" is never a promise
 * that failed. Reasons and notes are masked (mask.h) before they are kept
 * or sent: a reviewer may type an identifier too. */
#ifndef SS_HELD_ACT_H
#define SS_HELD_ACT_H

#include <stddef.h>
#include "audit/audit.h"
#include "config/config.h"
#include "quarantine/quarantine.h"
#include "record.h"

#define SS_HELD_REASON_MAX 2000   /* characters a reason or a note may have */

typedef struct {
    ss_qerr q;          /* the store's answer: SS_Q_OK once decided */
    int decided;        /* the state moved now */
    int resent;         /* release: the MTA accepted the message back */
    int told;           /* 0 the sender was told; 1 nobody to tell (no
                           NotifyFrom, null sender); -1 it failed */
    int recorded;       /* the audit record of the decision is on disk */
    char sender[256];
    char err[1024];     /* why it was not done, for people; never content */
    char warn[1024];    /* done, but something after it was not */
} ss_held_result;

/* Release ref. 0 when released and re-sent; 1 when the entry cannot be
 * released as asked (unknown, already decided, no reason) or was released
 * but could not be re-sent (then `safesharectl quarantine release REF
 * --resend` tries again); 2 when the configuration or the store fails. */
int ss_held_release(const ss_config *c, ss_audit *a, const char *ref, const ss_held_who *who,
                    const char *reason, const char *note, ss_held_result *out);

/* Re-send a message released earlier whose re-sending failed. Refused
 * once its token has been used (delivered): a second copy would only be
 * held again. Same answers as ss_held_release. */
int ss_held_resend(const ss_config *c, ss_audit *a, const char *ref, const ss_held_who *who,
                   ss_held_result *out);

/* Refuse ref: it will never be delivered. 0, 1 or 2 as above. */
int ss_held_refuse(const ss_config *c, ss_audit *a, const char *ref, const ss_held_who *who,
                   const char *reason, const char *note, ss_held_result *out);

/* The exit status for a store error: 1 for the entry's state, 2 otherwise. */
int ss_held_status(ss_qerr e);

/* The store's key, or NULL when held mail is not encrypted. */
const unsigned char *ss_held_key(const ss_config *c);

#endif
