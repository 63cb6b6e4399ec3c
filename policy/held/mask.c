#include "mask.h"
#include "decide/decide.h"
#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>

const char *ss_held_type_label(ss_type t)
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

void ss_held_mask_segment(const ss_extract *x, const ss_findings *f, size_t seg, ss_buf *out)
{
    const ss_segment *s = &x->segs[seg];
    const ss_finding **v = ss_xcalloc(f->n + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].seg == seg && ss_type_is_identifier(f->v[i].type))
            v[n++] = &f->v[i];
    qsort(v, n, sizeof *v, by_offset);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t end = v[i]->off + v[i]->len;
        if (end > s->len)
            end = s->len;
        /* Overlapping spans: the text is gone already; one label will do. */
        if (v[i]->off >= at) {
            ss_buf_add(out, s->text + at, v[i]->off - at);
            ss_buf_printf(out, "[%s]", ss_held_type_label(v[i]->type));
        }
        if (end > at)
            at = end;
    }
    ss_buf_add(out, s->text + at, s->len - at);
    free(v);
}

size_t ss_held_mask_text(const ss_config *c, const char *text, ss_buf *out)
{
    ss_buf_reset(out);
    ss_buf_adds(out, "");
    if (!text || !*text)
        return 0;
    ss_segment seg = { (char *)text, strlen(text), (char *)"typed text" };
    ss_extract x = { .segs = &seg, .nsegs = 1 };
    ss_findings f = { 0 };
    ss_engine_detect(c, NULL, &x, &f);
    size_t n = 0;
    for (size_t i = 0; i < f.n; i++)
        n += ss_type_is_identifier(f.v[i].type) != 0;
    ss_held_mask_segment(&x, &f, 0, out);
    ss_findings_free(&f);
    return n;
}
