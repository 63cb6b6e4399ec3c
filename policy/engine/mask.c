#include "mask.h"
#include "decide/decide.h"

#include <stdlib.h>
#include <string.h>

const char *ss_mask_label(ss_type t)
{
    const char *p = ss_type_phrase(t);
    if (!strncmp(p, "an ", 3))
        return p + 3;
    if (!strncmp(p, "a ", 2))
        return p + 2;
    return p;
}

static int by_offset(const void *a, const void *b)
{
    const ss_finding *x = *(const ss_finding *const *)a, *y = *(const ss_finding *const *)b;
    return x->off < y->off ? -1 : x->off > y->off;
}

void ss_mask_span(const ss_extract *x, const ss_findings *f, size_t seg, size_t off,
                  size_t len, ss_buf *out)
{
    const ss_segment *s = &x->segs[seg];
    size_t stop = off + len > s->len ? s->len : off + len;
    const ss_finding **v = ss_xcalloc(f->n + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].seg == seg && ss_type_is_identifier(f->v[i].type)
            && f->v[i].off < stop && f->v[i].off + f->v[i].len > off)
            v[n++] = &f->v[i];
    qsort(v, n, sizeof *v, by_offset);
    size_t at = off;
    for (size_t i = 0; i < n; i++) {
        size_t end = v[i]->off + v[i]->len > stop ? stop : v[i]->off + v[i]->len;
        /* Overlapping spans: the text is gone already; one label will do. */
        if (v[i]->off >= at || i == 0) {
            if (v[i]->off > at)
                ss_buf_add(out, s->text + at, v[i]->off - at);
            ss_buf_printf(out, "[%s]", ss_mask_label(v[i]->type));
        }
        if (end > at)
            at = end;
    }
    if (stop > at)
        ss_buf_add(out, s->text + at, stop - at);
    free(v);
}
