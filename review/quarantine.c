/* safesharectl quarantine: the DSL's queue. Dispatch, what the
 * subcommands share, and list. */
#include "audit/audit.h"
#include "base/buf.h"
#include "ctl.h"
#include "qctl.h"

#include <ctype.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const unsigned char *ss_qctl_key(const ss_config *c)
{
    return c->quarantine_key_len ? c->quarantine_key : NULL;
}

int ss_qctl_status(ss_qerr e)
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

const char *ss_qctl_reviewer(const char *given)
{
    if (given && *given)
        return given;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_name ? pw->pw_name : "unknown";
}

int ss_qctl_audit(const ss_config *c, const char *event, const char *ref,
                  const char *reviewer, const char *reason, const char *detail)
{
    char now[32], err[512];
    ss_audit_now(now);
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "{\"time\":\"%s\",\"source\":\"review\",\"event\":\"", now);
    ss_buf_json_str(&b, event);
    ss_buf_adds(&b, "\",\"reference\":\"");
    ss_buf_json_str(&b, ref);
    ss_buf_adds(&b, "\",\"reviewer\":\"");
    ss_buf_json_str(&b, reviewer);
    ss_buf_adds(&b, "\",\"reason\":\"");
    ss_buf_json_str(&b, reason ? reason : "");
    if (detail) {
        ss_buf_adds(&b, "\",\"detail\":\"");
        ss_buf_json_str(&b, detail);
    }
    ss_buf_adds(&b, "\"}");
    ss_audit *a = ss_audit_open(c->audit_log, err, sizeof err);
    int rc = a ? ss_audit_append(a, b.p, b.len) : -1;
    if (!a)
        fprintf(stderr, "safesharectl: %s\n", err);
    else if (rc != 0)
        fprintf(stderr, "safesharectl: %s: could not write the audit record\n", c->audit_log);
    ss_audit_close(a);
    ss_buf_free(&b);
    return rc;
}

long ss_qctl_age_arg(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s || n < 0 || n > 100000)
        return -1;
    if (*end == '\0' || !strcmp(end, "d"))
        return n * 86400;
    if (!strcmp(end, "h"))
        return n * 3600;
    return -1;
}

int ss_qctl_ref(const char *typed, char out[32])
{
    size_t n = strlen(typed);
    if (n >= 32) {
        fprintf(stderr, "safesharectl: %.40s...: not a reference\n", typed);
        return -1;
    }
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)toupper((unsigned char)typed[i]);
    if (!ss_quarantine_ref_ok(out)) {
        fprintf(stderr, "safesharectl: %s: not a reference (like SS-7KQ2-M9XD)\n", typed);
        return -1;
    }
    return 0;
}

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
    ss_qerr e = ss_quarantine_list(c->quarantine_dir, &f, ss_qctl_key(c), c->quarantine_key_len,
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
        "  release REF --reason TEXT [--reviewer NAME] [--resend]\n"
        "  refuse REF --reason TEXT [--reviewer NAME]\n"
        "  purge --older-than DAYS [--reviewer NAME]\n"
        "  remind --older-than HOURS [--deputy ADDR] [--dry-run]\n"
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
    ss_config *c = ss_ctl_config(conf);
    if (!c)
        return 2;
    int rc = fn ? fn(c, argc - 1, argv + 1) : ss_qctl_decide(c, release, argc - 1, argv + 1);
    ss_config_free(c);
    return rc;
}
