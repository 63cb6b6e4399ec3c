/* Held and released mail, as the end of a message sees it (issue 4):
 * store a message the verdict holds, tell the sender and the DSL, and
 * honour a release token at most once. The protocol is in
 * quarantine/quarantine.h and certs/token.h; this is the glue from a
 * decision to them. */
#ifndef SS_ENGINE_HOLD_H
#define SS_ENGINE_HOLD_H

#include <stddef.h>
#include "config/config.h"
#include "engine.h"
#include "eom.h"
#include "notify/notify.h"

/* Store the message in QuarantineDir with the audit record as its
 * metadata. 0 once the store has it on disk, else -1 with err: the
 * caller must then not tell the MTA to discard it. */
int ss_hold_put(const ss_config *c, const ss_result *r, const char *sender,
                const ss_msgview *msg, char *err, size_t errlen);

/* After ss_hold_put succeeded and the decision is recorded: queue the
 * sender's "held" notice and the DSL's "waiting" notice (notify/outbox.h).
 * Never fails the message: a notice that cannot be queued is logged with
 * the queue id. */
void ss_hold_notify(const ss_config *c, const ss_notify_templates *t, const ss_result *r,
                    const char *qid);

/* A release that was honoured: the reference it released and the
 * reviewer's recorded name and reason. */
typedef struct {
    char ref[32];
    char *by;
    char *reason;
} ss_released;

void ss_released_free(ss_released *rel);

/* Check the X-Safeshare-Release header values a message carries against
 * the message and the envelope of txn (a token is bound to both). 1 when
 * one is valid and its single use was taken just now (with dry_run, when
 * it is released and not yet used; nothing is changed); rel filled. 0
 * otherwise, logged with the queue id and why, so the message is treated
 * as carrying no token. */
int ss_hold_take_release(const ss_config *c, char *const *tokens, size_t ntokens,
                         const ss_msgview *msg, const ss_txn *txn, int dry_run,
                         ss_released *rel);

/* The release of rel->ref was not recorded and the MTA is told to try
 * again: give the token's use back (DELIVERED -> RELEASED), logged. */
void ss_hold_give_back(const ss_config *c, const char *ref, const char *queue_id);

/* msg's file descriptor rewound to its start, or -1 (mem, or it cannot
 * be rewound). */
int ss_msgview_rewind(const ss_msgview *msg);

#endif
