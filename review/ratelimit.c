#include "ratelimit.h"
#include "base/buf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char key[96];
    time_t first, last;       /* first failure of the window, latest one */
    unsigned failures;
} entry;

struct ss_ratelimit {
    pthread_mutex_t mu;
    entry *v;
    size_t n, max_slots;
    unsigned max;
    long window;
};

ss_ratelimit *ss_ratelimit_new(size_t slots, unsigned max, long window)
{
    ss_ratelimit *r = ss_xcalloc(1, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->max_slots = slots ? slots : 1;
    r->v = ss_xcalloc(r->max_slots, sizeof *r->v);
    r->max = max;
    r->window = window;
    return r;
}

void ss_ratelimit_free(ss_ratelimit *r)
{
    if (!r)
        return;
    free(r->v);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

static entry *find(ss_ratelimit *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strncmp(r->v[i].key, key, sizeof r->v[i].key - 1))
            return &r->v[i];
    return NULL;
}

/* The key used least recently, to make room. */
static entry *lru(ss_ratelimit *r)
{
    entry *old = &r->v[0];
    for (size_t i = 1; i < r->n; i++)
        if (r->v[i].last < old->last)
            old = &r->v[i];
    return old;
}

long ss_ratelimit_wait(ss_ratelimit *r, const char *key, time_t now)
{
    pthread_mutex_lock(&r->mu);
    entry *e = find(r, key);
    long wait = 0;
    if (e && now - e->first >= r->window)
        e->failures = 0;             /* the window is over */
    else if (e && e->failures >= r->max)
        wait = (long)(e->first + r->window - now);
    pthread_mutex_unlock(&r->mu);
    return wait;
}

void ss_ratelimit_fail(ss_ratelimit *r, const char *key, time_t now)
{
    pthread_mutex_lock(&r->mu);
    entry *e = find(r, key);
    if (!e) {
        e = r->n < r->max_slots ? &r->v[r->n++] : lru(r);
        memset(e, 0, sizeof *e);
        snprintf(e->key, sizeof e->key, "%s", key);
    }
    if (e->failures == 0 || now - e->first >= r->window) {
        e->first = now;
        e->failures = 0;
    }
    e->failures++;
    e->last = now;
    pthread_mutex_unlock(&r->mu);
}

void ss_ratelimit_clear(ss_ratelimit *r, const char *key)
{
    pthread_mutex_lock(&r->mu);
    entry *e = find(r, key);
    if (e)
        *e = r->v[--r->n];
    pthread_mutex_unlock(&r->mu);
}
