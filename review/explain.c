/* safesharectl explain: the milter's decision on a file, with no MTA. */
#include "base/buf.h"
#include "ctl.h"
#include "certs/token.h"
#include "engine/eom.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int valid_date(const char *s)
{
    int y, m, d;
    char tail;
    return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3
        && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int read_file(const char *path, ss_buf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ss_buf_add(b, chunk, n);
    int bad = ferror(f);
    if (f != stdin)
        fclose(f);
    return bad ? -1 : 0;
}

static void print_json(const ss_result *r)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, "{\"action\": ");
    ss_buf_json_or_null(&b, ss_action_name(r->v.action));
    ss_buf_adds(&b, ", \"reference\": ");
    ss_buf_json_or_null(&b, r->v.reference);
    ss_buf_adds(&b, ", \"rule\": ");
    ss_buf_json_or_null(&b, r->v.rule);
    ss_buf_adds(&b, ", \"purpose\": ");
    ss_buf_json_or_null(&b, r->purpose);
    ss_buf_adds(&b, ", \"findings\": [");
    for (size_t i = 0; i < r->f.n; i++) {
        const ss_finding *g = &r->f.v[i];
        ss_buf_adds(&b, i ? ", {\"type\": " : "{\"type\": ");
        ss_buf_json_or_null(&b, ss_type_name(g->type));
        ss_buf_adds(&b, ", \"confidence\": ");
        ss_buf_json_or_null(&b, ss_conf_name(g->confidence));
        ss_buf_adds(&b, ", \"location\": ");
        ss_buf_json_or_null(&b, g->seg < r->x.nsegs ? r->x.segs[g->seg].location : NULL);
        ss_buf_adds(&b, ", \"redacted\": ");
        ss_buf_json_or_null(&b, g->redacted);
        ss_buf_addc(&b, '}');
    }
    ss_buf_adds(&b, "], \"parties\": [");
    for (size_t i = 0; i < r->nparties; i++) {
        const ss_party *p = &r->parties[i];
        ss_buf_adds(&b, i ? ", {\"address\": " : "{\"address\": ");
        ss_buf_json_or_null(&b, p->address);
        ss_buf_printf(&b, ", \"role\": \"%s\", \"secure\": %s, \"entry\": ",
                      p->is_sender ? "sender" : "recipient", p->m.secure ? "true" : "false");
        ss_buf_json_or_null(&b, p->m.entry[0] ? p->m.entry : NULL);
        ss_buf_adds(&b, ", \"why\": ");
        ss_buf_json_or_null(&b, p->m.why);
        ss_buf_addc(&b, '}');
    }
    ss_buf_adds(&b, "], \"unscanned\": [");
    for (size_t i = 0; i < r->x.nskipped; i++) {
        ss_buf_adds(&b, i ? ", {\"location\": " : "{\"location\": ");
        ss_buf_json_or_null(&b, r->x.skipped[i].location);
        ss_buf_adds(&b, ", \"why\": ");
        ss_buf_json_or_null(&b, r->x.skipped[i].why);
        ss_buf_addc(&b, '}');
    }
    ss_buf_adds(&b, "], \"reasons\": [");
    for (size_t i = 0; i < r->v.nreasons; i++) {
        if (i)
            ss_buf_adds(&b, ", ");
        ss_buf_json_or_null(&b, r->v.reasons[i]);
    }
    ss_buf_adds(&b, "], \"reply\": [");
    for (size_t i = 0; i < r->reply.n; i++) {
        if (i)
            ss_buf_adds(&b, ", ");
        ss_buf_json_or_null(&b, r->reply.lines[i]);
    }
    ss_buf_adds(&b, "]}\n");
    fputs(b.p, stdout);
    ss_buf_free(&b);
}

static void print_text(const ss_result *r)
{
    printf("decision:  %s (%s)\nreference: %s\n", ss_action_name(r->v.action), r->v.rule,
           r->v.reference);
    if (r->purpose)
        printf("purpose:   %s\n", r->purpose);
    for (size_t i = 0; i < r->nparties; i++) {
        const ss_party *p = &r->parties[i];
        printf("%-10s %s: %s\n", p->is_sender ? "sender:" : "recipient:", p->address, p->m.why);
    }
    for (size_t i = 0; i < r->f.n; i++) {
        const ss_finding *g = &r->f.v[i];
        printf("found:     %s, %s confidence, in %s (%s)\n", ss_type_phrase(g->type),
               ss_conf_name(g->confidence),
               g->seg < r->x.nsegs ? r->x.segs[g->seg].location : "?", g->redacted);
    }
    for (size_t i = 0; i < r->x.nskipped; i++)
        printf("unscanned: %s: %s\n", r->x.skipped[i].location, r->x.skipped[i].why);
    if (r->reply.n) {
        const char *rc = ss_reply_rcode(r->v.action), *xc = ss_reply_xcode(r->v.action);
        printf("the sender would see:\n");
        for (size_t i = 0; i < r->reply.n; i++)
            printf("  %s%c%s %s\n", rc, i + 1 < r->reply.n ? '-' : ' ', xc, r->reply.lines[i]);
    }
}

/* The milter's own end-of-message call, without its side effects: a
 * release token the file carries is checked, not used; nothing is held,
 * recorded or sent. */
static void explain(const ss_config *c, const ss_register *reg, const ss_buf *msg,
                    const char *from, const char **to, size_t nto, const char *date,
                    int json)
{
    ss_state st = { .refs = 1, .cfg = (ss_config *)c, .reg = (ss_register *)reg };
    const char *m = msg->p ? msg->p : "";
    int oversize = msg->len > c->max_message_size;
    char **tokens = NULL;
    size_t ntokens = ss_header_values(m, msg->len, SS_TOKEN_HEADER, SS_TOKEN_MAX_HEADERS,
                                      &tokens);
    ss_eom_in in = {
        .txn = { .sender = from, .rcpts = to, .nrcpts = nto, .today = date,
                 .source = "explain", .oversize = oversize },
        .msg = { .mem = m, .len = msg->len, .fd = -1, .complete = !oversize },
        .tokens = tokens, .ntokens = ntokens, .dry_run = 1,
    };
    ss_eom_out o;
    ss_eom_run(&st, &in, &o);
    if (json)
        print_json(&o.r);
    else
        print_text(&o.r);
    ss_eom_free(&o);
    for (size_t i = 0; i < ntokens; i++)
        free(tokens[i]);
    free(tokens);
}

int ss_ctl_explain(const char *conf, int argc, char **argv)
{
    static const struct option opts[] = {
        { "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 't' },
        { "json", no_argument, NULL, 'j' }, { "date", required_argument, NULL, 'd' },
        { "config", required_argument, NULL, 'c' }, { NULL, 0, NULL, 0 },
    };
    const char *from = NULL, *date = NULL;
    const char **to = NULL;
    size_t nto = 0;
    int json = 0, o, rc = 2;
    optind = 1;
    while ((o = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
        switch (o) {
        case 'f': from = optarg; break;
        case 't': to = ss_xrealloc(to, (nto + 1) * sizeof *to); to[nto++] = optarg; break;
        case 'j': json = 1; break;
        case 'd': date = optarg; break;
        case 'c': conf = optarg; break;
        default: goto out;
        }
    }
    if (optind + 1 != argc || !from || !nto) {
        fprintf(stderr, "usage: safesharectl explain FILE.eml --from ADDR --to ADDR [--to ADDR ...] [-c FILE] [--json] [--date YYYY-MM-DD]\n");
        goto out;
    }
    if (date && !valid_date(date)) {
        fprintf(stderr, "safesharectl: --date: expected YYYY-MM-DD, not %s\n", date);
        goto out;
    }
    ss_config *c = ss_ctl_config(conf);
    if (!c)
        goto out;
    char err[1024];
    ss_register *reg = NULL;
    ss_buf msg = SS_BUF_INIT;
    if (ss_register_load(c->register_path, &reg, err, sizeof err) != 0) {
        fprintf(stderr, "safesharectl: %s\n", err);
    } else if (read_file(argv[optind], &msg) != 0) {
        fprintf(stderr, "safesharectl: cannot read %s\n", argv[optind]);
    } else {
        explain(c, reg, &msg, from, to, nto, date, json);
        rc = 0;
    }
    ss_buf_free(&msg);
    ss_register_free(reg);
    ss_config_free(c);
out:
    free(to);
    return rc;
}
