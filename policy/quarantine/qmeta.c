#include "qmeta.h"
#include "quarantine_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ss_qmeta_build(const ss_party *parties, size_t nparties, const char *record,
                    ss_buf *out)
{
    ss_buf_adds(out, "{\"envelope\":{\"from\":");
    ss_buf_json_quoted(out, nparties ? parties[0].address : "");
    ss_buf_adds(out, ",\"to\":[");
    for (size_t i = 1; i < nparties; i++) {
        if (i > 1)
            ss_buf_addc(out, ',');
        ss_buf_json_quoted(out, parties[i].address);
    }
    ss_buf_adds(out, "]},\"audit\":");
    ss_buf_adds(out, record && record[0] == '{' ? record : "{}");
    ss_buf_addc(out, '}');
}

/* Whether finding i repeats the type and segment of an earlier one. */
static int seen_before(const ss_findings *f, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (f->v[j].type == f->v[i].type && f->v[j].seg == f->v[i].seg)
            return 1;
    return 0;
}

void ss_qmeta_summary(const ss_findings *f, const ss_extract *x, const ss_verdict *v,
                      ss_buf *out)
{
    size_t items = 0, more = 0;
    for (size_t i = 0; i < f->n; i++) {
        const ss_finding *g = &f->v[i];
        if (!ss_type_is_identifier(g->type) || seen_before(f, i))
            continue;
        if (items++ >= 4) {
            more++;
            continue;
        }
        ss_buf_printf(out, "%s%s (%s) in %s", items > 1 ? "; " : "", ss_type_phrase(g->type),
                      ss_conf_name(g->confidence),
                      g->seg < x->nsegs ? x->segs[g->seg].location : "the message");
    }
    for (size_t i = 0; i < x->nskipped; i++) {
        if (!x->skipped[i].unreadable)
            continue;
        if (items++ >= 4) {
            more++;
            continue;
        }
        ss_buf_printf(out, "%s%s could not be read", items > 1 ? "; " : "",
                      x->skipped[i].location);
    }
    if (more)
        ss_buf_printf(out, "; and %zu more", more);
    if (!items)
        ss_buf_adds(out, v->why & SS_WHY_OVERSIZE ? "too large to scan" : "nothing named");
}

/* ---- reading the envelope back ---- */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

/* A JSON string at *pp (after optional whitespace), malloc'd, or NULL. */
static char *string(const char **pp)
{
    const char *p = skip_ws(*pp);
    if (*p++ != '"')
        return NULL;
    ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, "");
    for (; *p && *p != '"'; p++) {
        if (*p != '\\') {
            ss_buf_addc(&b, *p);
            continue;
        }
        const char *esc = "\"\\/bfnrt", *val = "\"\\/\b\f\n\r\t", *k = strchr(esc, *++p);
        unsigned cp = 0;
        /* exactly four hex digits (a NUL is not one: nothing is read past
         * the string), for an ASCII character: addresses are ASCII */
        int u = *p == 'u' && ss_qrec_hex4(p + 1, &cp) == 0 && cp > 0 && cp < 0x80;
        if (*p && k) {
            ss_buf_addc(&b, val[k - esc]);
        } else if (u) {
            ss_buf_addc(&b, (char)cp);
            p += 4;
        } else {
            break;
        }
    }
    if (*p != '"') {
        ss_buf_free(&b);
        return NULL;
    }
    *pp = p + 1;
    return ss_buf_steal(&b);
}

static int expect(const char **pp, const char *lit)
{
    const char *p = skip_ws(*pp);
    size_t n = strlen(lit);
    if (strncmp(p, lit, n) != 0)
        return -1;
    *pp = p + n;
    return 0;
}

int ss_qmeta_envelope(const char *meta, ss_qenvelope *env)
{
    memset(env, 0, sizeof *env);
    const char *p = meta ? meta : "";
    if (expect(&p, "{") || expect(&p, "\"envelope\"") || expect(&p, ":") || expect(&p, "{")
        || expect(&p, "\"from\"") || expect(&p, ":") || !(env->from = string(&p))
        || expect(&p, ",") || expect(&p, "\"to\"") || expect(&p, ":") || expect(&p, "["))
        goto fail;
    if (expect(&p, "]") == 0)
        return 0;
    for (;;) {
        char *s = string(&p);
        if (!s)
            goto fail;
        env->to = ss_xrealloc(env->to, (env->nto + 1) * sizeof *env->to);
        env->to[env->nto++] = s;
        if (expect(&p, "]") == 0)
            return 0;
        if (expect(&p, ","))
            goto fail;
    }
fail:
    ss_qmeta_envelope_free(env);
    return -1;
}

void ss_qmeta_envelope_free(ss_qenvelope *env)
{
    free(env->from);
    for (size_t i = 0; i < env->nto; i++)
        free(env->to[i]);
    free(env->to);
    memset(env, 0, sizeof *env);
}
