/* safesharectl quarantine remind | template: the DSL's reminder of mail
 * that has waited too long (run by a timer, contrib/safeshare-remind.*),
 * and the built-in notice texts a site starts its own from. */
#include "base/buf.h"
#include "held/queue.h"
#include "notify/notify.h"
#include "qctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ss_buf list;
    size_t n;
    time_t now;
} remind_ctx;

/* One block per held message: reference and age, then who and what. */
static int add_entry(const ss_qentry *e, void *arg)
{
    remind_ctx *r = arg;
    ss_buf *b = &r->list;
    if (r->n++)
        ss_buf_addc(b, '\n');
    ss_buf_printf(b, "  %s  waiting ", e->reference);
    ss_held_waited((long)(r->now - e->received), b);
    /* Two spaces after each label: a long value wraps under the value. */
    ss_buf_printf(b, "\n      from:   %s\n      to:     ", e->sender[0] ? e->sender : "<>");
    for (size_t i = 0; i < e->nrecipients; i++)
        ss_buf_printf(b, "%s%s", i ? ", " : "", e->recipients[i]);
    ss_buf_printf(b, "\n      found:  %s", e->summary ? e->summary : "");
    return 0;
}

/* HOURS or HOURSh; -1 when not a number of hours. */
static long hours_arg(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s || n < 0 || n > 100000 || (*end && strcmp(end, "h")))
        return -1;
    return n;
}

static int remind_usage(void)
{
    fprintf(stderr, "usage: safesharectl quarantine remind [--older-than HOURS] "
            "[--deputy ADDR] [--dry-run]\n"
            "  (HOURS defaults to RemindAfter)\n");
    return 2;
}

int ss_qctl_remind(const ss_config *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "older-than", required_argument, NULL, 'o' }, { "deputy", required_argument, NULL, 'd' },
        { "dry-run", no_argument, NULL, 'n' }, { NULL, 0, NULL, 0 },
    };
    long hours = -2;   /* not given: RemindAfter */
    const char *deputy = NULL;
    int dry = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'o': hours = hours_arg(optarg); break;
        case 'd': deputy = optarg; break;
        case 'n': dry = 1; break;
        default: return 2;
        }
    }
    if (hours == -2)
        hours = (long)(c->remind_after / 3600);
    if (optind != argc || hours < 0)
        return remind_usage();
    if (deputy && !ss_notify_address_ok(deputy)) {
        fprintf(stderr, "safesharectl: --deputy: not a plain address: %s\n", deputy);
        return 2;
    }
    char err[1024] = "";
    ss_notify_templates *t = ss_notify_load(c, err, sizeof err);
    if (!t) {
        fprintf(stderr, "safesharectl: %s\n", err);
        return 2;
    }
    const char *to[2];
    ss_note n = { .hours = hours };
    size_t nto = ss_notify_recipients(c, SS_NOTE_REMINDER, &n, deputy, to);
    if (nto == 0 && !dry) {
        fprintf(stderr, "safesharectl: %s: a reminder needs NotifyFrom, and DSLAddress or "
                "DSLDeputyAddress (or --deputy)\n", c->path);
        ss_notify_free(t);
        return 2;
    }
    remind_ctx r = { .now = time(NULL) };
    ss_qfilter f = { .state = SS_QS_HELD, .received_before = r.now - hours * 3600 };
    size_t unreadable = 0;
    ss_qerr q = ss_quarantine_list(c->quarantine_dir, &f, ss_held_key(c), c->quarantine_key_len,
                                   add_entry, &r, &unreadable, err, sizeof err);
    int rc = q == SS_Q_OK ? 0 : 2;
    if (q != SS_Q_OK)
        fprintf(stderr, "safesharectl: %s%s\n", err[0] ? err : ss_qerr_message(q),
                unreadable ? " (the reminder lists only the entries that could be read)" : "");
    if (r.n == 0) {
        printf("nothing held longer than %ld hour%s; no reminder sent\n", hours,
               hours == 1 ? "" : "s");
    } else {
        n.list = r.list.p;
        n.count = r.n;
        if (dry) {
            ss_buf msg = SS_BUF_INIT;
            ss_notify_render(c, t, SS_NOTE_REMINDER, &n, to, nto, &msg);
            fwrite(msg.p, 1, msg.len, stdout);
            ss_buf_free(&msg);
        } else if (ss_notify_send(c, t, SS_NOTE_REMINDER, &n, deputy, err, sizeof err) != 0) {
            fprintf(stderr, "safesharectl: the reminder of %zu held message%s could not be "
                    "sent: %s\n", r.n, r.n == 1 ? "" : "s", err);
            rc = rc ? rc : 1;
        } else {
            printf("reminded %s%s%s of %zu message%s held longer than %ld hour%s\n", to[0],
                   nto > 1 ? " and " : "", nto > 1 ? to[1] : "", r.n, r.n == 1 ? "" : "s",
                   hours, hours == 1 ? "" : "s");
        }
    }
    ss_buf_free(&r.list);
    ss_notify_free(t);
    return rc;
}

int ss_qctl_template(int argc, char **argv)
{
    ss_note_kind k;
    if (argc != 2 || ss_note_parse(argv[1], &k) != 0) {
        fprintf(stderr, "usage: safesharectl quarantine template "
                "held|waiting|released|refused|reminder\n"
                "  (prints the built-in text, to start NotifyTemplateDir/KIND.txt from)\n");
        return 2;
    }
    fputs(ss_notify_default(k), stdout);
    return 0;
}
