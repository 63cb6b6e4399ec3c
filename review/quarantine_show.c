/* safesharectl quarantine show: a held message as the DSL needs to read
 * it (policy/held/view.h, the same view the review page shows), without
 * ever printing an identifier: every part's text with each identifier's
 * span replaced by its kind ("[NHS number]"), the headers that matter,
 * the attachments, each recipient as the register sees it, the history.
 * Showing it is a look at child data, recorded on the audit trail. */
#include "base/buf.h"
#include "ctl.h"
#include "held/view.h"
#include "qctl.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_list_open(ss_buf *b, const char *name)
{
    ss_buf_printf(b, "], \"%s\": [", name);
}

static void print_json(const ss_held_view *v)
{
    const ss_qentry *e = &v->e;
    ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, "{\"reference\": ");
    ss_buf_json_quoted(&b, e->reference);
    ss_buf_adds(&b, ", \"state\": ");
    ss_buf_json_quoted(&b, ss_qstate_name(e->state));
    ss_buf_printf(&b, ", \"received\": %lld, \"sender\": ", (long long)e->received);
    ss_buf_json_quoted(&b, e->sender);
    ss_buf_adds(&b, ", \"recipients\": [");
    for (size_t i = 0; i < v->nrcpts; i++) {
        ss_buf_adds(&b, i ? ", " : "");
        ss_buf_json_quoted(&b, v->rcpts[i].address);
    }
    json_list_open(&b, "insecure_recipients");
    for (size_t i = 0; i < e->nrecipients; i++) {
        ss_buf_adds(&b, i ? ", " : "");
        ss_buf_json_quoted(&b, e->recipients[i]);
    }
    ss_buf_adds(&b, "], \"register\": [");
    for (size_t i = 0; i < v->nrcpts; i++) {
        ss_buf_adds(&b, i ? ", {\"address\": " : "{\"address\": ");
        ss_buf_json_quoted(&b, v->rcpts[i].address);
        ss_buf_printf(&b, ", \"secure\": %s, \"why\": ", v->rcpts[i].m.secure ? "true" : "false");
        ss_buf_json_quoted(&b, v->rcpts[i].m.why);
        ss_buf_adds(&b, ", \"alternative\": ");
        ss_buf_json_or_null(&b, v->rcpts[i].m.alt[0] ? v->rcpts[i].m.alt : NULL);
        ss_buf_addc(&b, '}');
    }
    ss_buf_adds(&b, "], \"found\": ");
    ss_buf_json_quoted(&b, e->summary);
    ss_buf_adds(&b, ", \"purpose\": ");
    ss_buf_json_or_null(&b, e->purpose);
    ss_buf_adds(&b, ", \"urgency\": ");
    ss_buf_json_or_null(&b, e->urgency);
    ss_buf_adds(&b, ", \"headers\": {");
    for (size_t i = 0; i < v->nheaders; i++) {
        ss_buf_adds(&b, i ? ", " : "");
        ss_buf_json_quoted(&b, v->headers[i].name);
        ss_buf_adds(&b, ": ");
        ss_buf_json_quoted(&b, v->headers[i].value);
    }
    ss_buf_adds(&b, "}, \"parts\": [");
    for (size_t i = 0; i < v->nparts; i++) {
        ss_buf_adds(&b, i ? ", {\"location\": " : "{\"location\": ");
        ss_buf_json_quoted(&b, v->parts[i].location);
        ss_buf_adds(&b, ", \"text\": ");
        ss_buf_json_quoted(&b, v->parts[i].text);
        ss_buf_addc(&b, '}');
    }
    json_list_open(&b, "attachments");
    for (size_t i = 0; i < v->nattach; i++) {
        const ss_held_attach *a = &v->attach[i];
        ss_buf_adds(&b, i ? ", {\"name\": " : "{\"name\": ");
        ss_buf_json_quoted(&b, a->name);
        ss_buf_adds(&b, ", \"type\": ");
        ss_buf_json_quoted(&b, a->type);
        if (a->size != SIZE_MAX)
            ss_buf_printf(&b, ", \"size\": %zu", a->size);
        ss_buf_adds(&b, ", \"found\": ");
        ss_buf_json_quoted(&b, a->found);
        ss_buf_addc(&b, '}');
    }
    json_list_open(&b, "findings");
    for (size_t i = 0; i < v->nfound; i++) {
        const ss_held_finding *g = &v->found[i];
        ss_buf_adds(&b, i ? ", {\"type\": " : "{\"type\": ");
        ss_buf_json_quoted(&b, ss_type_name(g->type));
        ss_buf_adds(&b, ", \"confidence\": ");
        ss_buf_json_quoted(&b, ss_conf_name(g->confidence));
        ss_buf_adds(&b, ", \"location\": ");
        ss_buf_json_quoted(&b, g->location);
        ss_buf_adds(&b, ", \"redacted\": ");
        ss_buf_json_quoted(&b, g->redacted);
        ss_buf_addc(&b, '}');
    }
    json_list_open(&b, "unscanned");
    for (size_t i = 0; i < v->nunread; i++) {
        ss_buf_adds(&b, i ? ", {\"location\": " : "{\"location\": ");
        ss_buf_json_quoted(&b, v->unread[i].location);
        ss_buf_adds(&b, ", \"why\": ");
        ss_buf_json_quoted(&b, v->unread[i].why);
        ss_buf_addc(&b, '}');
    }
    json_list_open(&b, "history");
    for (size_t i = 0; i < e->nhistory; i++) {
        ss_buf_printf(&b, "%s{\"state\": \"%s\", \"time\": %lld, \"by\": ", i ? ", " : "",
                      ss_qstate_name(e->history[i].state), (long long)e->history[i].time);
        ss_buf_json_quoted(&b, e->history[i].by);
        ss_buf_adds(&b, ", \"reason\": ");
        ss_buf_json_quoted(&b, e->history[i].reason);
        ss_buf_addc(&b, '}');
    }
    ss_buf_adds(&b, "]}\n");
    fputs(b.p, stdout);
    ss_buf_free(&b);
}

static void print_people(const ss_held_view *v)
{
    const ss_qentry *e = &v->e;
    char when[64];
    struct tm tm;
    localtime_r(&e->received, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M %Z", &tm);
    printf("reference: %s\nstate:     %s\nheld:      %s\nsender:    %s\n", e->reference,
           ss_qstate_name(e->state), when, e->sender[0] ? e->sender : "<>");
    for (size_t i = 0; i < v->nrcpts; i++) {
        const ss_held_rcpt *r = &v->rcpts[i];
        printf("recipient: %s%s  [%s%s%s]\n", r->address, r->insecure ? "  (not secure)" : "",
               r->m.why, r->m.alt[0] ? "; its secure address: " : "", r->m.alt);
    }
    printf("found:     %s\n", e->summary ? e->summary : "");
    if (e->purpose)
        printf("sender says (%s): %s\n", e->urgency ? e->urgency : "", e->purpose);
    for (size_t i = 1; i < e->nhistory; i++) {
        localtime_r(&e->history[i].time, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        printf("%-10s %s by %s: %s\n", ss_qstate_name(e->history[i].state), when,
               e->history[i].by ? e->history[i].by : "?",
               e->history[i].reason ? e->history[i].reason : "");
    }
}

static void print_text(const ss_held_view *v)
{
    print_people(v);
    printf("\n");
    for (size_t i = 0; i < v->nheaders; i++)
        if (strcmp(v->headers[i].name, "Subject"))
            printf("%s: %s\n", v->headers[i].name, v->headers[i].value);
    for (size_t i = 0; i < v->nfound; i++)
        printf("finding:   %s, %s confidence, in %s (%s)\n", ss_type_phrase(v->found[i].type),
               ss_conf_name(v->found[i].confidence), v->found[i].location,
               v->found[i].redacted);
    for (size_t i = 0; i < v->nunread; i++)
        printf("attachment/part not read: %s: %s\n", v->unread[i].location, v->unread[i].why);
    for (size_t i = 0; i < v->nattach; i++) {
        char size[32] = "size unknown";
        if (v->attach[i].size != SIZE_MAX)
            snprintf(size, sizeof size, "%zu bytes", v->attach[i].size);
        printf("attached:  %s (%s, %s)%s%s\n", v->attach[i].name, v->attach[i].type, size,
               v->attach[i].found[0] ? ": " : "", v->attach[i].found);
    }
    for (size_t i = 0; i < v->nparts; i++)
        printf("\n--- %s ---\n%s\n", v->parts[i].location, v->parts[i].text);
}

int ss_qctl_show(const ss_config *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' }, { NULL, 0, NULL, 0 },
    };
    int json = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o != 'j')
            return 2;
        json = 1;
    }
    char ref[32], err[1024] = "";
    if (optind + 1 != argc) {
        fprintf(stderr, "usage: safesharectl quarantine show REF [--json]\n");
        return 2;
    }
    if (ss_qctl_ref(argv[optind], ref) != 0)
        return 1;
    ss_register *reg = NULL;
    if (ss_register_load(c->register_path, &reg, err, sizeof err) != 0) {
        /* Without it every recipient reads as not on the register. */
        fprintf(stderr, "safesharectl: %s\n", err);
        reg = NULL;
    }
    ss_held_who who;
    ss_qctl_who(NULL, &who);
    ss_held_view v;
    ss_qerr q = ss_held_view_open(c, reg, NULL, ref, &who, &v, err, sizeof err);
    ss_register_free(reg);
    if (q != SS_Q_OK) {
        fprintf(stderr, "safesharectl: %s\n", err[0] ? err : ss_qerr_message(q));
        return ss_held_status(q);
    }
    if (v.problem[0])
        fprintf(stderr, "safesharectl: %s: %s\n", ref, v.problem);
    if (json)
        print_json(&v);
    else
        print_text(&v);
    ss_held_view_free(&v);
    return 0;
}
