/* safesharectl quarantine release | refuse | purge: the DSL's decisions,
 * made by policy/held (the same calls safeshare-review makes), with who
 * and why in the store's history and on the audit trail. */
#include "base/buf.h"
#include "held/act.h"
#include "held/record.h"
#include "qctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a decision did, in the words the command has always printed. */
static int report(const ss_config *c, const char *ref, int release, const ss_held_who *who,
                  const ss_held_result *r, int rc)
{
    if (rc != 0) {
        fprintf(stderr, "safesharectl: %s\n", r->err);
        if (release && r->decided && !r->resent)
            fprintf(stderr, "  try again with: safesharectl quarantine release %s --resend\n",
                    ref);
        return rc;
    }
    if (r->warn[0])
        fprintf(stderr, "safesharectl: %s\n", r->warn);
    if (!release)
        printf("%s refused by %s; it will not be delivered\n", ref, who->reviewer);
    else
        printf("%s released by %s and re-sent to %s\n", ref, who->reviewer,
               c->release_submit_url);
    if (r->told == 0)
        printf("%s: %s was told, with the reason\n", ref, r->sender);
    else if (r->told > 0 && !c->notify_from)
        printf("%s: the sender was not told (NotifyFrom is not set)\n", ref);
    return 0;
}

int ss_qctl_decide(const ss_config *c, int release, int argc, char **argv)
{
    static const struct option opts[] = {
        { "reason", required_argument, NULL, 'r' }, { "reviewer", required_argument, NULL, 'w' },
        { "note", required_argument, NULL, 'n' }, { "resend", no_argument, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    const char *reason = NULL, *given = NULL, *note = NULL, *cmd = release ? "release" : "refuse";
    int again = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'r': reason = optarg; break;
        case 'w': given = optarg; break;
        case 'n': note = optarg; break;
        case 's': again = release; break;
        default: return 2;
        }
    }
    if (optind + 1 != argc || (!again && (!reason || !*reason))) {
        fprintf(stderr, "usage: safesharectl quarantine %s REF --reason TEXT [--note TEXT] "
                "[--reviewer NAME]%s\n"
                "  (a reason is required: it is kept with the decision)\n",
                cmd, release ? " [--resend]" : "");
        return 2;
    }
    char ref[32];
    if (ss_qctl_ref(argv[optind], ref) != 0)
        return 1;
    ss_held_who who;
    ss_qctl_who(given, &who);
    ss_held_result r;
    int rc = again ? ss_held_resend(c, NULL, ref, &who, &r)
           : release ? ss_held_release(c, NULL, ref, &who, reason, note, &r)
                     : ss_held_refuse(c, NULL, ref, &who, reason, note, &r);
    return report(c, ref, release, &who, &r, rc);
}

typedef struct {
    const ss_config *c;
    const ss_held_who *who;
    const char *reason;
} purge_ctx;

static int purged(const ss_qentry *e, void *arg)
{
    purge_ctx *p = arg;
    char err[512];
    ss_audit_event ev = { .event = "purge", .reference = e->reference, .reason = p->reason,
                          .detail = ss_qstate_name(e->state) };
    if (ss_held_record(p->c, NULL, p->who, ev, err, sizeof err) != 0)
        fprintf(stderr, "safesharectl: %s\n", err);
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
    const char *given = NULL;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'o': secs = ss_qctl_age_arg(optarg); break;
        case 'w': given = optarg; break;
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
    ss_held_who who;
    ss_qctl_who(given, &who);
    purge_ctx p = { c, &who, reason };
    size_t removed = 0, fixed = 0;
    ss_qerr q = ss_quarantine_purge(c->quarantine_dir, time(NULL) - secs, 0, ss_held_key(c),
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
