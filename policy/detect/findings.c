/* How a detector reports: a finding appended at its place in the
 * original text, and confidence stepped within LOW..HIGH. */
#include "segment.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "named_child.h"

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

ss_finding *ss_finding_push(ss_findings *out, ss_type t)
{
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 8;
        out->v = ss_xrealloc(out->v, out->cap * sizeof *out->v);
    }
    ss_finding *f = &out->v[out->n++];
    memset(f, 0, sizeof *f);
    f->type = t;
    return f;
}

ss_finding *ss_finding_add(const ss_segctx *c, ss_findings *out, ss_type t,
                           size_t s, size_t e)
{
    ss_finding *f = ss_finding_push(out, t);
    f->seg = c->seg;
    ss_norm_span(c->nm, s, e, &f->off, &f->len);
    return f;
}

void ss_findings_free(ss_findings *f)
{
    if (f == NULL)
        return;
    /* values are identifiers: do not leave them in freed heap memory */
    if (f->v)
        explicit_bzero(f->v, f->cap * sizeof *f->v);
    free(f->v);
    ss_nc_message_free(f->nc);
    memset(f, 0, sizeof *f);
}
