/* safesharectl quarantine show: a held message as the DSL needs to read
 * it, without ever printing an identifier: every part's text as the engine
 * extracts it, with each identifier's span replaced by its kind
 * ("[NHS number]"), the headers that matter (the subject masked the same
 * way), and the attachments. */
#include "base/buf.h"
#include "detect/detect.h"
#include "extract/extract.h"
#include "engine/engine.h"
#include "qctl.h"
#include "quarantine/qmeta.h"
#include "base/types.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "an NHS number" -> "NHS number" */
static const char *label(ss_type t)
{
    const char *p = ss_type_phrase(t);
    if (!strncmp(p, "an ", 3))
        return p + 3;
    if (!strncmp(p, "a ", 2))
        return p + 2;
    return p;
}

static int by_offset(const void *a, const void *b)
{
    const ss_finding *x = *(const ss_finding *const *)a, *y = *(const ss_finding *const *)b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* Segment text with every identifier finding's span replaced. Context
 * phrases and markings are not identifiers and stay readable. */
static void masked(const ss_extract *x, const ss_findings *f, size_t seg, ss_buf *out)
{
    const ss_segment *s = &x->segs[seg];
    const ss_finding **v = ss_xcalloc(f->n + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].seg == seg && ss_type_is_identifier(f->v[i].type))
            v[n++] = &f->v[i];
    qsort(v, n, sizeof *v, by_offset);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t end = v[i]->off + v[i]->len;
        if (end > s->len)
            end = s->len;
        if (v[i]->off >= at) {
            ss_buf_add(out, s->text + at, v[i]->off - at);
            ss_buf_printf(out, "[%s]", label(v[i]->type));
        }
        if (end > at)
            at = end;
    }
    ss_buf_add(out, s->text + at, s->len - at);
    ss_buf_addc(out, '\0');
    out->len--;
    free(v);
}

/* The value of a header in the raw message (unfolded, first only), for
 * headers that carry addresses and dates, never the subject. */
static char *header(const char *msg, size_t len, const char *name)
{
    size_t nl = strlen(name);
    const char *p = msg, *end = msg + len;
    while (p < end && *p != '\r' && *p != '\n') {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        if ((size_t)(end - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
            ss_buf b = SS_BUF_INIT;
            const char *v = p + nl + 1;
            for (;;) {
                const char *e2 = memchr(v, '\n', (size_t)(end - v));
                const char *stop = e2 ? e2 : end;
                while (v < stop && (*v == ' ' || *v == '\t'))
                    v++;
                size_t k = (size_t)(stop - v);
                if (k && v[k - 1] == '\r')
                    k--;
                if (b.len)
                    ss_buf_addc(&b, ' ');
                ss_buf_add(&b, v, k);
                if (!e2 || e2 + 1 >= end || (e2[1] != ' ' && e2[1] != '\t'))
                    break;
                v = e2 + 1;
            }
            return ss_buf_steal(&b);
        }
        p = next;
    }
    return NULL;
}

static const char *const shown_headers[] = { "From", "To", "Cc", "Date", "Message-ID", NULL };

static void print_json(const ss_qentry *e, const ss_qenvelope *env, const ss_buf *msg,
                       const ss_extract *x, const ss_findings *f)
{
    ss_buf b = SS_BUF_INIT, t = SS_BUF_INIT;
    ss_buf_adds(&b, "{\"reference\": ");
    ss_buf_json_quoted(&b, e->reference);
    ss_buf_adds(&b, ", \"state\": ");
    ss_buf_json_quoted(&b, ss_qstate_name(e->state));
    ss_buf_printf(&b, ", \"received\": %lld, \"sender\": ", (long long)e->received);
    ss_buf_json_quoted(&b, e->sender);
    ss_buf_adds(&b, ", \"recipients\": [");
    for (size_t i = 0; i < env->nto; i++) {
        if (i)
            ss_buf_adds(&b, ", ");
        ss_buf_json_quoted(&b, env->to[i]);
    }
    ss_buf_adds(&b, "], \"insecure_recipients\": [");
    for (size_t i = 0; i < e->nrecipients; i++) {
        if (i)
            ss_buf_adds(&b, ", ");
        ss_buf_json_quoted(&b, e->recipients[i]);
    }
    ss_buf_adds(&b, "], \"found\": ");
    ss_buf_json_quoted(&b, e->summary);
    ss_buf_adds(&b, ", \"headers\": {");
    int first = 1;
    for (const char *const *h = shown_headers; *h; h++) {
        char *v = header(msg->p, msg->len, *h);
        if (!v)
            continue;
        ss_buf_adds(&b, first ? "" : ", ");
        ss_buf_json_quoted(&b, *h);
        ss_buf_adds(&b, ": ");
        ss_buf_json_quoted(&b, v);
        free(v);
        first = 0;
    }
    ss_buf_adds(&b, "}, \"parts\": [");
    for (size_t i = 0; i < x->nsegs; i++) {
        ss_buf_reset(&t);
        masked(x, f, i, &t);
        ss_buf_adds(&b, i ? ", {\"location\": " : "{\"location\": ");
        ss_buf_json_quoted(&b, x->segs[i].location);
        ss_buf_adds(&b, ", \"text\": ");
        ss_buf_json_quoted(&b, t.p);
        ss_buf_addc(&b, '}');
    }
    ss_buf_adds(&b, "], \"findings\": [");
    for (size_t i = 0; i < f->n; i++) {
        const ss_finding *g = &f->v[i];
        ss_buf_adds(&b, i ? ", {\"type\": " : "{\"type\": ");
        ss_buf_json_quoted(&b, ss_type_name(g->type));
        ss_buf_adds(&b, ", \"confidence\": ");
        ss_buf_json_quoted(&b, ss_conf_name(g->confidence));
        ss_buf_adds(&b, ", \"location\": ");
        ss_buf_json_quoted(&b, g->seg < x->nsegs ? x->segs[g->seg].location : "");
        ss_buf_adds(&b, ", \"redacted\": ");
        ss_buf_json_quoted(&b, g->redacted);
        ss_buf_addc(&b, '}');
    }
    ss_buf_adds(&b, "], \"unscanned\": [");
    for (size_t i = 0; i < x->nskipped; i++) {
        ss_buf_adds(&b, i ? ", {\"location\": " : "{\"location\": ");
        ss_buf_json_quoted(&b, x->skipped[i].location);
        ss_buf_adds(&b, ", \"why\": ");
        ss_buf_json_quoted(&b, x->skipped[i].why);
        ss_buf_addc(&b, '}');
    }
    ss_buf_adds(&b, "], \"history\": [");
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
    ss_buf_free(&t);
}

static void print_text(const ss_qentry *e, const ss_qenvelope *env, const ss_buf *msg,
                       const ss_extract *x, const ss_findings *f)
{
    char when[64];
    struct tm tm;
    localtime_r(&e->received, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M %Z", &tm);
    printf("reference: %s\nstate:     %s\nheld:      %s\nsender:    %s\n", e->reference,
           ss_qstate_name(e->state), when, e->sender[0] ? e->sender : "<>");
    for (size_t i = 0; i < env->nto; i++) {
        int insecure = 0;
        for (size_t j = 0; j < e->nrecipients; j++)
            insecure |= !strcasecmp(env->to[i], e->recipients[j]);
        printf("recipient: %s%s\n", env->to[i], insecure ? "  (not secure)" : "");
    }
    printf("found:     %s\n", e->summary ? e->summary : "");
    for (size_t i = 1; i < e->nhistory; i++) {
        localtime_r(&e->history[i].time, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        printf("%-10s %s by %s: %s\n", ss_qstate_name(e->history[i].state), when,
               e->history[i].by ? e->history[i].by : "?",
               e->history[i].reason ? e->history[i].reason : "");
    }
    printf("\n");
    for (const char *const *h = shown_headers; *h; h++) {
        char *v = header(msg->p, msg->len, *h);
        if (v)
            printf("%s: %s\n", *h, v);
        free(v);
    }
    for (size_t i = 0; i < f->n; i++)
        printf("finding:   %s, %s confidence, in %s (%s)\n", ss_type_phrase(f->v[i].type),
               ss_conf_name(f->v[i].confidence),
               f->v[i].seg < x->nsegs ? x->segs[f->v[i].seg].location : "?", f->v[i].redacted);
    for (size_t i = 0; i < x->nskipped; i++)
        printf("attachment/part not read: %s: %s\n", x->skipped[i].location, x->skipped[i].why);
    ss_buf t = SS_BUF_INIT;
    for (size_t i = 0; i < x->nsegs; i++) {
        ss_buf_reset(&t);
        masked(x, f, i, &t);
        printf("\n--- %s ---\n%s\n", x->segs[i].location, t.p ? t.p : "");
    }
    ss_buf_free(&t);
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
    char ref[32], err[512] = "";
    if (optind + 1 != argc) {
        fprintf(stderr, "usage: safesharectl quarantine show REF [--json]\n");
        return 2;
    }
    if (ss_qctl_ref(argv[optind], ref) != 0)
        return 1;
    ss_qentry e;
    ss_buf msg = SS_BUF_INIT;
    ss_qerr q = ss_quarantine_get(c->quarantine_dir, ref, ss_qctl_key(c), c->quarantine_key_len,
                                  &e, &msg, err, sizeof err);
    if (q != SS_Q_OK) {
        fprintf(stderr, "safesharectl: %s\n", err[0] ? err : ss_qerr_message(q));
        ss_buf_free(&msg);
        return ss_qctl_status(q);
    }
    ss_qenvelope env;
    if (ss_qmeta_envelope(e.meta_json, &env) != 0)
        memset(&env, 0, sizeof env);
    ss_text_init();
    ss_extract_limits l;
    ss_engine_limits(c, &l);
    ss_extract x;
    ss_findings f;
    memset(&x, 0, sizeof x);
    memset(&f, 0, sizeof f);
    if (ss_extract_mem(msg.p ? msg.p : "", msg.len, &l, &x, err, sizeof err) != 0)
        fprintf(stderr, "safesharectl: %s: the message could not be read: %s\n", ref, err);
    ss_engine_detect(c, NULL, &x, &f);
    if (json)
        print_json(&e, &env, &msg, &x, &f);
    else
        print_text(&e, &env, &msg, &x, &f);
    ss_findings_free(&f);
    ss_extract_free(&x);
    ss_qmeta_envelope_free(&env);
    ss_qentry_free(&e);
    ss_buf_free(&msg);
    return 0;
}
