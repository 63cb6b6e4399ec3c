#include "hold.h"
#include "base/log.h"
#include "notify/outbox.h"
#include "quarantine/qmeta.h"
#include "quarantine/quarantine.h"
#include "quarantine/release.h"
#include "certs/token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const unsigned char *qkey(const ss_config *c)
{
    return c->quarantine_key_len ? c->quarantine_key : NULL;
}

int ss_msgview_rewind(const ss_msgview *msg)
{
    if (msg->fd < 0 || lseek(msg->fd, 0, SEEK_SET) != 0)
        return -1;
    return msg->fd;
}

int ss_hold_put(const ss_config *c, const ss_result *r, const char *sender,
                const ss_msgview *msg, char *err, size_t errlen)
{
    if (!msg->complete) {
        /* Nothing past MaxMessageSize was kept: holding a truncated copy
         * would lose the rest, so the MTA must keep it instead. */
        snprintf(err, errlen, "the message is larger than MaxMessageSize and was not kept");
        return -1;
    }
    const char **insecure = ss_xcalloc(r->nparties + 1, sizeof *insecure);
    size_t n = 0;
    for (size_t i = 1; i < r->nparties; i++)
        if (!r->parties[i].m.secure)
            insecure[n++] = r->parties[i].address;
    ss_buf meta = SS_BUF_INIT, summary = SS_BUF_INIT;
    ss_qmeta_build(r->parties, r->nparties, r->record, &meta);
    ss_qmeta_summary(&r->f, &r->x, &r->v, &summary);
    ss_qput in = {
        .reference = r->v.reference, .sender = sender ? sender : "",
        .recipients = insecure, .nrecipients = n, .summary = summary.p,
        .meta_json = meta.p, .msg_fd = -1,
    };
    int rc = 0;
    if (msg->fd >= 0) {
        in.msg_fd = ss_msgview_rewind(msg);
        if (in.msg_fd < 0) {
            snprintf(err, errlen, "could not rewind the spilled message");
            rc = -1;
        }
    } else {
        in.msg = msg->mem ? msg->mem : "";
        in.msg_len = msg->len;
    }
    if (rc == 0 && ss_quarantine_put(c->quarantine_dir, &in, qkey(c), c->quarantine_key_len,
                                     err, errlen) != SS_Q_OK)
        rc = -1;
    ss_buf_free(&meta);
    ss_buf_free(&summary);
    free(insecure);
    return rc;
}

static void queue_notice(const ss_config *c, const ss_notify_templates *t, ss_note_kind k,
                         const ss_note *n, const char *qid)
{
    const char *to[2];
    size_t nto = ss_notify_recipients(c, k, n, NULL, to);
    if (nto == 0)
        return;
    ss_buf msg = SS_BUF_INIT;
    char label[64];
    ss_notify_render(c, t, k, n, to, nto, &msg);
    snprintf(label, sizeof label, "%s %s", ss_note_name(k), n->reference);
    if (ss_outbox_push(c->release_submit_url, c->notify_from, to, nto, msg.p, msg.len,
                        label) != 0)
        ss_log(SS_LOG_WARNING, "%s: ref=%s notice %s to <%s> not sent: %d notices already "
               "waiting", qid, n->reference, ss_note_name(k), to[0], SS_OUTBOX_MAX);
    ss_buf_free(&msg);
}

void ss_hold_notify(const ss_config *c, const ss_notify_templates *t, const ss_result *r,
                    const char *qid)
{
    if (!t || !c->notify_from)
        return;
    const char **insecure = ss_xcalloc(r->nparties + 1, sizeof *insecure);
    size_t n = 0;
    for (size_t i = 1; i < r->nparties; i++)
        if (!r->parties[i].m.secure)
            insecure[n++] = r->parties[i].address;
    ss_buf summary = SS_BUF_INIT;
    ss_qmeta_summary(&r->f, &r->x, &r->v, &summary);
    ss_note note = {
        .reference = r->v.reference, .sender = r->nparties ? r->parties[0].address : "",
        .recipients = insecure, .nrecipients = n, .found = summary.p, .received = time(NULL),
    };
    queue_notice(c, t, SS_NOTE_HELD, &note, qid);
    queue_notice(c, t, SS_NOTE_WAITING, &note, qid);
    ss_buf_free(&summary);
    free(insecure);
}

void ss_released_free(ss_released *rel)
{
    free(rel->by);
    free(rel->reason);
    memset(rel, 0, sizeof *rel);
}

/* What the message that arrived is, for its token: the fields after the
 * token and the body, and the envelope the MTA gave. */
static int arrived(const ss_msgview *msg, const ss_txn *t, ss_token_bind *b)
{
    if (!msg->complete)
        return -1;
    ss_token_envelope(t->sender, t->rcpts, t->nrcpts, b->env);
    if (msg->fd >= 0) {
        int fd = ss_msgview_rewind(msg);
        return fd < 0 ? -1 : ss_release_msg_sha256_fd(fd, 1, b->msg);
    }
    return ss_release_msg_sha256(msg->mem ? msg->mem : "", msg->len, 1, b->msg);
}

/* Who released it and why, from the entry's history: the first move to
 * RELEASED is the reviewer's (a later one is the milter giving a token's
 * use back, ss_hold_give_back). */
static void reviewer_of(const ss_config *c, ss_released *rel)
{
    ss_qentry e;
    char err[256];
    if (ss_quarantine_get(c->quarantine_dir, rel->ref, qkey(c), c->quarantine_key_len, &e,
                          NULL, err, sizeof err) != SS_Q_OK)
        return;
    for (size_t i = 0; i < e.nhistory; i++) {
        if (e.history[i].state == SS_QS_RELEASED) {
            rel->by = ss_xstrdup(e.history[i].by ? e.history[i].by : "");
            rel->reason = ss_xstrdup(e.history[i].reason ? e.history[i].reason : "");
            break;
        }
    }
    ss_qentry_free(&e);
}

/* The single use of a token: taken now, or (dry_run) still there to take. */
static ss_qerr take_use(const ss_config *c, const char *ref, int dry_run, char *err,
                        size_t errlen)
{
    if (!dry_run)
        return ss_quarantine_consume_token(c->quarantine_dir, ref, qkey(c),
                                           c->quarantine_key_len, err, errlen);
    ss_qentry e;
    ss_qerr q = ss_quarantine_get(c->quarantine_dir, ref, qkey(c), c->quarantine_key_len,
                                  &e, NULL, err, errlen);
    if (q != SS_Q_OK)
        return q;
    ss_qstate st = e.state;
    ss_qentry_free(&e);
    if (st == SS_QS_RELEASED)
        return SS_Q_OK;
    return st == SS_QS_DELIVERED ? SS_Q_ALREADY_DELIVERED : SS_Q_NOT_RELEASED;
}

void ss_hold_give_back(const ss_config *c, const char *ref, const char *queue_id)
{
    char err[256] = "";
    ss_qerr q = ss_quarantine_return_token(c->quarantine_dir, ref, qkey(c), c->quarantine_key_len,
                                           err, sizeof err);
    if (q == SS_Q_OK)
        ss_log(SS_LOG_WARNING, "%s: release of %s not recorded: its token's use given back, "
               "the MTA's retry can deliver it", queue_id, ref);
    else
        ss_log(SS_LOG_ERR, "%s: release of %s not recorded, and its token's use could not be "
               "given back (%s): safesharectl release --resend cannot send it", queue_id, ref,
               err);
}

int ss_hold_take_release(const ss_config *c, char *const *tokens, size_t ntokens,
                         const ss_msgview *msg, const ss_txn *txn, int dry_run,
                         ss_released *rel)
{
    memset(rel, 0, sizeof *rel);
    const char *qid = txn->queue_id ? txn->queue_id : "NOQUEUE";
    ss_token_bind b;
    if (c->release_key_len == 0) {
        ss_log(SS_LOG_WARNING, "%s: %s header ignored: no ReleaseKey is configured",
               qid, SS_TOKEN_HEADER);
        return 0;
    }
    if (arrived(msg, txn, &b) != 0) {
        ss_log(SS_LOG_WARNING, "%s: %s header ignored: the message could not be hashed",
               qid, SS_TOKEN_HEADER);
        return 0;
    }
    for (size_t i = 0; i < ntokens; i++) {
        char ref[32], err[256];
        /* Bound to this message and envelope, checked before the single
         * use is taken: a lifted token used elsewhere consumes nothing. */
        ss_token_result t = ss_token_check(c->release_key, c->release_key_len, tokens[i], &b,
                                           time(NULL), (long)c->release_token_max_age, ref);
        if (t != SS_TOK_OK) {
            ss_log(SS_LOG_WARNING, "%s: release token %s: treated as no token",
                   qid, ss_token_result_name(t));
            continue;
        }
        ss_qerr q = take_use(c, ref, dry_run, err, sizeof err);
        if (q != SS_Q_OK) {
            ss_log(SS_LOG_WARNING, "%s: release token for %s not honoured (%s): "
                   "treated as no token", qid, ref, ss_qerr_message(q));
            continue;
        }
        snprintf(rel->ref, sizeof rel->ref, "%s", ref);
        reviewer_of(c, rel);
        return 1;
    }
    return 0;
}
