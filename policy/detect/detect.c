/* Detection driver (spec identifiers.md): normalise a segment, find every
 * keyword once, run the detectors, grade confidence (§10). The detectors
 * report through segment.h and never call back here. */
#include "detectors.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"

#define DOBK (SS_KW_BIT(SS_T_NHS) | SS_KW_BIT(SS_T_CHI) | SS_KW_BIT(SS_T_HCN) | \
              SS_KW_BIT(SS_T_DOB_CHILD))

/* DOB labels (§7.2 LABEL): keywords for the health numbers and the label
 * half of dob_child. "born on" is one label, as in the regex: the FILL
 * after it may then hold dashes ("born on - 05/11/12"). */
static const ss_phrase dob_labels[] = {
    { "d(.|)_o(.|)_b", 1, DOBK },
    { "date+of+birth", 1, DOBK },
    { "birth_date", 1, DOBK },
    { "born(+on|)", 1, DOBK },
};

static const ss_phrase demote_labels[] = {
    { "(tel|telephone|phone|mobile|mob|fax|ext)", 1, SS_KW_DEMOTE },
    { "(invoice|order|account|ref|reference|policy)", 1, SS_KW_DEMOTE },
    { "UTR", 0, SS_KW_DEMOTE },
};

static ss_phrase_set kw_set;
static size_t kw_nkeywords;   /* kw_set.p[kw_nkeywords..] are SG_TERMS */
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

static void kw_add(const ss_phrase *p, size_t n)
{
    for (size_t i = 0; i < n && kw_set.n < SS_PHRASE_MAX; i++)
        kw_set.p[kw_set.n++] = p[i];
}

static void kw_init(void)
{
    kw_add(ss_nhs_keywords, ss_nhs_nkeywords);
    kw_add(ss_chi_keywords, ss_chi_nkeywords);
    kw_add(ss_hcn_keywords, ss_hcn_nkeywords);
    kw_add(ss_uln_keywords, ss_uln_nkeywords);
    kw_add(ss_upn_keywords, ss_upn_nkeywords);
    kw_add(ss_nino_keywords, ss_nino_nkeywords);
    kw_add(dob_labels, sizeof dob_labels / sizeof *dob_labels);
    kw_add(demote_labels, sizeof demote_labels / sizeof *demote_labels);
    kw_add(ss_age_signals, ss_age_nsignals);
    /* the safeguarding terms ride on the same scan, after every keyword so
     * keyword hits come out in the order they always did */
    kw_nkeywords = kw_set.n;
    kw_add(ss_sg_terms, ss_sg_nterms);
    if (ss_phrase_build(&kw_set) != 0)
        kw_set.n = 0;   /* too many phrases: a build-time mistake the tests catch */
}

const ss_phrase_set *ss_kw_phrases(void)
{
    pthread_once(&kw_once, kw_init);
    return &kw_set;
}

static void on_keyword(void *ctx, size_t idx, size_t s, size_t e)
{
    ss_segctx *c = ctx;
    if (idx >= kw_nkeywords) {
        ss_sg_hit(c->sg, idx - kw_nkeywords, s, e);
        ss_sg_occ_add(c, idx - kw_nkeywords, s, e);
        return;
    }
    unsigned mask = kw_set.p[idx].mask;
    if ((mask & SS_KW_AGE) && (mask = ss_age_check(c, mask, s, e)) == 0)
        return;
    if (c->nkw == c->kwcap) {
        c->kwcap = c->kwcap ? c->kwcap * 2 : 32;
        c->kw = ss_xrealloc(c->kw, c->kwcap * sizeof *c->kw);
    }
    c->kw[c->nkw++] = (ss_kwhit){ s, e, mask };
}

void ss_detect_opts_default(ss_detect_opts *o)
{
    time_t now = time(NULL);
    struct tm tm;
    memset(o, 0, sizeof *o);
    if (localtime_r(&now, &tm) != NULL) {
        o->ref_year = tm.tm_year + 1900;
        o->ref_month = tm.tm_mon + 1;
        o->ref_day = tm.tm_mday;
    }
    o->chi_mod10 = 1;
    o->nhs_test_range = 1;
}

static void emit_ten(const ss_segctx *c, const ss_ten_cands *tc, ss_findings *out)
{
    for (size_t i = 0; i < tc->n; i++) {
        const ss_ten_cand *k = &tc->v[i];
        if (k->types & SS_KW_BIT(SS_T_NHS))
            ss_nhs_emit(c, k, out);
        if (k->types & SS_KW_BIT(SS_T_CHI))
            ss_chi_emit(c, k, out);
        if (k->types & SS_KW_BIT(SS_T_HCN))
            ss_hcn_emit(c, k, out);
        if (k->types & SS_KW_BIT(SS_T_ULN))
            ss_uln_emit(c, k, out);
    }
}

/* Every detector over one normalised reading of a segment. */
static void detect_reading(const ss_norm *nm, size_t segidx,
                           const ss_detect_opts *o, ss_findings *out)
{
    ss_sg_hits sg;
    memset(sg.seen, 0, sizeof sg.seen);
    uint64_t *digits = ss_digit_bits(nm->text, nm->len);
    ss_table tab;
    ss_table_find(&tab, nm->text, nm->len);
    ss_segctx c = { .nm = nm, .o = o, .seg = segidx, .sg = &sg, .digits = digits,
                    .tab = tab.sep ? &tab : NULL };
    ss_phrase_scan(&kw_set, nm->text, nm->len, on_keyword, &c);

    ss_ten_cands tc = { 0 };
    ss_ten_scan(nm->text, nm->len, digits, o, &tc);
    emit_ten(&c, &tc, out);
    if (c.tab)
        ss_chi_table_detect(&c, out);
    ss_upn_detect(&c, out);
    ss_nino_detect(&c, out);
    ss_dob_detect(&c, out);
    ss_sg_detect(&c, out);
    ss_marking_detect(&c, out);
    ss_named_child_scan(&c, out);

    free(c.sgocc);
    free(tc.v);
    free(digits);
    free(c.kw);
    ss_table_free(&tab);
}

static int same_finding(const ss_finding *a, const ss_finding *b)
{
    return a->type == b->type && a->seg == b->seg && a->off == b->off && a->len == b->len;
}

/* The second reading's findings that the first did not make. */
static void merge_new(ss_findings *out, size_t from, ss_findings *more)
{
    size_t had = out->n;
    for (size_t i = 0; i < more->n; i++) {
        int dup = 0;
        for (size_t k = from; k < had && !dup; k++)
            dup = same_finding(&out->v[k], &more->v[i]);
        if (dup)
            continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 8;
            out->v = ss_xrealloc(out->v, out->cap * sizeof *out->v);
        }
        out->v[out->n++] = more->v[i];
    }
    if (more->sg_score > out->sg_score)
        out->sg_score = more->sg_score;
    out->has_marking |= more->has_marking;
    ss_findings_free(more);
}

void ss_detect_segment(const char *text, size_t len, size_t segidx,
                       const ss_detect_opts *o, ss_findings *out)
{
    ss_detect_opts def;
    if (o == NULL) {
        ss_detect_opts_default(&def);
        o = &def;
    }
    if (text == NULL)
        len = 0, text = "";
    pthread_once(&kw_once, kw_init);

    size_t from = out->n;
    ss_norm nm;
    ss_normalise(&nm, text, len);
    detect_reading(&nm, segidx, o, out);
    int again = nm.invisible_digits;
    ss_norm_free(&nm);
    if (!again)
        return;
    /* An invisible character beside a digit: a reader may show it as a
     * gap ("943<NUL>476 5919"), so read it that way too. */
    ss_findings more = { 0 };
    ss_normalise_as(&nm, text, len, 1);
    detect_reading(&nm, segidx, o, &more);
    ss_norm_free(&nm);
    merge_new(out, from, &more);
}

static int is_identifier(ss_type t)
{
    return t != SS_T_SG && t != SS_T_MARKING;
}

void ss_detect_grade(ss_findings *f)
{
    ss_named_child_finish(f);
    int lift = f->sg_score >= 2 || f->has_marking;
    for (size_t i = 0; i < f->n; i++) {
        ss_finding *x = &f->v[i];
        if (!is_identifier(x->type) || (x->flags & SS_F_GRADED))
            continue;
        if (lift)
            x->confidence = ss_conf_step(x->confidence, +1);
        x->flags |= SS_F_GRADED;
    }
}

size_t ss_detect_count(ss_type t, const char *text, size_t len,
                       const ss_detect_opts *o)
{
    ss_findings f = { 0 };
    ss_detect_segment(text, len, 0, o, &f);
    size_t n = 0;
    for (size_t i = 0; i < f.n; i++)
        n += f.v[i].type == t;
    ss_findings_free(&f);
    return n;
}

