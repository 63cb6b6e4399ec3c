#include "session.h"
#include "base/buf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <openssl/crypto.h>

struct ss_sessions {
    pthread_mutex_t mu;
    ss_session *v;
    size_t n, max;
    long idle, absolute;
};

ss_sessions *ss_sessions_new(size_t max, long idle, long absolute)
{
    ss_sessions *s = ss_xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->v = ss_xcalloc(max ? max : 1, sizeof *s->v);
    s->max = max ? max : 1;
    s->idle = idle;
    s->absolute = absolute;
    return s;
}

void ss_sessions_free(ss_sessions *s)
{
    if (!s)
        return;
    OPENSSL_cleanse(s->v, s->max * sizeof *s->v);
    free(s->v);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* 32 random bytes as 64 hex digits. A machine without randomness cannot
 * keep sessions apart: stop rather than hand out guessable ids. */
static void random_hex(char out[65])
{
    unsigned char r[32];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        abort();
    for (size_t i = 0; i < sizeof r; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
    OPENSSL_cleanse(r, sizeof r);
}

static int live(const ss_sessions *s, const ss_session *x, time_t now)
{
    return x->id[0] && now - x->seen <= s->idle && now - x->created <= s->absolute;
}

static void end(ss_sessions *s, size_t i)
{
    OPENSSL_cleanse(&s->v[i], sizeof s->v[i]);
    s->v[i] = s->v[--s->n];
    memset(&s->v[s->n], 0, sizeof s->v[s->n]);
}

/* Ended sessions out; then, if still full, the least recently used. */
static ss_session *slot(ss_sessions *s, time_t now)
{
    for (size_t i = s->n; i-- > 0;)
        if (!live(s, &s->v[i], now))
            end(s, i);
    if (s->n == s->max) {
        size_t old = 0;
        for (size_t i = 1; i < s->n; i++)
            if (s->v[i].seen < s->v[old].seen)
                old = i;
        end(s, old);
    }
    ss_session *x = &s->v[s->n++];
    memset(x, 0, sizeof *x);
    random_hex(x->id);
    random_hex(x->csrf);
    x->created = x->seen = now;
    return x;
}

/* The session called id, live or not. */
static ss_session *by_id(ss_sessions *s, const char *id)
{
    for (size_t i = 0; id && strlen(id) == 64 && i < s->n; i++)
        if (CRYPTO_memcmp(s->v[i].id, id, 64) == 0)
            return &s->v[i];
    return NULL;
}

static ss_session *find(ss_sessions *s, const char *id, time_t now)
{
    ss_session *x = by_id(s, id);
    return x && live(s, x, now) ? x : NULL;
}

int ss_session_get(ss_sessions *s, const char *cookie, time_t now, ss_session *out)
{
    pthread_mutex_lock(&s->mu);
    ss_session *x = find(s, cookie, now);
    int found = x != NULL;
    if (!x)
        x = slot(s, now);
    x->seen = now;
    *out = *x;
    pthread_mutex_unlock(&s->mu);
    return found;
}

static void end_id(ss_sessions *s, const char *id)
{
    ss_session *x = by_id(s, id);
    if (x)
        end(s, (size_t)(x - s->v));
}

void ss_session_login(ss_sessions *s, const char *old_id, const char *user, const char *full,
                      const char *fp, time_t now, ss_session *out)
{
    pthread_mutex_lock(&s->mu);
    end_id(s, old_id);
    ss_session *x = slot(s, now);
    snprintf(x->user, sizeof x->user, "%s", user);
    snprintf(x->full, sizeof x->full, "%s", full);
    snprintf(x->fp, sizeof x->fp, "%s", fp);
    *out = *x;
    pthread_mutex_unlock(&s->mu);
}

void ss_session_end(ss_sessions *s, const char *id)
{
    pthread_mutex_lock(&s->mu);
    end_id(s, id);
    pthread_mutex_unlock(&s->mu);
}

void ss_session_end_user(ss_sessions *s, const char *user)
{
    pthread_mutex_lock(&s->mu);
    for (size_t i = s->n; i-- > 0;)
        if (s->v[i].user[0] && !strcmp(s->v[i].user, user))
            end(s, i);
    pthread_mutex_unlock(&s->mu);
}

void ss_session_flash(ss_sessions *s, const char *id, const char *text, int error)
{
    pthread_mutex_lock(&s->mu);
    ss_session *x = by_id(s, id);
    if (x) {
        snprintf(x->flash, sizeof x->flash, "%s", text);
        x->flash_error = error;
    }
    pthread_mutex_unlock(&s->mu);
}

int ss_session_take_flash(ss_sessions *s, const char *id, char *out, size_t n, int *error)
{
    pthread_mutex_lock(&s->mu);
    ss_session *x = by_id(s, id);
    int got = x && x->flash[0];
    if (got) {
        snprintf(out, n, "%s", x->flash);
        *error = x->flash_error;
        x->flash[0] = '\0';
    }
    pthread_mutex_unlock(&s->mu);
    return got;
}

int ss_csrf_ok(const ss_session *s, const char *token)
{
    return token && strlen(token) == 64 && strlen(s->csrf) == 64
        && CRYPTO_memcmp(s->csrf, token, 64) == 0;
}
