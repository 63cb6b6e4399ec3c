/* Named child (spec identifiers.md §9.3) in the driver's terms: each
 * segment's normalised text, its §9.1 term occurrences and its dob_child
 * findings go to the one-pass scanner (named_child.c) as the driver
 * produces them; the findings come out once per message, in
 * ss_detect_grade, because a given name alone counts only once its full
 * name is somewhere in the message, and sg_context is the message's. */
#include "detectors.h"
#include "named_child.h"
#include "value_key.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

void ss_sg_occ_add(ss_segctx *c, size_t term, size_t s, size_t e)
{
    if (c->nsgocc == c->sgocccap) {
        c->sgocccap = c->sgocccap ? 2 * c->sgocccap : 16;
        c->sgocc = ss_xrealloc(c->sgocc, c->sgocccap * sizeof *c->sgocc);
    }
    c->sgocc[c->nsgocc++] = (ss_sg_occ){ s, e, (unsigned)term,
                                         (unsigned)ss_sg_terms[term].mask };
}

/* Normalised offset of original offset o: the runs map both ways. */
static size_t norm_at(const ss_norm *nm, size_t o)
{
    if (nm->map == NULL)
        return o;
    size_t lo = 0, hi = nm->nmap;
    while (lo < hi) {             /* the last run starting at or before o */
        size_t mid = lo + (hi - lo) / 2;
        if (nm->map[mid].o <= o)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const ss_norm_run *r = &nm->map[lo - 1];
    size_t n = r->folded ? r->n : r->n + (o - r->o);
    size_t next = lo < nm->nmap ? nm->map[lo].n : nm->len;
    return n < next ? n : next;
}

static void span_back(const void *ctx, size_t s, size_t e, size_t *off, size_t *len)
{
    ss_norm_span(ctx, s, e, off, len);
}

static int term_cmp(const void *x, const void *y)
{
    const ss_nc_term *a = x, *b = y;
    return a->s < b->s ? -1 : a->s > b->s;
}

/* The segment's dob_child findings (the last ones in out) as normalised
 * spans, for the "a dob_child finding" child signal. */
static ss_nc_span *dob_spans(const ss_segctx *c, const ss_findings *out, size_t *n)
{
    size_t first = out->n;
    while (first > 0 && out->v[first - 1].seg == c->seg)
        first--;
    ss_nc_span *v = NULL;
    *n = 0;
    for (size_t i = first; i < out->n; i++) {
        const ss_finding *f = &out->v[i];
        if (f->type != SS_T_DOB_CHILD)
            continue;
        v = ss_xrealloc(v, (*n + 1) * sizeof *v);
        v[(*n)++] = (ss_nc_span){ norm_at(c->nm, f->off), norm_at(c->nm, f->off + f->len) };
    }
    return v;
}

void ss_named_child_scan(const ss_segctx *c, ss_findings *out)
{
    if (out->nc == NULL) {
        ss_nc_opts o = { c->o->ref_year, 0 };
        out->nc = ss_nc_message_new(&o);
    }
    ss_nc_term *terms = ss_xcalloc(c->nsgocc ? c->nsgocc : 1, sizeof *terms);
    for (size_t i = 0; i < c->nsgocc; i++)
        terms[i] = (ss_nc_term){ c->sgocc[i].s, c->sgocc[i].e, c->sgocc[i].term,
                                 c->sgocc[i].weight };
    qsort(terms, c->nsgocc, sizeof *terms, term_cmp);
    size_t ndobs;
    ss_nc_span *dobs = dob_spans(c, out, &ndobs);
    ss_nc_segctx sc = { .terms = terms, .nterms = c->nsgocc, .dobs = dobs, .ndobs = ndobs,
                        .is_filename = c->o->filename, .span = span_back, .spanctx = c->nm };
    ss_nc_scan_segment(out->nc, c->seg, c->nm->text, c->nm->len, &sc);
    free(dobs);
    free(terms);
}

static int other_identifier(const ss_findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].type != SS_T_SG && f->v[i].type != SS_T_MARKING
            && f->v[i].type != SS_T_NAMED_CHILD && f->v[i].confidence >= SS_CONF_MEDIUM)
            return 1;
    return 0;
}

/* src into dst[cap], cut at a character boundary. */
static void copy_cut(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void add(ss_findings *out, const ss_nc_finding *x)
{
    ss_finding *f = ss_finding_push(out, SS_T_NAMED_CHILD);
    f->confidence = x->confidence;
    /* graded here by §9.3's own rule: ss_detect_grade must not lift it */
    f->flags = SS_F_GRADED | ((x->flags & (SS_NC_F_NEAR_TERM | SS_NC_F_SG)) ? SS_F_KEYWORD : 0);
    f->seg = x->seg;
    f->off = x->off;
    f->len = x->len;
    /* a name too long for value is keyed cut short: still one key per child */
    char cut[sizeof f->value];
    copy_cut(cut, sizeof cut, x->name);
    if (ss_named_child_key(cut, f->value, sizeof f->value) != 0)
        copy_cut(f->value, sizeof f->value, cut);
    copy_cut(f->redacted, sizeof f->redacted, x->redacted);
}

void ss_named_child_finish(ss_findings *f)
{
    if (f->nc == NULL)
        return;
    ss_nc_msgctx mc = { 0, f->has_marking, other_identifier(f) };
    const ss_nc_finding *v;
    size_t n = ss_nc_message_finish(f->nc, &mc, &v);
    for (size_t i = 0; i < n; i++)
        add(f, &v[i]);
    ss_nc_message_free(f->nc);
    f->nc = NULL;
}
