#include "view.h"
#include "mask.h"
#include "act.h"
#include "base/buf.h"
#include "decide/decide.h"
#include "engine/engine.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const shown_headers[] = { "From", "To", "Cc", "Date", "Message-ID", NULL };

/* The value of a header in the raw message (unfolded, first only). */
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

static void add_header(ss_held_view *v, const char *name, const char *value)
{
    v->headers = ss_xrealloc(v->headers, (v->nheaders + 1) * sizeof *v->headers);
    v->headers[v->nheaders++] = (ss_held_header){ ss_xstrdup(name), ss_xstrdup(value) };
}

/* Headers carry names too ("To: Jane Doe 943 476 5919 <...>"): masked. */
static void headers(const ss_config *c, const ss_buf *msg, const ss_extract *x,
                    const ss_findings *f, ss_held_view *v)
{
    ss_buf m = SS_BUF_INIT;
    for (const char *const *h = shown_headers; *h; h++) {
        char *raw = header(msg->p ? msg->p : "", msg->len, *h);
        if (raw) {
            ss_held_mask_text(c, raw, &m);
            add_header(v, *h, m.p);
        }
        free(raw);
    }
    for (size_t i = 0; i < x->nsegs; i++) {
        if (!strcmp(x->segs[i].location, "the subject")) {
            ss_buf_reset(&m);
            ss_held_mask_segment(x, f, i, &m);
            add_header(v, "Subject", m.p ? m.p : "");
            break;
        }
    }
    ss_buf_free(&m);
}

static void parts(const ss_extract *x, const ss_findings *f, ss_held_view *v)
{
    v->parts = ss_xcalloc(x->nsegs + 1, sizeof *v->parts);
    ss_buf t = SS_BUF_INIT;
    for (size_t i = 0; i < x->nsegs; i++) {
        ss_buf_reset(&t);
        ss_buf_adds(&t, "");
        ss_held_mask_segment(x, f, i, &t);
        v->parts[v->nparts++] = (ss_held_part){ ss_xstrdup(x->segs[i].location),
                                                ss_buf_steal(&t),
                                                !strcmp(x->segs[i].location, "the subject") };
    }
    ss_buf_free(&t);
}

static void findings(const ss_extract *x, const ss_findings *f, ss_held_view *v)
{
    v->found = ss_xcalloc(f->n + 1, sizeof *v->found);
    for (size_t i = 0; i < f->n; i++) {
        ss_held_finding *d = &v->found[v->nfound++];
        d->type = f->v[i].type;
        d->confidence = f->v[i].confidence;
        d->location = ss_xstrdup(f->v[i].seg < x->nsegs ? x->segs[f->v[i].seg].location : "");
        snprintf(d->redacted, sizeof d->redacted, "%s", f->v[i].redacted);
    }
    v->unread = ss_xcalloc(x->nskipped + 1, sizeof *v->unread);
    for (size_t i = 0; i < x->nskipped; i++)
        v->unread[v->nunread++] = (ss_held_unread){ ss_xstrdup(x->skipped[i].location),
                                                    ss_xstrdup(x->skipped[i].why) };
}

/* Whether location is the attachment at base or somewhere inside it. */
static int inside(const char *location, const char *base)
{
    size_t n = strlen(base);
    return !strncmp(location, base, n) && (!location[n] || !strncmp(location + n, " \xe2\x80\xba ", 5));
}

/* Where finding i of v is, for one attachment: 0 not in it, 1 in it, 2
 * in its name. */
static int where(const ss_held_view *v, size_t i, const char *base, const char *name_loc)
{
    const char *loc = v->found[i].location;
    return !strcmp(loc, name_loc) ? 2 : inside(loc, base);
}

/* What was found in one attachment, each kind once with how many times,
 * and what of it could not be read. */
static char *found_in(const ss_held_view *v, const char *base, const char *name_loc)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, "");
    for (size_t i = 0; i < v->nfound; i++) {
        const ss_held_finding *g = &v->found[i];
        int w = where(v, i, base, name_loc), seen = 0;
        size_t times = 0;
        for (size_t j = 0; w && j < v->nfound; j++) {
            int same = v->found[j].type == g->type && v->found[j].confidence == g->confidence
                       && where(v, j, base, name_loc) == w;
            seen |= same && j < i;
            times += same;
        }
        if (!w || seen)
            continue;
        ss_buf_printf(&b, "%s%s (%s)%s", b.len ? "; " : "", ss_type_phrase(g->type),
                      ss_conf_name(g->confidence), w == 2 ? " in its name" : "");
        if (times > 1)
            ss_buf_printf(&b, ", %zu times", times);
    }
    for (size_t i = 0; i < v->nunread; i++)
        if (inside(v->unread[i].location, base))
            ss_buf_printf(&b, "%snot read: %s", b.len ? "; " : "", v->unread[i].why);
    return ss_buf_steal(&b);
}

static void attachments(const ss_extract *x, ss_held_view *v)
{
    v->attach = ss_xcalloc(x->nattach + 1, sizeof *v->attach);
    for (size_t i = 0; i < x->nattach; i++) {
        const ss_attachment *a = &x->attach[i];
        const char *name = NULL;
        for (size_t j = 0; j < v->nparts && !name; j++) {
            if (!strcmp(v->parts[j].location, a->name_location)) {
                name = v->parts[j].text;
                v->parts[j].listed = 1;
            }
        }
        ss_held_attach *d = &v->attach[v->nattach++];
        d->location = ss_xstrdup(a->location);
        d->name = ss_xstrdup(name ? name : a->location);
        d->type = ss_xstrdup(a->type);
        d->size = a->size;
        d->found = found_in(v, a->location, a->name_location);
    }
}

static void recipients(const ss_register *reg, ss_held_view *v)
{
    ss_qenvelope env;
    if (ss_qmeta_envelope(v->e.meta_json, &env) != 0)
        memset(&env, 0, sizeof env);
    v->rcpts = ss_xcalloc(env.nto + 1, sizeof *v->rcpts);
    for (size_t i = 0; i < env.nto; i++) {
        ss_held_rcpt *r = &v->rcpts[v->nrcpts++];
        r->address = ss_xstrdup(env.to[i]);
        for (size_t j = 0; j < v->e.nrecipients; j++)
            r->insecure |= !strcasecmp(env.to[i], v->e.recipients[j]);
        ss_engine_check_address(reg, env.to[i], NULL, &r->m);
    }
    ss_qmeta_envelope_free(&env);
}

/* Everything a page shows, from the message read through the engine. */
static void build(const ss_config *c, const ss_register *reg, const ss_buf *msg,
                  ss_held_view *v)
{
    ss_extract_limits l;
    ss_engine_limits(c, &l);
    ss_extract x;
    ss_findings f;
    memset(&x, 0, sizeof x);
    memset(&f, 0, sizeof f);
    char err[256] = "";
    if (ss_extract_mem(msg->p ? msg->p : "", msg->len, &l, &x, err, sizeof err) != 0)
        snprintf(v->problem, sizeof v->problem, "the message could not be read: %.200s", err);
    ss_engine_detect(c, NULL, &x, &f);
    headers(c, msg, &x, &f, v);
    parts(&x, &f, v);
    findings(&x, &f, v);
    attachments(&x, v);
    recipients(reg, v);
    ss_findings_free(&f);
    ss_extract_free(&x);
}

ss_qerr ss_held_view_open(const ss_config *c, const ss_register *reg, ss_audit *a,
                          const char *ref, const ss_held_who *who, ss_held_view *v,
                          char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    ss_buf msg = SS_BUF_INIT;
    ss_qerr q = ss_quarantine_get(c->quarantine_dir, ref, ss_held_key(c), c->quarantine_key_len,
                                  &v->e, &msg, err, errlen);
    if (q != SS_Q_OK) {
        ss_buf_free(&msg);
        return q;
    }
    char why[512];
    ss_audit_event ev = { .event = "view", .reference = ref };
    if (ss_held_record(c, a, who, ev, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: not shown: the look could not be recorded (%s)", ref, why);
        q = SS_Q_WRITE_FAILED;
    } else {
        build(c, reg, &msg, v);
    }
    explicit_bzero(msg.p, msg.len);
    ss_buf_free(&msg);
    if (q != SS_Q_OK)
        ss_held_view_free(v);
    return q;
}

void ss_held_view_free(ss_held_view *v)
{
    for (size_t i = 0; i < v->nheaders; i++) {
        free(v->headers[i].name);
        free(v->headers[i].value);
    }
    for (size_t i = 0; i < v->nparts; i++) {
        free(v->parts[i].location);
        free(v->parts[i].text);
    }
    for (size_t i = 0; i < v->nfound; i++)
        free(v->found[i].location);
    for (size_t i = 0; i < v->nunread; i++) {
        free(v->unread[i].location);
        free(v->unread[i].why);
    }
    for (size_t i = 0; i < v->nattach; i++) {
        free(v->attach[i].location);
        free(v->attach[i].name);
        free(v->attach[i].type);
        free(v->attach[i].found);
    }
    for (size_t i = 0; i < v->nrcpts; i++)
        free(v->rcpts[i].address);
    free(v->headers);
    free(v->parts);
    free(v->found);
    free(v->unread);
    free(v->attach);
    free(v->rcpts);
    ss_qentry_free(&v->e);
    memset(v, 0, sizeof *v);
}
