#include "queue.h"
#include "act.h"
#include "base/buf.h"
#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    ss_held_queue *q;
    const ss_config *c;
    const ss_register *reg;
    time_t now;
    size_t cap;
} collect_ctx;

static int collect(const ss_qentry *e, void *arg)
{
    collect_ctx *k = arg;
    ss_held_queue *q = k->q;
    if (q->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 16;
        q->v = ss_xrealloc(q->v, k->cap * sizeof *q->v);
    }
    ss_held_item *it = &q->v[q->n++];
    memset(it, 0, sizeof *it);
    ss_qentry_copy(&it->e, e);
    it->age = k->now > e->received ? (long)(k->now - e->received) : 0;
    it->overdue = (size_t)it->age > k->c->remind_after;
    it->why = ss_xcalloc(e->nrecipients + 1, sizeof *it->why);
    for (size_t i = 0; i < e->nrecipients; i++)
        ss_engine_check_address(k->reg, e->recipients[i], NULL, &it->why[i]);
    return 0;
}

static int urgent(const ss_held_item *it)
{
    return it->e.urgency && !strcmp(it->e.urgency, "urgent");
}

/* Urgent first, then oldest first (the store lists oldest first). */
static int order(const void *a, const void *b)
{
    const ss_held_item *x = a, *y = b;
    if (urgent(x) != urgent(y))
        return urgent(y) - urgent(x);
    if (x->e.received != y->e.received)
        return x->e.received < y->e.received ? -1 : 1;
    return strcmp(x->e.reference, y->e.reference);
}

ss_qerr ss_held_queue_load(const ss_config *c, const ss_register *reg, time_t now,
                           ss_held_queue *q, char *err, size_t errlen)
{
    memset(q, 0, sizeof *q);
    collect_ctx k = { q, c, reg, now, 0 };
    ss_qfilter f = { .state = SS_QS_HELD };
    ss_qerr r = ss_quarantine_list(c->quarantine_dir, &f, ss_held_key(c), c->quarantine_key_len,
                                   collect, &k, &q->unreadable, err, errlen);
    if (q->n > 1)
        qsort(q->v, q->n, sizeof *q->v, order);
    return r;
}

void ss_held_queue_free(ss_held_queue *q)
{
    for (size_t i = 0; i < q->n; i++) {
        ss_qentry_free(&q->v[i].e);
        free(q->v[i].why);
    }
    free(q->v);
    memset(q, 0, sizeof *q);
}

void ss_held_waited(long secs, ss_buf *out)
{
    long d = secs / 86400, h = secs % 86400 / 3600, m = secs % 3600 / 60;
    if (d)
        ss_buf_printf(out, "%ld day%s", d, d == 1 ? "" : "s");
    if (h)
        ss_buf_printf(out, "%s%ld hour%s", d ? " " : "", h, h == 1 ? "" : "s");
    if (!d && !h && m)
        ss_buf_printf(out, "%ld minute%s", m, m == 1 ? "" : "s");
    if (!d && !h && !m)
        ss_buf_adds(out, "less than a minute");
}
