/* safesharectl quarantine: the DSL's queue. Dispatch and list; what the
 * subcommands share is in qctl.c. */
#include "base/buf.h"
#include "ctl.h"
#include "qctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- list ---- */

static void age(time_t then, time_t now, char *out, size_t n)
{
    long s = (long)(now - then);
    if (s < 0)
        s = 0;
    if (s < 3600)
        snprintf(out, n, "%ldm", s / 60);
    else if (s < 2 * 86400)
        snprintf(out, n, "%ldh", s / 3600);
    else
        snprintf(out, n, "%ldd", s / 86400);
}

static void iso_time(time_t t, char *out, size_t n)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct {
    int json;
    size_t n;
    time_t now;
} list_ctx;

static void json_kv(ss_buf *b, const char *k, const char *v, int comma)
{
    ss_buf_printf(b, "%s\"%s\": ", comma ? ", " : "", k);
    ss_buf_json_quoted(b, v);
}

static int list_one(const ss_qentry *e, void *arg)
{
    list_ctx *l = arg;
    char a[32], when[32];
    age(e->received, l->now, a, sizeof a);
    if (l->json) {
        ss_buf b = SS_BUF_INIT;
        iso_time(e->received, when, sizeof when);
        ss_buf_adds(&b, l->n ? ",\n  {" : "\n  {");
        json_kv(&b, "reference", e->reference, 0);
        json_kv(&b, "state", ss_qstate_name(e->state), 1);
        json_kv(&b, "received", when, 1);
        ss_buf_printf(&b, ", \"age_seconds\": %ld", (long)(l->now - e->received));
        json_kv(&b, "sender", e->sender, 1);
        ss_buf_adds(&b, ", \"insecure_recipients\": [");
        for (size_t i = 0; i < e->nrecipients; i++) {
            ss_buf_adds(&b, i ? ", \"" : "\"");
            ss_buf_json_str(&b, e->recipients[i]);
            ss_buf_addc(&b, '"');
        }
        ss_buf_addc(&b, ']');
        json_kv(&b, "found", e->summary, 1);
        ss_buf_addc(&b, '}');
        fputs(b.p, stdout);
        ss_buf_free(&b);
    } else {
        if (l->n == 0)
            printf("%-14s %-5s %-9s %-30s %-30s %s\n", "REFERENCE", "AGE", "STATE", "SENDER",
                   "INSECURE RECIPIENTS", "FOUND");
        ss_buf to = SS_BUF_INIT;
        for (size_t i = 0; i < e->nrecipients; i++)
            ss_buf_printf(&to, "%s%s", i ? "," : "", e->recipients[i]);
        printf("%-14s %-5s %-9s %-30s %-30s %s\n", e->reference, a, ss_qstate_name(e->state),
               e->sender[0] ? e->sender : "<>", to.p ? to.p : "-", e->summary ? e->summary : "");
        ss_buf_free(&to);
    }
    l->n++;
    return 0;
}

int ss_qctl_list(const ss_config *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' }, { "state", required_argument, NULL, 's' },
        { "sender", required_argument, NULL, 'f' }, { "older-than", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    ss_qfilter f = { .any_state = 0, .state = SS_QS_HELD };
    list_ctx l = { .now = time(NULL) };
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        long secs;
        switch (o) {
        case 'j': l.json = 1; break;
        case 's':
            if (!strcmp(optarg, "all"))
                f.any_state = 1;
            else if (ss_qstate_parse(optarg, &f.state) != 0) {
                fprintf(stderr, "safesharectl: --state: held, released, refused, delivered or all, not %s\n", optarg);
                return 2;
            }
            break;
        case 'f': f.sender = optarg; break;
        case 'o':
            if ((secs = ss_qctl_age_arg(optarg)) < 0) {
                fprintf(stderr, "safesharectl: --older-than: a number of days (or Nh), not %s\n", optarg);
                return 2;
            }
            f.received_before = l.now - secs;
            break;
        default: return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "usage: safesharectl quarantine list [--json] [--state STATE|all] [--sender ADDR] [--older-than DAYS]\n");
        return 2;
    }
    char err[512] = "";
    size_t unreadable = 0;
    if (l.json)
        fputs("[", stdout);
    ss_qerr e = ss_quarantine_list(c->quarantine_dir, &f, ss_held_key(c), c->quarantine_key_len,
                                   list_one, &l, &unreadable, err, sizeof err);
    if (l.json)
        fputs(l.n ? "\n]\n" : "]\n", stdout);
    else if (l.n == 0 && e == SS_Q_OK)
        printf("nothing %s in the quarantine\n", f.any_state ? "" : ss_qstate_name(f.state));
    if (e != SS_Q_OK) {
        fprintf(stderr, "safesharectl: %s%s\n", err[0] ? err : ss_qerr_message(e),
                unreadable ? " (some entries could not be read)" : "");
        return 2;
    }
    return 0;
}

/* ---- dispatch ---- */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: safesharectl [-c FILE] quarantine COMMAND ...\n"
        "  list [--json] [--state held|released|refused|delivered|all] [--sender ADDR] [--older-than DAYS]\n"
        "  show REF [--json]\n"
        "  release REF --reason TEXT [--note TEXT] [--reviewer NAME] [--resend]\n"
        "  refuse REF --reason TEXT [--note TEXT] [--reviewer NAME]\n"
        "  purge --older-than DAYS [--reviewer NAME]\n"
        "  remind [--older-than HOURS] [--deputy ADDR] [--dry-run]\n"
        "  template held|waiting|released|refused|reminder\n");
}

int ss_ctl_quarantine(const char *conf, int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *sub = argv[1];
    int (*fn)(const ss_config *, int, char **) = NULL;
    int release = -1;
    if (!strcmp(sub, "list"))
        fn = ss_qctl_list;
    else if (!strcmp(sub, "show"))
        fn = ss_qctl_show;
    else if (!strcmp(sub, "purge"))
        fn = ss_qctl_purge;
    else if (!strcmp(sub, "remind"))
        fn = ss_qctl_remind;
    else if (!strcmp(sub, "template"))
        return ss_qctl_template(argc - 1, argv + 1);
    else if (!strcmp(sub, "release"))
        release = 1;
    else if (!strcmp(sub, "refuse"))
        release = 0;
    else {
        fprintf(stderr, "safesharectl: quarantine: unknown command %s\n", sub);
        usage(stderr);
        return 2;
    }
    ss_config *c = ss_ctl_config_service(conf);
    if (!c)
        return 2;
    int rc = fn ? fn(c, argc - 1, argv + 1) : ss_qctl_decide(c, release, argc - 1, argv + 1);
    ss_config_free(c);
    return rc;
}
