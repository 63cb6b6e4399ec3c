/* Held and released mail, as the milter sees it (issue 4): store a message
 * the verdict holds, and honour a release token at most once. The protocol
 * is in policy/quarantine.h and policy/token.h; this is the glue from the
 * message buffer and the engine's result to them. */
#ifndef SS_HOLD_H
#define SS_HOLD_H

#include <stddef.h>
#include "config/config.h"
#include "engine.h"
#include "milter/msgbuf.h"
#include "notify/notify.h"

/* Store the message (memory or spilled file) in QuarantineDir with the
 * audit record as its metadata. 0 once the store has it on disk, else -1
 * with err: the caller must then not tell the MTA to discard it. */
int ss_hold_put(const ss_config *c, const ss_result *r, const char *sender,
                ss_msgbuf *body, char *err, size_t errlen);

/* After ss_hold_put succeeded and the decision is recorded: queue the
 * sender's "held" notice and the DSL's "waiting" notice (policy/notify.h)
 * for the background sender. Never fails the message: a notice that
 * cannot be queued is logged with the queue id. */
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

/* Check the X-Safeshare-Release header values a message carries. 1 when
 * one is valid for this body and its single use was taken just now
 * (rel filled); 0 otherwise, logged with the queue id and why, so the
 * message is treated as carrying no token. */
int ss_hold_take_release(const ss_config *c, char *const *tokens, size_t ntokens,
                         ss_msgbuf *body, const char *qid, ss_released *rel);

#endif
