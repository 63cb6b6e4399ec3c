/* Safeguarding context score (spec §9.1): the sum of the weights of the
 * distinct SG_TERMS present in a segment; context when the score is >= 2.
 * Terms mirror SG_TERMS in identifier_vectors.py one for one, including
 * which are case-sensitive (ambiguous acronyms). */
#include "detectors.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define SG_THRESHOLD 2
#define I 1   /* case-insensitive */
#define C 0   /* case-sensitive */

/* mask holds the weight */
const ss_phrase ss_sg_terms[] = {
    { "child protection (plan|conference|register|enquir(y|ies)|investigation|medical)(s|)", I, 2 },
    { "CP (plan|conference)(s|)", C, 2 },
    { "(ICPC|RCPC)", C, 2 },
    { "(section|s.|s)_47", I, 1 },
    { "(section|s.|s)_47 (enquir(y|ies)|investigation)(s|)", I, 2 },
    { "strategy (discussion|meeting)(s|)", I, 2 },
    { "multi~agency safeguarding hub", I, 2 },
    { "MASH", C, 1 },
    { "LADO", I, 2 },
    { "local authority designated officer", I, 2 },
    { "looked~after (child|children|young pe(rson|ople))", I, 2 },
    { "child(ren|) (looked after|in care)", I, 2 },
    { "(LAC|CLA|CiC)", C, 1 },
    { "((interim |)care order|emergency protection order|police protection|supervision order)(s|)", I, 2 },
    { "child sexual exploitation", I, 2 },
    { "CSE", C, 1 },
    { "child criminal exploitation", I, 2 },
    { "CCE", C, 1 },
    { "county lines", I, 2 },
    { "(FGM|female genital mutilation)", I, 2 },
    { "operation encompass", I, 2 },
    { "(prevent referral|channel panel)", I, 2 },
    { "national referral mechanism", I, 2 },
    { "NRM", C, 1 },
    { "harmful sexual behaviour(s|)", I, 2 },
    { "HSB", C, 1 },
    { "non~accidental injur(y|ies)", I, 2 },
    { "NAI", C, 1 },
    { "child in need (plan|meeting|review|assessment)(s|)", I, 2 },
    { "(Child in Need|CIN)", C, 1 },
    { "MARAC", I, 2 },
    { "MAPPA", I, 1 },
    { "early help", I, 1 },
    { "(EHCP|education(,|) health and care plan)", I, 1 },
    { "DSL", C, 1 },
    { "designated safeguarding lead", I, 1 },
    { "safeguarding", I, 1 },
    { "social worker", I, 1 },
    { "personal education plan", I, 1 },
    { "PEP", C, 1 },
    { "(IRO|independent reviewing officer)", C, 1 },
    { "virtual school", I, 1 },
    { "(special guardianship|private fostering)", I, 1 },
    { "((physical|sexual|emotional) abuse|neglect)", I, 1 },
    { "(missing from (home|care|education)|return home interview)", I, 1 },
    { "(CPOMS|MyConcern)", I, 1 },
    { "inter~agency referral discussion", I, 2 },
    { "IRD", C, 1 },
    { "(GIRFEC|child's plan)", I, 1 },
    { "(compulsory supervision order|children's hearing)", I, 2 },
    { "UNOCINI", I, 2 },
    { "pre~birth assessment", I, 2 },
    { "unborn", I, 1 },
};
#define NTERMS (sizeof ss_sg_terms / sizeof *ss_sg_terms)
const size_t ss_sg_nterms = NTERMS;
_Static_assert(NTERMS <= SS_SG_MAX, "ss_sg_hits too small");

static ss_phrase_set sg_set;
static pthread_once_t sg_once = PTHREAD_ONCE_INIT;

static void sg_init(void)
{
    memcpy(sg_set.p, ss_sg_terms, sizeof ss_sg_terms);
    sg_set.n = NTERMS;
    if (ss_phrase_build(&sg_set) != 0)
        sg_set.n = 0;   /* unreachable with this table; the unit tests prove it */
}

const ss_phrase_set *ss_sg_phrases(void)
{
    pthread_once(&sg_once, sg_init);
    return &sg_set;
}

void ss_sg_hit(ss_sg_hits *h, size_t term, size_t s, size_t e)
{
    if (!h->seen[term]) {
        h->seen[term] = 1;
        h->s[term] = s;
        h->e[term] = e;
    }
}

static void on_term(void *ctx, size_t idx, size_t s, size_t e)
{
    ss_sg_hit(ctx, idx, s, e);
}

/* The term t[s, e) as shown: any whitespace byte as a space. */
static void put_term(char *why, size_t *w, const char *t, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        why[(*w)++] = ss_is_space((unsigned char)t[i]) ? ' ' : t[i];
}

#define ELLIPSIS "\xe2\x80\xa6"   /* U+2026: terms were left out */

/* "score N: term, term" with the terms in text order. A term is shown
 * whole or not at all; when some do not fit, the ones that do are kept
 * and the list ends with ", …" (or is just "…"). */
static void write_why(char *why, size_t whylen, int score, const char *t,
                      const size_t *order, size_t n, const ss_sg_hits *h)
{
    size_t w = (size_t)snprintf(why, whylen, "score %d: ", score);
    if (w >= whylen)
        return;
    size_t total = w;
    for (size_t k = 0; k < n; k++)
        total += (k ? 2 : 0) + (h->e[order[k]] - h->s[order[k]]);
    size_t more_len = sizeof ", " ELLIPSIS - 1;
    if (total >= whylen && w + more_len >= whylen)
        return;   /* no room to say anything: "score N: " alone */
    size_t room = total < whylen ? whylen - 1 : whylen - 1 - more_len;
    size_t shown = 0;
    for (size_t k = 0; k < n && room > w; k++) {
        size_t s = h->s[order[k]], e = h->e[order[k]];
        size_t need = (shown ? 2 : 0) + (e - s);
        if (w + need > room)
            continue;   /* a later, shorter term may still fit */
        if (shown++)
            why[w++] = ',', why[w++] = ' ';
        put_term(why, &w, t, s, e);
    }
    if (shown < n) {
        const char *more = shown ? ", " ELLIPSIS : ELLIPSIS;
        memcpy(why + w, more, strlen(more));
        w += strlen(more);
    }
    why[w] = '\0';
}

/* The score from collected hits. */
static int score_hits(const ss_sg_hits *h, const char *t, size_t len, char *why, size_t whylen,
                      size_t *first_s, size_t *first_e)
{
    int score = 0;
    size_t fs = len, fe = len;
    size_t order[NTERMS], n = 0;
    for (size_t i = 0; i < NTERMS; i++) {
        if (!h->seen[i])
            continue;
        score += (int)ss_sg_terms[i].mask;
        if (h->s[i] < fs) {
            fs = h->s[i];
            fe = h->e[i];
        }
        /* insertion sort by position: a handful of terms at most */
        size_t k = n++;
        for (; k > 0 && h->s[order[k - 1]] > h->s[i]; k--)
            order[k] = order[k - 1];
        order[k] = i;
    }
    if (first_s)
        *first_s = fs, *first_e = fe;
    if (why && whylen > 0)
        write_why(why, whylen, score, t, order, n, h);
    return score;
}

int ss_sg_score(const char *t, size_t len, char *why, size_t whylen,
                size_t *first_s, size_t *first_e)
{
    pthread_once(&sg_once, sg_init);
    ss_sg_hits h;
    memset(h.seen, 0, sizeof h.seen);
    ss_phrase_scan(&sg_set, t, len, on_term, &h);
    return score_hits(&h, t, len, why, whylen, first_s, first_e);
}

void ss_sg_detect(const ss_segctx *c, ss_findings *out)
{
    char why[sizeof out->v->redacted];
    size_t s, e;
    int score = c->sg ? score_hits(c->sg, c->nm->text, c->nm->len, why, sizeof why, &s, &e)
                      : ss_sg_score(c->nm->text, c->nm->len, why, sizeof why, &s, &e);
    if (score > out->sg_score)
        out->sg_score = score;
    if (score < SG_THRESHOLD)
        return;
    ss_finding *f = ss_finding_add(c, out, SS_T_SG, s, e);
    f->confidence = SS_CONF_HIGH;
    memcpy(f->redacted, why, sizeof why);
}
