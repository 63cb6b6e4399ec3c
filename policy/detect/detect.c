/* Detection driver (spec identifiers.md): normalise a segment, find every
 * keyword once, run the detectors, grade confidence (§10). */
#include "detect_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"

/* Longest keyword span in bytes: bounds the backward binary search. */
#define KW_MAXLEN 64
#define KW_WINDOW 300      /* §10 proximity, either side */
#define DEMOTE_WINDOW 20   /* §10 label ending just before */

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

size_t ss_kw_first(const ss_segctx *c, size_t pos)
{
    size_t lo = 0, hi = c->nkw;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->kw[mid].s < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int ss_kw_near(const ss_segctx *c, unsigned mask, size_t s, size_t e)
{
    size_t from = s > KW_WINDOW + KW_MAXLEN ? s - KW_WINDOW - KW_MAXLEN : 0;
    for (size_t i = ss_kw_first(c, from); i < c->nkw; i++) {
        const ss_kwhit *k = &c->kw[i];
        if (k->s > e + KW_WINDOW)
            break;
        if ((k->mask & mask) && k->e + KW_WINDOW >= s)
            return 1;
    }
    return c->tab != NULL && ss_table_kw(c, mask, s);
}

int ss_kw_within(const ss_segctx *c, unsigned mask, unsigned without,
                 size_t s, size_t e)
{
    for (size_t i = ss_kw_first(c, s); i < c->nkw && c->kw[i].s < e; i++) {
        const ss_kwhit *k = &c->kw[i];
        if ((k->mask & mask) && !(k->mask & without) && k->e <= e)
            return 1;
    }
    return 0;
}

int ss_demote_before(const ss_segctx *c, size_t s)
{
    size_t from = s > DEMOTE_WINDOW + KW_MAXLEN ? s - DEMOTE_WINDOW - KW_MAXLEN : 0;
    for (size_t i = ss_kw_first(c, from); i < c->nkw && c->kw[i].s < s; i++) {
        const ss_kwhit *k = &c->kw[i];
        if ((k->mask & SS_KW_DEMOTE) && k->e <= s && k->e + DEMOTE_WINDOW >= s)
            return 1;
    }
    return 0;
}

int ss_conf_step(int conf, int delta)
{
    static const int levels[] = { SS_CONF_LOW, SS_CONF_MEDIUM, SS_CONF_HIGH };
    int i = conf >= SS_CONF_HIGH ? 2 : conf >= SS_CONF_MEDIUM ? 1 : 0;
    i += delta;
    if (i < 0)
        i = 0;
    if (i > 2)
        i = 2;
    return levels[i];
}

ss_finding *ss_finding_add(const ss_segctx *c, ss_findings *out, ss_type t,
                           size_t s, size_t e)
{
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 8;
        out->v = ss_xrealloc(out->v, out->cap * sizeof *out->v);
    }
    ss_finding *f = &out->v[out->n++];
    memset(f, 0, sizeof *f);
    f->type = t;
    f->seg = c->seg;
    ss_norm_span(c->nm, s, e, &f->off, &f->len);
    return f;
}

void ss_grade_identifier(const ss_segctx *c, ss_finding *f, size_t s, size_t e,
                         int with_kw, int without_kw)
{
    int kw = ss_kw_near(c, SS_KW_BIT(f->type), s, e);
    f->confidence = kw ? with_kw : without_kw;
    if (kw)
        f->flags |= SS_F_KEYWORD;
    if (ss_demote_before(c, s)) {
        f->confidence = ss_conf_step(f->confidence, -1);
        f->flags |= SS_F_DEMOTED;
    }
    /* §7.5/§10: a MEDIUM identifier beside a child-age signal identifies a
     * child; HIGH needs no help and LOW never acts alone */
    if (f->confidence == SS_CONF_MEDIUM && ss_kw_near(c, SS_KW_AGE, s, e))
        f->flags |= SS_F_CHILD_AGE;
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

    ss_norm nm;
    ss_normalise(&nm, text, len);
    ss_sg_hits sg;
    memset(sg.seen, 0, sizeof sg.seen);
    uint64_t *digits = ss_digit_bits(nm.text, nm.len);
    ss_table tab;
    ss_table_find(&tab, nm.text, nm.len);
    ss_segctx c = { .nm = &nm, .o = o, .seg = segidx, .sg = &sg, .digits = digits,
                    .tab = tab.sep ? &tab : NULL };
    ss_phrase_scan(&kw_set, nm.text, nm.len, on_keyword, &c);

    ss_ten_cands tc = { 0 };
    ss_ten_scan(nm.text, nm.len, digits, o, &tc);
    emit_ten(&c, &tc, out);
    if (c.tab)
        ss_chi_table_detect(&c, out);
    ss_upn_detect(&c, out);
    ss_nino_detect(&c, out);
    ss_dob_detect(&c, out);
    ss_sg_detect(&c, out);
    ss_marking_detect(&c, out);

    free(tc.v);
    free(digits);
    free(c.kw);
    ss_table_free(&tab);
    ss_norm_free(&nm);
}

static int is_identifier(ss_type t)
{
    return t != SS_T_SG && t != SS_T_MARKING;
}

void ss_detect_grade(ss_findings *f)
{
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

void ss_findings_free(ss_findings *f)
{
    if (f == NULL)
        return;
    /* values are identifiers: do not leave them in freed heap memory */
    if (f->v)
        explicit_bzero(f->v, f->cap * sizeof *f->v);
    free(f->v);
    memset(f, 0, sizeof *f);
}
