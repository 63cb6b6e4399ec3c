/* safesharectl quarantine release | refuse | purge: the DSL's decisions,
 * each with who and why in the store's history and in the audit log. */
#include "base/buf.h"
#include "notify/notify.h"
#include "qctl.h"
#include "quarantine/qmeta.h"
#include "quarantine/release.h"
#include "certs/token.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Re-inject a released message with a fresh single-use token. 0 or 1. */
static int resend(const ss_config *c, const char *ref, const char *reviewer)
{
    char err[1024] = "";
    ss_qentry e;
    ss_buf msg = SS_BUF_INIT, out = SS_BUF_INIT;
    ss_qenvelope env = { 0 };
    unsigned char sha[32];
    char tok[SS_TOKEN_MAX];
    int rc = 1;
    ss_qerr q = ss_quarantine_get(c->quarantine_dir, ref, ss_qctl_key(c), c->quarantine_key_len,
                                  &e, &msg, err, sizeof err);
    if (q != SS_Q_OK) {
        fprintf(stderr, "safesharectl: %s\n", err[0] ? err : ss_qerr_message(q));
        ss_buf_free(&msg);
        return ss_qctl_status(q) ? ss_qctl_status(q) : 1;
    }
    if (ss_qmeta_envelope(e.meta_json, &env) != 0 || env.nto == 0) {
        fprintf(stderr, "safesharectl: %s: the record has no envelope to re-send to\n", ref);
    } else if (ss_release_body_sha256(msg.p ? msg.p : "", msg.len, sha) != 0
               || ss_token_make(c->release_key, c->release_key_len, ref, sha, time(NULL), tok) != 0) {
        fprintf(stderr, "safesharectl: %s: could not make a release token\n", ref);
    } else {
        ss_release_message(msg.p ? msg.p : "", msg.len, tok, &out);
        if (ss_release_submit(c->release_submit_url, env.from, (const char *const *)env.to,
                              env.nto, out.p, out.len, err, sizeof err) == 0) {
            rc = 0;
        } else {
            fprintf(stderr, "safesharectl: %s is released but could not be re-sent: %s\n"
                    "  try again with: safesharectl quarantine release %s --resend\n",
                    ref, err, ref);
            ss_qctl_audit(c, "resend-failed", ref, reviewer, NULL, err);
        }
    }
    ss_qmeta_envelope_free(&env);
    ss_qentry_free(&e);
    ss_buf_free(&msg);
    ss_buf_free(&out);
    return rc;
}

/* Tell the sender what the DSL decided, with the reason on record. A
 * notice that cannot go is reported and audited; the decision stands. */
static void tell_sender(const ss_config *c, const char *ref, int release, const char *reviewer)
{
    ss_qstate want = release ? SS_QS_RELEASED : SS_QS_REFUSED;
    char err[1024] = "";
    ss_notify_templates *t = ss_notify_load(c, err, sizeof err);
    ss_qentry e;
    if (!t || ss_quarantine_get(c->quarantine_dir, ref, ss_qctl_key(c), c->quarantine_key_len,
                                &e, NULL, err, sizeof err) != SS_Q_OK) {
        fprintf(stderr, "safesharectl: %s: the sender could not be told: %s\n", ref, err);
        ss_notify_free(t);
        return;
    }
    ss_note n = {
        .reference = e.reference, .sender = e.sender,
        .recipients = (const char *const *)e.recipients, .nrecipients = e.nrecipients,
        .found = e.summary, .received = e.received,
    };
    for (size_t i = e.nhistory; i-- > 0 && !n.reason;) {
        if (e.history[i].state == want) {
            n.reviewer = e.history[i].by;
            n.reason = e.history[i].reason;
        }
    }
    int rc = ss_notify_send(c, t, release ? SS_NOTE_RELEASED : SS_NOTE_REFUSED, &n, NULL, err,
                            sizeof err);
    if (rc == 0) {
        printf("%s: %s was told, with the reason\n", ref, e.sender);
    } else if (rc < 0) {
        fprintf(stderr, "safesharectl: %s: the sender could not be told: %s\n", ref, err);
        ss_qctl_audit(c, "notify-failed", ref, reviewer, NULL, err);
    } else if (!c->notify_from) {
        printf("%s: the sender was not told (NotifyFrom is not set)\n", ref);
    }
    ss_qentry_free(&e);
    ss_notify_free(t);
}

int ss_qctl_decide(const ss_config *c, int release, int argc, char **argv)
{
    static const struct option opts[] = {
        { "reason", required_argument, NULL, 'r' }, { "reviewer", required_argument, NULL, 'w' },
        { "resend", no_argument, NULL, 's' }, { NULL, 0, NULL, 0 },
    };
    const char *reason = NULL, *who = NULL, *cmd = release ? "release" : "refuse";
    int again = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'r': reason = optarg; break;
        case 'w': who = optarg; break;
        case 's': again = release; break;
        default: return 2;
        }
    }
    if (optind + 1 != argc || (!again && (!reason || !*reason))) {
        fprintf(stderr, "usage: safesharectl quarantine %s REF --reason TEXT [--reviewer NAME]%s\n"
                "  (a reason is required: it is kept with the decision)\n",
                cmd, release ? " [--resend]" : "");
        return 2;
    }
    char ref[32], err[512] = "";
    if (ss_qctl_ref(argv[optind], ref) != 0)
        return 1;
    const char *reviewer = ss_qctl_reviewer(who);
    if (release && c->release_key_len == 0) {
        fprintf(stderr, "safesharectl: %s: ReleaseKey: not configured; a release cannot be "
                "signed\n", c->path);
        return 2;
    }
    if (!again) {
        ss_qerr q = ss_quarantine_set_state(c->quarantine_dir, ref, SS_QS_HELD,
                                            release ? SS_QS_RELEASED : SS_QS_REFUSED, reviewer,
                                            reason, 0, ss_qctl_key(c), c->quarantine_key_len,
                                            NULL, err, sizeof err);
        if (q != SS_Q_OK) {
            fprintf(stderr, "safesharectl: %s\n", err[0] ? err : ss_qerr_message(q));
            return ss_qctl_status(q);
        }
        if (ss_qctl_audit(c, cmd, ref, reviewer, reason, NULL) != 0)
            fprintf(stderr, "safesharectl: %s is %s, but the audit log did not record it\n",
                    ref, release ? "released" : "refused");
    }
    if (!release) {
        printf("%s refused by %s; it will not be delivered\n", ref, reviewer);
        tell_sender(c, ref, 0, reviewer);
        return 0;
    }
    int rc = resend(c, ref, reviewer);
    if (rc == 0) {
        printf("%s released by %s and re-sent to %s\n", ref, reviewer, c->release_submit_url);
        tell_sender(c, ref, 1, reviewer);
    }
    return rc;
}

typedef struct {
    const ss_config *c;
    const char *reviewer;
    const char *reason;
} purge_ctx;

static int purged(const ss_qentry *e, void *arg)
{
    purge_ctx *p = arg;
    ss_qctl_audit(p->c, "purge", e->reference, p->reviewer, p->reason, ss_qstate_name(e->state));
    printf("purged %s (%s)\n", e->reference, ss_qstate_name(e->state));
    return 0;
}

int ss_qctl_purge(const ss_config *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "older-than", required_argument, NULL, 'o' }, { "reviewer", required_argument, NULL, 'w' },
        { NULL, 0, NULL, 0 },
    };
    long secs = -1;
    const char *who = NULL;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'o': secs = ss_qctl_age_arg(optarg); break;
        case 'w': who = optarg; break;
        default: return 2;
        }
    }
    if (optind != argc || secs < 0) {
        fprintf(stderr, "usage: safesharectl quarantine purge --older-than DAYS [--reviewer NAME]\n"
                "  (removes refused and delivered entries decided more than DAYS ago)\n");
        return 2;
    }
    char reason[64], err[512] = "";
    snprintf(reason, sizeof reason, "decided more than %ld days ago", secs / 86400);
    purge_ctx p = { c, ss_qctl_reviewer(who), reason };
    size_t removed = 0, fixed = 0;
    ss_qerr q = ss_quarantine_purge(c->quarantine_dir, time(NULL) - secs, 0, ss_qctl_key(c),
                                    c->quarantine_key_len, purged, &p, &removed, err, sizeof err);
    if (q == SS_Q_OK)
        q = ss_quarantine_fsck(c->quarantine_dir, 3600, NULL, NULL, &fixed, err, sizeof err);
    if (q != SS_Q_OK) {
        fprintf(stderr, "safesharectl: %s\n", err[0] ? err : ss_qerr_message(q));
        return 2;
    }
    printf("%zu entr%s purged\n", removed, removed == 1 ? "y" : "ies");
    return 0;
}
