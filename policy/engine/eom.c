/* The end of a message (eom.h): decide, honour a release, hold, record,
 * notify, in that order. Every step that can fail leaves a verdict the
 * caller can apply as it is. */
#include "eom.h"
#include "hold.h"
#include "audit/audit.h"
#include "base/buf.h"
#include "base/log.h"
#include "delivery/delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNCHECKED "safeshare could not check this message just now; it has not been sent yet."

/* One syslog line per decision, queue id first, no identifier. */
static void log_decision(const char *q, const ss_result *r)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "%s: ref=%s action=%s rule=%s from=<%s>", q, r->v.reference,
                  ss_action_name(r->v.action), r->v.rule,
                  r->nparties ? r->parties[0].address : "");
    for (size_t i = 1; i < r->nparties; i++)
        if (!r->parties[i].m.secure)
            ss_buf_printf(&b, " insecure=<%s>", r->parties[i].address);
    for (size_t i = 0; i < r->f.n; i++)
        ss_buf_printf(&b, " found=%s/%s", ss_type_name(r->f.v[i].type),
                      ss_conf_name(r->f.v[i].confidence));
    ss_log(SS_LOG_INFO, "%s", b.p);
    ss_buf_free(&b);
}

/* OnInternalError as the answer, with the one line the sender sees. A
 * quarantine action becomes tempfail: the failure is that the message
 * could not be kept. */
static void internal_error(const ss_config *c, const char *q, const char *what,
                           ss_result *r)
{
    ss_action a = c->on_internal_error == SS_ACT_QUARANTINE ? SS_ACT_TEMPFAIL
                                                           : c->on_internal_error;
    ss_log(SS_LOG_ERR, "%s: %s: OnInternalError %s", q, what, ss_action_name(a));
    r->v.action = a;
    ss_reply_free(&r->reply);
    if (a == SS_ACT_ACCEPT)
        return;
    r->reply.lines = ss_xcalloc(1, sizeof *r->reply.lines);
    r->reply.lines[0] = ss_xstrdup(UNCHECKED);
    r->reply.n = 1;
}

/* A valid, unused release token: the DSL's decision stands (that is the
 * point of a release), and the record says who released it and why. The
 * parties are still checked against the current register and recorded. */
static int honour_release(const ss_state *st, const ss_eom_in *in, ss_result *r)
{
    ss_released rel;
    const char *q = in->txn.queue_id;
    if (!in->ntokens || !ss_hold_take_release(st->cfg, in->tokens, in->ntokens, &in->msg,
                                              &in->txn, in->dry_run, &rel))
        return 0;
    ss_buf why = SS_BUF_INIT;
    ss_buf_printf(&why, "released from quarantine %s by %s: %s (policy alone: %s by %s)",
                  rel.ref, rel.by ? rel.by : "a reviewer", rel.reason ? rel.reason : "",
                  ss_action_name(r->v.action), r->v.rule);
    ss_verdict_override(&r->v, SS_ACT_ACCEPT, "ReleasedByDSL", why.p);
    r->released_from = ss_xstrdup(rel.ref);
    r->released_by = rel.by ? ss_xstrdup(rel.by) : NULL;
    r->released_reason = rel.reason ? ss_xstrdup(rel.reason) : NULL;
    ss_engine_rerecord(st->cfg, st->reg, &in->txn, r);
    ss_log(SS_LOG_NOTICE, "%s: ref=%s release of %s by %s honoured", q, r->v.reference,
           rel.ref, rel.by ? rel.by : "a reviewer");
    ss_buf_free(&why);
    ss_released_free(&rel);
    return 1;
}

/* Verdict quarantine: into the store, or, if it cannot be stored, the
 * OnInternalError answer, recorded as such. 0 held (or dry run); -1 not. */
static int hold(const ss_state *st, const ss_eom_in *in, ss_result *r)
{
    char err[512] = "";
    if (in->dry_run ||
        ss_hold_put(st->cfg, r, in->txn.sender, &in->msg, err, sizeof err) == 0)
        return 0;
    ss_action a = st->cfg->on_internal_error;
    if (a == SS_ACT_QUARANTINE)
        a = SS_ACT_TEMPFAIL;
    ss_log(SS_LOG_ERR, "%s: ref=%s could not hold the message: %s", in->txn.queue_id,
           r->v.reference, err);
    ss_verdict_override(&r->v, a, "OnInternalError",
                        "the quarantine store could not keep the message");
    ss_engine_rerecord(st->cfg, st->reg, &in->txn, r);
    return -1;
}

static void decide(const ss_state *st, const ss_eom_in *in, ss_result *r)
{
    int fd = ss_msgview_rewind(&in->msg);
    if (fd >= 0)
        ss_engine_run_fd(st->cfg, st->reg, &in->txn, fd, r);
    else
        ss_engine_run_mem(st->cfg, st->reg, &in->txn, in->msg.mem ? in->msg.mem : "",
                          in->msg.len, r);
}

void ss_eom_run(const ss_state *st, const ss_eom_in *in, ss_eom_out *out)
{
    memset(out, 0, sizeof *out);
    const char *q = in->txn.queue_id ? in->txn.queue_id : "NOQUEUE";
    if (in->msg.fd >= 0 && ss_msgview_rewind(&in->msg) < 0) {
        ss_eom_unchecked(st, q, "could not rewind the spilled message", out);
        return;
    }
    ss_result *r = &out->r;
    decide(st, in, r);
    out->released = honour_release(st, in, r);
    int unheld = r->v.action == SS_ACT_QUARANTINE && hold(st, in, r) != 0;
    if (in->dry_run)
        return;
    /* The record is on disk before the MTA hears the verdict. (A held
     * message whose record then fails stays in the store and the MTA
     * offers it again: a duplicate, never a loss.) */
    if (!st->audit || ss_audit_append(st->audit, r->record, strlen(r->record)) != 0) {
        internal_error(st->cfg, q, "could not write the audit record", r);
        /* A token is used only together with its record. */
        if (out->released && r->v.action != SS_ACT_ACCEPT)
            ss_hold_give_back(st->cfg, r->released_from, q);
        return;
    }
    out->recorded = 1;
    log_decision(q, r);
    /* Passed to the MTA under this queue id: its delivery lines, when the
     * daemon follows them (DeliveryLog), are recorded against the reference. */
    if (r->v.action == SS_ACT_ACCEPT && in->txn.queue_id)
        ss_delivery_expect(in->txn.queue_id, r->v.reference);
    if (unheld)
        internal_error(st->cfg, q, "the quarantine store could not keep the message", r);
    else if (r->v.action == SS_ACT_QUARANTINE)
        ss_hold_notify(st->cfg, st->notes, r, q);   /* held and recorded: tell them */
}

void ss_eom_unchecked(const ss_state *st, const char *queue_id, const char *what,
                      ss_eom_out *out)
{
    memset(out, 0, sizeof *out);
    ss_verdict_override(&out->r.v, SS_ACT_TEMPFAIL, "OnInternalError", what);
    internal_error(st->cfg, queue_id ? queue_id : "NOQUEUE", what, &out->r);
}

void ss_eom_free(ss_eom_out *out)
{
    ss_result_free(&out->r);
}
