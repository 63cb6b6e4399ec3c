/* The keyword hits of a segment, sorted by start: the questions every
 * detector and the table rules ask of them. */
#include "segment.h"

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
