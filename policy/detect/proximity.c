/* Keyword in proximity (§10): a keyword of the finding's type within 300
 * characters either side, or in its table column header or row; the
 * telephone/commercial demotion; and the grading of an identifier from
 * both. */
#include "segment.h"

/* Longest keyword span in bytes: bounds the backward binary search. */
#define KW_MAXLEN 64
#define KW_WINDOW 300      /* §10 proximity, either side */
#define DEMOTE_WINDOW 20   /* §10 label ending just before */

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
