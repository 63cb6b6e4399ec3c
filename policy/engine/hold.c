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

static const unsigned char *qkey(const ss_config *c)
{
    return c->quarantine_key_len ? c->quarantine_key : NULL;
}

int ss_hold_put(const ss_config *c, const ss_result *r, const char *sender,
                ss_msgbuf *body, char *err, size_t errlen)
{
    if (body->oversize) {
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
    ss_qmeta_build(r, &meta);
    ss_qmeta_summary(r, &summary);
    ss_qput in = {
        .reference = r->v.reference, .sender = sender ? sender : "",
        .recipients = insecure, .nrecipients = n, .summary = summary.p,
        .meta_json = meta.p, .msg_fd = -1,
    };
    int rc = 0;
    if (body->fd >= 0) {
        in.msg_fd = ss_msgbuf_fd(body);
        if (in.msg_fd < 0) {
            snprintf(err, errlen, "could not rewind the spilled message");
            rc = -1;
        }
    } else {
        in.msg = body->mem.p ? body->mem.p : "";
        in.msg_len = body->mem.len;
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
    if (ss_notifyq_push(c->release_submit_url, c->notify_from, to, nto, msg.p, msg.len,
                        label) != 0)
        ss_log(SS_LOG_WARNING, "%s: ref=%s notice %s to <%s> not sent: %d notices already "
               "waiting", qid, n->reference, ss_note_name(k), to[0], SS_NOTIFYQ_MAX);
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
    ss_qmeta_summary(r, &summary);
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

static int body_hash(ss_msgbuf *body, unsigned char sha[32])
{
    if (body->oversize)
        return -1;
    if (body->fd >= 0) {
        int fd = ss_msgbuf_fd(body);
        return fd < 0 ? -1 : ss_release_body_sha256_fd(fd, sha);
    }
    return ss_release_body_sha256(body->mem.p ? body->mem.p : "", body->mem.len, sha);
}

/* Who released it and why, from the entry's history. */
static void reviewer_of(const ss_config *c, ss_released *rel)
{
    ss_qentry e;
    char err[256];
    if (ss_quarantine_get(c->quarantine_dir, rel->ref, qkey(c), c->quarantine_key_len, &e,
                          NULL, err, sizeof err) != SS_Q_OK)
        return;
    for (size_t i = e.nhistory; i-- > 0;) {
        if (e.history[i].state == SS_QS_RELEASED) {
            rel->by = ss_xstrdup(e.history[i].by ? e.history[i].by : "");
            rel->reason = ss_xstrdup(e.history[i].reason ? e.history[i].reason : "");
            break;
        }
    }
    ss_qentry_free(&e);
}

int ss_hold_take_release(const ss_config *c, char *const *tokens, size_t ntokens,
                         ss_msgbuf *body, const char *qid, ss_released *rel)
{
    memset(rel, 0, sizeof *rel);
    unsigned char sha[32];
    if (c->release_key_len == 0) {
        ss_log(SS_LOG_WARNING, "%s: %s header ignored: no ReleaseKey is configured",
               qid, SS_TOKEN_HEADER);
        return 0;
    }
    if (body_hash(body, sha) != 0) {
        ss_log(SS_LOG_WARNING, "%s: %s header ignored: the body could not be hashed",
               qid, SS_TOKEN_HEADER);
        return 0;
    }
    for (size_t i = 0; i < ntokens; i++) {
        char ref[32], err[256];
        ss_token_result t = ss_token_check(c->release_key, c->release_key_len, tokens[i], sha,
                                           time(NULL), (long)c->release_token_max_age, ref);
        if (t != SS_TOK_OK) {
            ss_log(SS_LOG_WARNING, "%s: release token %s: treated as no token",
                   qid, ss_token_result_name(t));
            continue;
        }
        ss_qerr q = ss_quarantine_consume_token(c->quarantine_dir, ref, qkey(c),
                                                c->quarantine_key_len, err, sizeof err);
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
