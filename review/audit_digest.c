/* safesharectl audit digest: the daily check of the audit trail, run by a
 * timer. It verifies the whole trail as `audit verify` does, says what it
 * found in syslog, and mails it to AuditDigestTo, so that where the chain
 * stood each day is kept away from the machine that holds the trail: a
 * later `audit verify --head SEQ:CHAIN` proves nothing up to it changed. */
#include "audit_ctl.h"
#include "base/log.h"
#include "notify/notify.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* What the digest says in its subject, its body and syslog. */
typedef struct {
    char status[160];
    ss_buf result, command;      /* command: the head, SEQ:CHAIN */
} verdict;

static void describe(const ss_verify_result *r, verdict *v)
{
    ss_audit_ctl_verdict(r, &v->result);
    char *nl = strchr(v->result.p, '\n');
    if (nl)
        *nl = '\0';                  /* syslog and the status: the first line */
    if (r->ok) {
        snprintf(v->status, sizeof v->status, "all %llu records verified", r->records);
        ss_buf_adds(&v->command, strrchr(v->result.p, ' ') + 1);
    } else {
        snprintf(v->status, sizeof v->status, "BROKEN at %s:%llu", r->file, r->line);
    }
}

/* 0 sent or nobody to send to; 2 could not (printed). */
static int mail(const ss_config *c, const verdict *v, int ok)
{
    char err[1024];
    if (!c->audit_digest_to)
        return 0;
    if (!c->notify_from) {
        fprintf(stderr, "safesharectl: %s: AuditDigestTo needs NotifyFrom to send from\n",
                c->path);
        return 2;
    }
    ss_notify_templates *t = ss_notify_load(c, err, sizeof err);
    ss_note n = {
        .status = v->status, .result = v->result.p, .trail = c->audit_log,
        .head = ok ? v->command.p : NULL,
        .problem = ok ? NULL : "Something has changed the trail, or a write to it was cut "
                               "short. Please ask the mail administrator to look at the "
                               "record named above today, and keep this message.",
    };
    int rc = t ? ss_notify_send(c, t, SS_NOTE_AUDIT, &n, NULL, err, sizeof err) : -1;
    ss_notify_free(t);
    if (rc == 0)
        printf("sent to %s\n", c->audit_digest_to);
    else if (rc < 0)
        fprintf(stderr, "safesharectl: the digest could not be mailed: %s\n", err);
    return rc < 0 ? 2 : 0;
}

int ss_audit_digest_cmd(const char *conf, int argc, char **argv)
{
    static const struct option opts[] = {
        { "after", required_argument, NULL, 'a' }, { "config", required_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
    };
    ss_verify_opts o = { .head_source = "--head" };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
        if (opt == 'c')
            conf = optarg;
        else if (ss_audit_ctl_head_opt(opt, optarg, &o) != 0)
            optind = argc + 1;      /* usage below */
    }
    ss_config *c = optind == argc ? ss_ctl_config_audit(conf) : NULL;
    if (!c) {
        fprintf(stderr, "usage: safesharectl audit digest [--after SEQ:CHAIN]\n");
        return 2;
    }
    ss_verify_result r;
    int rc = ss_audit_ctl_check(c, NULL, 0, &o, &r);
    if (rc == 0) {
        verdict v = { "", SS_BUF_INIT, SS_BUF_INIT };
        describe(&r, &v);
        ss_log_open_as("safesharectl", c->syslog_facility, 0);
        ss_log(r.ok ? SS_LOG_NOTICE : SS_LOG_ERR, "audit trail %s: %s", c->audit_log,
               v.result.p);
        printf("%s\n", v.result.p);
        rc = mail(c, &v, r.ok);
        rc = rc ? rc : r.ok ? 0 : 1;
        ss_buf_free(&v.result);
        ss_buf_free(&v.command);
        ss_verify_result_free(&r);
    }
    ss_config_free(c);
    return rc;
}
