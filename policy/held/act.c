#include "act.h"
#include "mask.h"
#include "base/buf.h"
#include "certs/token.h"
#include "notify/notify.h"
#include "quarantine/qmeta.h"
#include "quarantine/release.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const unsigned char *ss_held_key(const ss_config *c)
{
    return c->quarantine_key_len ? c->quarantine_key : NULL;
}

int ss_held_status(ss_qerr e)
{
    switch (e) {
    case SS_Q_OK:
        return 0;
    case SS_Q_UNKNOWN_REF: case SS_Q_ALREADY_RELEASED: case SS_Q_ALREADY_REFUSED:
    case SS_Q_ALREADY_DELIVERED: case SS_Q_NOT_RELEASED: case SS_Q_INVALID:
        return 1;
    default:
        return 2;
    }
}

static int failed(ss_held_result *o, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int failed(ss_held_result *o, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->err, sizeof o->err, fmt, ap);
    va_end(ap);
    return status;
}

/* Only blanks, or nothing: not a reason. */
static int blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

/* The checks every decision makes before it touches the store. */
static int check_words(const char *ref, const ss_held_who *who, const char *reason,
                       const char *note, ss_held_result *o)
{
    if (!who || blank(who->reviewer))
        return failed(o, 1, "%s: a decision needs the reviewer's name", ref);
    if (blank(reason))
        return failed(o, 1, "%s: a reason is required: it is kept with the decision", ref);
    if (strlen(reason) > SS_HELD_REASON_MAX || (note && strlen(note) > SS_HELD_REASON_MAX))
        return failed(o, 1, "%s: the reason or note is longer than %d characters", ref,
                      SS_HELD_REASON_MAX);
    return 0;
}

/* Re-inject a released message with a fresh single-use token. 0, or 1
 * (audited as resend-failed) or the store's status. */
static int resend(const ss_config *c, ss_audit *a, const char *ref, const ss_held_who *who,
                  ss_held_result *o)
{
    char err[1024] = "";
    ss_qentry e;
    ss_buf msg = SS_BUF_INIT, out = SS_BUF_INIT;
    ss_qenvelope env = { 0 };
    ss_qerr q = ss_quarantine_get(c->quarantine_dir, ref, ss_held_key(c), c->quarantine_key_len,
                                  &e, &msg, err, sizeof err);
    if (q != SS_Q_OK) {
        ss_buf_free(&msg);
        o->q = q;
        return failed(o, ss_held_status(q) ? ss_held_status(q) : 1, "%s",
                      err[0] ? err : ss_qerr_message(q));
    }
    int rc = 1;
    if (ss_qmeta_envelope(e.meta_json, &env) != 0 || env.nto == 0) {
        failed(o, 1, "%s: the record has no envelope to re-send to", ref);
    } else if (ss_release_build(c->release_key, c->release_key_len, ref, env.from,
                                (const char *const *)env.to, env.nto, msg.p ? msg.p : "",
                                msg.len, time(NULL), &out) != 0) {
        failed(o, 1, "%s: could not make a release token", ref);
    } else {
        if (ss_release_submit(c->release_submit_url, env.from, (const char *const *)env.to,
                              env.nto, out.p, out.len, err, sizeof err) == 0) {
            rc = 0;
            o->resent = 1;
        } else {
            failed(o, 1, "%s is released but could not be sent on: %s", ref, err);
            ss_audit_event ev = { .event = "resend-failed", .reference = ref, .reason = "",
                                  .detail = err };
            char aerr[512];
            ss_held_record(c, a, who, ev, aerr, sizeof aerr);
        }
    }
    ss_qmeta_envelope_free(&env);
    ss_qentry_free(&e);
    ss_buf_free(&msg);
    ss_buf_free(&out);
    return rc;
}

/* Tell the sender what was decided, with the reason on record. A notice
 * that cannot go is reported and audited; the decision stands. */
static void tell_sender(const ss_config *c, ss_audit *a, const char *ref, int release,
                        const ss_held_who *who, const char *note, ss_held_result *o)
{
    ss_qstate want = release ? SS_QS_RELEASED : SS_QS_REFUSED;
    char err[1024] = "";
    ss_notify_templates *t = ss_notify_load(c, err, sizeof err);
    ss_qentry e;
    o->told = -1;
    if (!t || ss_quarantine_get(c->quarantine_dir, ref, ss_held_key(c), c->quarantine_key_len,
                                &e, NULL, err, sizeof err) != SS_Q_OK) {
        snprintf(o->warn, sizeof o->warn, "%s: the sender could not be told: %.900s", ref, err);
        ss_notify_free(t);
        return;
    }
    snprintf(o->sender, sizeof o->sender, "%s", e.sender);
    ss_note n = {
        .reference = e.reference, .sender = e.sender,
        .recipients = (const char *const *)e.recipients, .nrecipients = e.nrecipients,
        .found = e.summary, .received = e.received, .note = note,
    };
    for (size_t i = e.nhistory; i-- > 0 && !n.reason;) {
        if (e.history[i].state == want) {
            n.reviewer = e.history[i].by;
            n.reason = e.history[i].reason;
        }
    }
    int rc = ss_notify_send(c, t, release ? SS_NOTE_RELEASED : SS_NOTE_REFUSED, &n, NULL, err,
                            sizeof err);
    o->told = rc;
    if (rc < 0) {
        snprintf(o->warn, sizeof o->warn, "%s: the sender could not be told: %.900s", ref, err);
        ss_audit_event ev = { .event = "notify-failed", .reference = ref, .reason = "",
                              .detail = err };
        char aerr[512];
        ss_held_record(c, a, who, ev, aerr, sizeof aerr);
    }
    ss_qentry_free(&e);
    ss_notify_free(t);
}

/* HELD -> RELEASED or REFUSED with the masked reason, then the audit
 * record. 0, or the status to return. */
static int decide(const ss_config *c, ss_audit *a, const char *ref, int release,
                  const ss_held_who *who, const char *reason, const char *note,
                  ss_held_result *o)
{
    char err[512] = "";
    ss_qentry e;
    ss_qerr q = ss_quarantine_set_state(c->quarantine_dir, ref, SS_QS_HELD,
                                        release ? SS_QS_RELEASED : SS_QS_REFUSED, who->reviewer,
                                        reason, 0, ss_held_key(c), c->quarantine_key_len, &e,
                                        err, sizeof err);
    o->q = q;
    if (q != SS_Q_OK)
        return failed(o, ss_held_status(q), "%s", err[0] ? err : ss_qerr_message(q));
    o->decided = 1;
    /* The share's purpose, as the sender gave it, goes with the decision. */
    ss_audit_event ev = { .event = release ? "release" : "refuse", .reference = ref,
                          .reason = reason, .note = note && *note ? note : NULL,
                          .purpose = e.purpose, .urgency = e.urgency };
    if (ss_held_record(c, a, who, ev, err, sizeof err) == 0)
        o->recorded = 1;
    else
        snprintf(o->warn, sizeof o->warn, "%s is %s, but the audit log did not record it: %s",
                 ref, release ? "released" : "refused", err);
    ss_qentry_free(&e);
    return 0;
}

static int decide_and_tell(const ss_config *c, ss_audit *a, const char *ref, int release,
                           const ss_held_who *who, const char *reason, const char *note,
                           ss_held_result *o)
{
    memset(o, 0, sizeof *o);
    o->told = 1;
    int rc = check_words(ref, who, reason, note, o);
    if (rc)
        return rc;
    if (release && c->release_key_len == 0)
        return failed(o, 2, "%s: ReleaseKey: not configured; a release cannot be signed", c->path);
    ss_buf r = SS_BUF_INIT, n = SS_BUF_INIT;
    ss_held_mask_text(c, reason, &r);
    ss_held_mask_text(c, note, &n);
    rc = decide(c, a, ref, release, who, r.p, n.p, o);
    if (rc == 0 && release)
        rc = resend(c, a, ref, who, o);
    if (rc == 0)
        tell_sender(c, a, ref, release, who, n.len ? n.p : NULL, o);
    ss_buf_free(&r);
    ss_buf_free(&n);
    return rc;
}

int ss_held_release(const ss_config *c, ss_audit *a, const char *ref, const ss_held_who *who,
                    const char *reason, const char *note, ss_held_result *out)
{
    return decide_and_tell(c, a, ref, 1, who, reason, note, out);
}

int ss_held_refuse(const ss_config *c, ss_audit *a, const char *ref, const ss_held_who *who,
                   const char *reason, const char *note, ss_held_result *out)
{
    return decide_and_tell(c, a, ref, 0, who, reason, note, out);
}

int ss_held_resend(const ss_config *c, ss_audit *a, const char *ref, const ss_held_who *who,
                   ss_held_result *out)
{
    memset(out, 0, sizeof *out);
    out->told = 1;
    if (c->release_key_len == 0)
        return failed(out, 2, "%s: ReleaseKey: not configured; a release cannot be signed",
                      c->path);
    ss_qentry e;
    char err[512] = "";
    ss_qerr q = ss_quarantine_get(c->quarantine_dir, ref, ss_held_key(c), c->quarantine_key_len,
                                  &e, NULL, err, sizeof err);
    if (q == SS_Q_OK) {
        /* Once delivered, a second copy would only be held again. */
        if (e.state != SS_QS_RELEASED)
            q = e.state == SS_QS_DELIVERED ? SS_Q_ALREADY_DELIVERED
              : e.state == SS_QS_REFUSED ? SS_Q_ALREADY_REFUSED : SS_Q_NOT_RELEASED;
        ss_qentry_free(&e);
        snprintf(err, sizeof err, "%s: %s", ref, ss_qerr_message(q));
    }
    out->q = q;
    if (q != SS_Q_OK)
        return failed(out, ss_held_status(q), "%s", err);
    int rc = resend(c, a, ref, who, out);
    if (rc == 0)
        tell_sender(c, a, ref, 1, who, NULL, out);
    return rc;
}
