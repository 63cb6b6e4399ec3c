#include "decide.h"
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ss_type_is_identifier(ss_type t)
{
    return t != SS_T_SG && t != SS_T_MARKING;
}

/* Spec §10 default rule: a message identifies a child if it has any HIGH
 * identifier finding; or a UPN or child's DOB; or a MEDIUM finding together
 * with safeguarding context, a marking, another identifier of a different
 * value, or a CHI-implied age under 18. */
/* A named child below HIGH is recorded and never acts (§9.3, §10): a note
 * to a parent about their child's coat is not a safeguarding share. With
 * NamedChild record, none acts: a site rolls the rule out recording first. */
static int acts(const ss_config *c, const ss_finding *x)
{
    if (x->type == SS_T_NAMED_CHILD)
        return c->named_child_enforce && x->confidence >= SS_CONF_HIGH;
    return ss_type_is_identifier(x->type);
}

static int identifies_child(const ss_config *c, const ss_findings *f)
{
    int medium = 0, ids = 0, child_age = 0;
    const char *first = NULL;
    for (size_t i = 0; i < f->n; i++) {
        const ss_finding *x = &f->v[i];
        if (!acts(c, x))
            continue;
        if (x->confidence >= SS_CONF_HIGH || x->type == SS_T_UPN || x->type == SS_T_DOB_CHILD)
            return 1;
        if (x->flags & SS_F_CHILD_AGE)
            child_age = 1;
        if (x->confidence >= SS_CONF_MEDIUM)
            medium = 1;
        if (!first)
            first = x->value, ids = 1;
        else if (strcmp(first, x->value) != 0)
            ids = 2;
    }
    if (!medium)
        return 0;
    return f->sg_score >= 2 || f->has_marking || ids > 1 || child_age;
}

/* Only MEDIUM identifier findings with nothing around them (§10). LOW
 * findings are audited but never act alone. */
static int uncertain(const ss_config *c, const ss_findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        if (acts(c, &f->v[i]) && f->v[i].confidence >= SS_CONF_MEDIUM)
            return 1;
    return 0;
}

static void add_reason(ss_verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_reason(ss_verdict *v, const char *fmt, ...)
{
    ss_buf b = SS_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ss_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    v->reasons = ss_xrealloc(v->reasons, (v->nreasons + 1) * sizeof *v->reasons);
    v->reasons[v->nreasons++] = ss_buf_steal(&b);
}

static void finding_reasons(const ss_findings *f, const ss_extract *x, ss_verdict *v)
{
    for (size_t i = 0; i < f->n; i++) {
        const ss_finding *g = &f->v[i];
        const char *where = x && g->seg < x->nsegs ? x->segs[g->seg].location : "the message";
        add_reason(v, "found %s (%s confidence) in %s", ss_type_phrase(g->type),
                   ss_conf_name(g->confidence), where);
    }
}

static int party_reasons(const ss_party *p, size_t np, ss_verdict *v)
{
    int insecure = 0;
    for (size_t i = 0; i < np; i++) {
        if (p[i].m.stale)
            v->why |= SS_WHY_STALE;
        if (p[i].m.secure)
            continue;
        insecure = 1;
        add_reason(v, "%s %s is not secure: %s", p[i].is_sender ? "sender" : "recipient",
                   p[i].address, p[i].m.why);
    }
    return insecure;
}

static int unreadable_reasons(const ss_extract *x, ss_verdict *v)
{
    int any = 0;
    for (size_t i = 0; x && i < x->nskipped; i++) {
        add_reason(v, "%s %s: %s", x->skipped[i].unreadable ? "could not check" : "did not check",
                   x->skipped[i].location, x->skipped[i].why);
        if (x->skipped[i].unreadable)
            any = 1;
        else
            v->why |= SS_WHY_NOT_SCANNED;
    }
    return any;
}

static void choose(ss_verdict *v, ss_action a, const char *rule)
{
    v->action = a;
    v->rule = rule;
}

void ss_decide(const ss_config *c, const ss_findings *f, const ss_party *parties,
               size_t np, const ss_extract *x, int oversize, ss_verdict *v)
{
    v->action = SS_ACT_ACCEPT;
    v->rule = "default";
    v->why = 0;
    finding_reasons(f, x, v);
    if (party_reasons(parties, np, v))
        v->why |= SS_WHY_INSECURE;
    if (unreadable_reasons(x, v))
        v->why |= SS_WHY_UNSCANNABLE;
    if (oversize) {
        v->why |= SS_WHY_OVERSIZE;
        add_reason(v, "message larger than MaxMessageSize (%zu bytes): not scanned", c->max_message_size);
    }
    if (identifies_child(c, f))
        v->why |= SS_WHY_CHILD_DATA;
    else if (uncertain(c, f))
        v->why |= SS_WHY_UNCERTAIN;

    /* Secure to secure: the share is allowed whatever it holds, and
     * recorded; with RequirePurpose, once the sender says why. */
    if (!(v->why & SS_WHY_INSECURE)) {
        if (c->require_purpose && (v->why & SS_WHY_CHILD_DATA) && !(x && x->purpose_from)) {
            v->why |= SS_WHY_NO_PURPOSE;
            choose(v, SS_ACT_REJECT, "RequirePurpose");
            add_reason(v, "no purpose stated for a share of child data: RequirePurpose reject");
        }
        return;
    }
    /* A stale register says nothing about the recipients: with
     * OnRegisterStale set to an action, that action stands for whatever
     * would have needed a secure recipient. */
    int stale_act = (v->why & SS_WHY_STALE) && c->on_register_stale != SS_STALE_INSECURE
                    && (v->why & (SS_WHY_CHILD_DATA | SS_WHY_UNCERTAIN | SS_WHY_UNSCANNABLE
                                  | SS_WHY_OVERSIZE));
    if (stale_act)
        choose(v, (ss_action)c->on_register_stale, "OnRegisterStale");
    else if (v->why & SS_WHY_CHILD_DATA)
        choose(v, c->on_insecure, "OnInsecure");
    else if (v->why & SS_WHY_OVERSIZE)
        choose(v, c->on_oversize, "OnOversize");
    else if (v->why & SS_WHY_UNSCANNABLE)
        choose(v, c->on_unscannable, "OnUnscannable");
    else if (v->why & SS_WHY_UNCERTAIN)
        choose(v, c->on_insecure_uncertain, "OnInsecureUncertain");
    if (v->action != SS_ACT_ACCEPT || strcmp(v->rule, "default") != 0)
        add_reason(v, "%s %s", v->rule, ss_action_name(v->action));
}

void ss_verdict_free(ss_verdict *v)
{
    for (size_t i = 0; i < v->nreasons; i++)
        free(v->reasons[i]);
    free(v->reasons);
    v->reasons = NULL;
    v->nreasons = 0;
}

