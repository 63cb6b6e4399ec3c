/* Labelled child date of birth (spec §7): a DOB label, filler, a date,
 * and the person under 18 on the reference date. The labels are the
 * keyword hits already found for the segment; this file reads the date
 * that follows (numeric UK-then-US, ISO, "3rd March 2016", "March 3, 2016",
 * and in words, datewords.c). */
#include "detectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "checksum.h"

typedef struct {
    const char *t;
    size_t len;
} txt;

static int dg(const txt *x, size_t i)
{
    return i < x->len && ss_is_digit((unsigned char)x->t[i]);
}

static int sp(const txt *x, size_t i)
{
    return i < x->len && ss_is_space((unsigned char)x->t[i]);
}

/* Length of the digit run at i. */
static size_t run(const txt *x, size_t i)
{
    size_t k = i;
    while (dg(x, k))
        k++;
    return k - i;
}

static int num(const txt *x, size_t i, size_t n)
{
    int v = 0;
    for (size_t k = 0; k < n; k++)
        v = v * 10 + (x->t[i + k] - '0');
    return v;
}

/* MONTH at i (longest spelling first, as the regex backtracks into the
 * shorter one when the longer is not there): month number, *end set. */
static int month_at(const txt *x, size_t i, size_t *end)
{
    return ss_month_at(x->t, x->len, i, end);
}

static size_t ordinal(const txt *x, size_t i)
{
    static const char *const suf[] = { "st", "nd", "rd", "th" };
    for (int k = 0; k < 4; k++)
        if (i + 2 <= x->len && strncasecmp(x->t + i, suf[k], 2) == 0)
            return i + 2;
    return i;
}

/* [\s-]+ at i: end, or 0 if none. */
static size_t sp_dash(const txt *x, size_t i)
{
    size_t k = i;
    while (k < x->len && (ss_is_space((unsigned char)x->t[k]) || x->t[k] == '-'))
        k++;
    return k > i ? k : 0;
}

typedef struct {
    int a, b, y, ylen;   /* numeric: a SEP b SEP y */
    int iso_y, iso_m, iso_d;
    int numeric, iso;
    size_t end;
} rawdate;

/* D{1,2} SEP D{1,2} SEP (D{4}|D{2}) (?![0-9]) */
static int numeric_at(const txt *x, size_t i, rawdate *r)
{
    size_t na = run(x, i);
    if (na < 1 || na > 2 || i + na >= x->len)
        return 0;
    char sep = x->t[i + na];
    if (sep != '/' && sep != '.' && sep != '-')
        return 0;
    size_t j = i + na + 1, nb = run(x, j);
    if (nb < 1 || nb > 2 || j + nb >= x->len || x->t[j + nb] != sep)
        return 0;
    size_t k = j + nb + 1, ny = run(x, k);
    if (ny != 4 && ny != 2)
        return 0;
    r->numeric = 1;
    r->a = num(x, i, na), r->b = num(x, j, nb), r->y = num(x, k, ny), r->ylen = (int)ny;
    r->end = k + ny;
    return 1;
}

/* D{4}-D{2}-D{2} (?![0-9]) */
static int iso_at(const txt *x, size_t i, rawdate *r)
{
    if (run(x, i) != 4 || i + 10 > x->len || x->t[i + 4] != '-' || run(x, i + 5) != 2 ||
        x->t[i + 7] != '-' || run(x, i + 8) != 2)
        return 0;
    r->iso = 1;
    r->iso_y = num(x, i, 4), r->iso_m = num(x, i + 5, 2), r->iso_d = num(x, i + 8, 2);
    r->end = i + 10;
    return 1;
}

/* D{1,2}(st|nd|rd|th)?(\s+of)?[\s-]+MONTH\.?,?[\s-]+D{4} (?![0-9]) */
static int text_dm_at(const txt *x, size_t i, rawdate *r)
{
    size_t nd = run(x, i);
    if (nd < 1 || nd > 2)
        return 0;
    size_t k0 = ordinal(x, i + nd);
    for (int with_of = 1; with_of >= 0; with_of--) {
        size_t k = k0;
        if (with_of) {
            size_t w = k;
            while (sp(x, w))
                w++;
            if (w == k || w + 2 > x->len || strncasecmp(x->t + w, "of", 2) != 0)
                continue;
            k = w + 2;
        }
        size_t m0 = sp_dash(x, k), mend;
        int m = m0 ? month_at(x, m0, &mend) : 0;
        if (!m)
            continue;
        if (mend < x->len && x->t[mend] == '.')
            mend++;
        if (mend < x->len && x->t[mend] == ',')
            mend++;
        size_t y0 = sp_dash(x, mend);
        if (!y0 || run(x, y0) != 4)
            continue;
        r->iso = 1;
        r->iso_y = num(x, y0, 4), r->iso_m = m, r->iso_d = num(x, i, nd);
        r->end = y0 + 4;
        return 1;
    }
    return 0;
}

/* MONTH\.?\s+D{1,2}(st|nd|rd|th)?,?\s+D{4} (?![0-9]) */
static int text_md_at(const txt *x, size_t i, rawdate *r)
{
    size_t k;
    int m = month_at(x, i, &k);
    if (!m)
        return 0;
    if (k < x->len && x->t[k] == '.')
        k++;
    if (!sp(x, k))
        return 0;
    while (sp(x, k))
        k++;
    size_t nd = run(x, k);
    if (nd < 1 || nd > 2)
        return 0;
    int d = num(x, k, nd);
    k = ordinal(x, k + nd);
    if (k < x->len && x->t[k] == ',')
        k++;
    if (!sp(x, k))
        return 0;
    while (sp(x, k))
        k++;
    if (run(x, k) != 4)
        return 0;
    r->iso = 1;
    r->iso_y = num(x, k, 4), r->iso_m = m, r->iso_d = d;
    r->end = k + 4;
    return 1;
}

/* §7.3: numeric dates are DD/MM, then MM/DD only if DD/MM is no date;
 * two-digit years by the reference-date century rule. */
static int resolve(const rawdate *r, const ss_detect_opts *o, int *y, int *m, int *d)
{
    if (r->iso) {
        *y = r->iso_y, *m = r->iso_m, *d = r->iso_d;
        return ss_date_valid(*y, *m, *d);
    }
    const int order[2][2] = { { r->a, r->b }, { r->b, r->a } };
    for (int k = 0; k < 2; k++) {
        int day = order[k][0], mon = order[k][1];
        if (mon < 1 || mon > 12)
            continue;
        int yr = r->ylen == 4 ? r->y
               : ss_century_year(r->y, mon, day, o->ref_year, o->ref_month, o->ref_day);
        if (ss_date_valid(yr, mon, day)) {
            *y = yr, *m = mon, *d = day;
            return 1;
        }
    }
    return 0;
}

/* FILL = [\s:=\-.()\[\]]* ((is|was|on)\s+)? from i. */
static size_t fill(const txt *x, size_t i)
{
    while (i < x->len && (ss_is_space((unsigned char)x->t[i]) || strchr(":=-.()[]", x->t[i])) &&
           x->t[i] != '\0')
        i++;
    static const char *const words[] = { "is", "was", "on" };
    for (int w = 0; w < 3; w++) {
        size_t n = strlen(words[w]);
        if (i + n < x->len && strncasecmp(x->t + i, words[w], n) == 0 && sp(x, i + n)) {
            size_t k = i + n;
            while (sp(x, k))
                k++;
            return k;
        }
    }
    return i;
}

static int date_at(const txt *x, size_t i, rawdate *r)
{
    memset(r, 0, sizeof *r);
    if (numeric_at(x, i, r) || iso_at(x, i, r) || text_dm_at(x, i, r))
        return 1;
    memset(r, 0, sizeof *r);
    return text_md_at(x, i, r);
}

static int not_after(int y, int m, int d, const ss_detect_opts *o)
{
    if (y != o->ref_year)
        return y < o->ref_year;
    if (m != o->ref_month)
        return m < o->ref_month;
    return d <= o->ref_day;
}

/* The resolved date r as a child's DOB: y-m-d set when under 18 and not
 * in the future (§7.3, §7.4). */
static int child_date(const rawdate *r, const ss_detect_opts *o, int *y, int *m, int *d)
{
    return resolve(r, o, y, m, d) && not_after(*y, *m, *d, o) &&
           ss_age_on(*y, *m, *d, o->ref_year, o->ref_month, o->ref_day) < 18;
}

static void add_dob(const ss_segctx *c, ss_findings *out, size_t s, size_t e,
                    int y, int m, int d, int conf)
{
    const ss_detect_opts *o = c->o;
    ss_finding *f = ss_finding_add(c, out, SS_T_DOB_CHILD, s, e);
    snprintf(f->value, sizeof f->value, "%04d-%02d-%02d", y, m, d);
    snprintf(f->redacted, sizeof f->redacted, "**/**/**** (age %d)",
             ss_age_on(y, m, d, o->ref_year, o->ref_month, o->ref_day));
    f->confidence = conf;
    if (ss_demote_before(c, s)) {
        f->confidence = ss_conf_step(f->confidence, -1);
        f->flags |= SS_F_DEMOTED;
    }
}

void ss_dob_detect(const ss_segctx *c, ss_findings *out)
{
    txt x = { c->nm->text, c->nm->len };
    size_t labelled_from = out->n;
    size_t done = 0;   /* regex finditer: matches do not overlap */
    for (size_t h = 0; h < c->nkw; h++) {
        const ss_kwhit *k = &c->kw[h];
        if (!(k->mask & SS_KW_BIT(SS_T_DOB_CHILD)) || k->s < done)
            continue;
        rawdate r;
        int y, m, d;
        size_t at = fill(&x, k->e), end;
        if (!date_at(&x, at, &r)) {
            /* in words: "the fourth of March 2015", "4 Mar 15" */
            if (!ss_date_words_at(x.t, x.len, at, c->o, &y, &m, &d, &end))
                continue;
            memset(&r, 0, sizeof r);
            r.iso = 1, r.iso_y = y, r.iso_m = m, r.iso_d = d, r.end = end;
        }
        done = r.end;
        if (child_date(&r, c->o, &y, &m, &d))
            add_dob(c, out, k->s, r.end, y, m, d, SS_CONF_HIGH);
    }
    if (c->tab)
        ss_dob_table_detect(c, out, labelled_from);
}

typedef struct {
    const ss_segctx *c;
    ss_findings *out;
    size_t next, until;   /* labelled findings not yet passed: [next, until) */
} dob_walk;

/* A labelled finding already covers original [o, o + n)? Cells come in
 * text order, as do the labelled findings, so one pointer walks both. */
static int labelled(dob_walk *w, size_t o, size_t n)
{
    const ss_findings *f = w->out;
    while (w->next < w->until && f->v[w->next].off + f->v[w->next].len <= o)
        w->next++;
    for (size_t i = w->next; i < w->until && f->v[i].off < o + n; i++)
        if (f->v[i].type == SS_T_DOB_CHILD)
            return 1;
    return 0;
}

/* Midnight after a date, as database exports and Excel's ISO cells write
 * a date: [T ]00:00[:00[.000]][Z]. True when it runs exactly to e. */
static int midnight(const char *t, size_t i, size_t e)
{
    static const char *const forms[] = { "00:00", "00:00:00", "00:00:00.000", NULL };
    if (i >= e || (t[i] != 'T' && t[i] != ' '))
        return 0;
    i++;
    if (i < e && t[e - 1] == 'Z')
        e--;
    for (int k = 0; forms[k]; k++)
        if (e - i == strlen(forms[k]) && memcmp(t + i, forms[k], e - i) == 0)
            return 1;
    return 0;
}

/* A cell that is a date and nothing else. */
static void on_dob_cell(void *ctx, size_t col, size_t s, size_t e)
{
    dob_walk *w = ctx;
    (void)col;
    txt x = { w->c->nm->text, e };
    rawdate r;
    int y, m, d;
    if (!date_at(&x, s, &r) || (r.end != e && !midnight(x.t, r.end, e)) ||
        !child_date(&r, w->c->o, &y, &m, &d))
        return;
    size_t o, n;
    ss_norm_span(w->c->nm, s, e, &o, &n);
    if (!labelled(w, o, n))
        add_dob(w->c, w->out, s, e, y, m, d, SS_CONF_MEDIUM);
}

void ss_dob_table_detect(const ss_segctx *c, ss_findings *out, size_t labelled_from)
{
    unsigned char *cols = ss_xcalloc(c->tab->ncols, 1);
    int any = 0;
    for (size_t k = 0; k < c->tab->ncols; k++)
        any |= cols[k] = (unsigned char)ss_table_hdr_dob(c, k);
    dob_walk w = { c, out, labelled_from, out->n };
    if (any)
        ss_table_cells(c, cols, on_dob_cell, &w);
    free(cols);
}
