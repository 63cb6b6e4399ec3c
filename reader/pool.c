/* The reader pool (pool.h, pool_int.h): its slots, the keeper thread that
 * fills them, start and shutdown. */
#include "pool_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_POLL 64

long ss_pool_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

void ss_pool_wake(ss_pool *p)
{
    char c = 1;
    if (write(p->wake[1], &c, 1) < 0) {
        /* the pipe is full: the keeper is awake already */
    }
}

void ss_slot_clear(ss_slot *s)
{
    if (s->in >= 0)
        close(s->in);
    if (s->out >= 0)
        close(s->out);
    s->in = s->out = -1;
    s->pid = 0;
    s->state = SS_SLOT_EMPTY;
}

const char *ss_pool_status_name(ss_pool_status s)
{
    static const char *const names[] = { "ok", "unreadable", "busy", "timeout", "cpu",
                                         "crashed", "sandbox", "bad", "error" };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static void defaults(ss_pool_opts *o)
{
    if (!o->size) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        o->size = c > 0 ? (unsigned)c : 1;
    }
    o->size = o->size > MAX_POLL - 1 ? MAX_POLL - 1 : o->size;
    o->jobs_per_reader = o->jobs_per_reader ? o->jobs_per_reader : 200;
    o->reader_memory = o->reader_memory ? o->reader_memory : 512u << 20;
    o->reader_cpu = o->reader_cpu ? o->reader_cpu : 600;
    o->max_input = o->max_input ? o->max_input : 256u << 20;
    o->start_ms = o->start_ms ? o->start_ms : 20000;
    o->reader_user = o->reader_user ? o->reader_user : "safeshare-reader";
}

int ss_pool_create(ss_pool **out, const ss_pool_opts *opts, char *err, size_t errlen)
{
    ss_pool *p = ss_xcalloc(1, sizeof *p);
    p->o = *opts;
    defaults(&p->o);
    p->n = p->o.size;
    p->s = ss_xcalloc(p->n, sizeof *p->s);
    for (unsigned i = 0; i < p->n; i++)
        p->s[i].in = p->s[i].out = -1;
    if (pipe2(p->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        snprintf(err, errlen, "cannot set up the reader pool: %s", strerror(errno));
        free(p->s);
        free(p);
        return -1;
    }
    if (ss_mgr_start(p, err, errlen) != 0) {
        close(p->wake[0]);
        close(p->wake[1]);
        free(p->s);
        free(p);
        return -1;
    }
    pthread_mutex_init(&p->m, NULL);
    pthread_mutex_init(&p->mgr_lock, NULL);
    pthread_cond_init(&p->idle, NULL);
    pthread_cond_init(&p->settled, NULL);
    *out = p;
    return 0;
}

/* ---- the keeper -------------------------------------------------------- */

/* A reader did not come up: empty its slot and back off (0.2 s, 0.4 s ...
 * 6.4 s), so a broken install does not spin. Lock held; dropped to reap. */
static void start_failed(ss_pool *p, ss_slot *s, const char *why)
{
    pid_t pid = s->pid;
    ss_slot_clear(s);
    p->st.start_failures++;
    p->fail_streak++;
    p->retry_at = ss_pool_now_ms() + (100L << (p->fail_streak < 6 ? p->fail_streak : 6));
    pthread_mutex_unlock(&p->m);
    int st = pid > 0 ? ss_mgr_kill(p, pid) : -1;
    pthread_mutex_lock(&p->m);
    char *e = p->last_start_error;
    size_t n = sizeof p->last_start_error;
    if (st >= 0 && WIFEXITED(st))
        snprintf(e, n, "%s (exit %d)", why, WEXITSTATUS(st));
    else if (st >= 0 && WIFSIGNALED(st))
        snprintf(e, n, "%s (signal %d)", why, WTERMSIG(st));
    else
        snprintf(e, n, "%s", why);
}

/* A reader warming up has written more of its 'R' record. Lock held. */
static void read_ready(ss_pool *p, ss_slot *s)
{
    ssize_t n = read(s->out, s->rbuf + s->rlen, sizeof s->rbuf - s->rlen);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    const char *bad = n <= 0 ? "the reader died while starting"
                    : s->rbuf[0] != 'R' ? "the reader said something other than ready" : NULL;
    s->rlen += n > 0 ? (size_t)n : 0;
    size_t len = s->rlen >= 5 ? ss_be32_get(s->rbuf + 1) : 0;
    if (!bad && s->rlen >= 5 && (len >= sizeof s->info || s->rlen > 5 + len))
        bad = "the reader's ready line is malformed";
    if (bad) {
        start_failed(p, s, bad);
        return;
    }
    if (s->rlen < 5 || s->rlen < 5 + len)
        return;
    memcpy(s->info, s->rbuf + 5, len);
    s->info[len] = 0;
    s->state = SS_SLOT_IDLE;
    s->jobs = 0;
    p->st.started++;
    p->fail_streak = 0;
    pthread_cond_signal(&p->idle);
}

/* Readers done with their jobs: EOF tells them to exit; reap them. */
static void retire(ss_pool *p)
{
    for (unsigned i = 0; i < p->n; i++) {
        ss_slot *s = &p->s[i];
        if (s->state != SS_SLOT_RETIRING)
            continue;
        pid_t pid = s->pid;
        ss_slot_clear(s);
        p->st.retired++;
        pthread_mutex_unlock(&p->m);
        ss_mgr_kill(p, pid);
        pthread_mutex_lock(&p->m);
    }
}

/* Ask the manager for a reader for every empty slot (unless backing off). */
static void refill(ss_pool *p)
{
    for (unsigned i = 0; i < p->n && !p->broken && p->retry_at <= ss_pool_now_ms(); i++) {
        ss_slot *s = &p->s[i];
        if (s->state != SS_SLOT_EMPTY)
            continue;
        s->state = SS_SLOT_STARTING;
        pthread_mutex_unlock(&p->m);
        pid_t pid = 0;
        int fds[2];
        int rc = ss_mgr_spawn(p, &pid, fds);
        pthread_mutex_lock(&p->m);
        s->pid = pid;
        if (rc < 0) {
            start_failed(p, s, p->broken ? "the reader manager is gone"
                                         : "the manager could not start a reader");
            return;
        }
        s->in = fds[0];
        s->out = fds[1];
        fcntl(s->in, F_SETFL, O_NONBLOCK);
        s->rlen = 0;
        s->info[0] = 0;
        s->started_ms = ss_pool_now_ms();
    }
}

/* What to wait for: the wake pipe and every reader warming up. Returns
 * how many; *timeout is when to look again (-1: only when woken). */
static int wait_set(ss_pool *p, struct pollfd *pf, ss_slot **who, long *timeout)
{
    int empty = 0, np = 1;
    for (unsigned i = 0; i < p->n; i++)
        empty += p->s[i].state == SS_SLOT_EMPTY;
    long retry = p->retry_at - ss_pool_now_ms();
    *timeout = empty && !p->broken ? (retry > 0 ? retry : 0) : -1;
    pf[0] = (struct pollfd){ p->wake[0], POLLIN, 0 };
    who[0] = NULL;
    for (unsigned i = 0; i < p->n; i++) {
        ss_slot *s = &p->s[i];
        if (s->state != SS_SLOT_STARTING || s->out < 0)
            continue;
        long left = s->started_ms + (long)p->o.start_ms - ss_pool_now_ms();
        if (left <= 0) {
            start_failed(p, s, "the reader did not warm up in time");
            continue;
        }
        *timeout = *timeout < 0 || left < *timeout ? left : *timeout;
        pf[np] = (struct pollfd){ s->out, POLLIN, 0 };
        who[np++] = s;
    }
    return np;
}

static void *keeper(void *arg)
{
    ss_pool *p = arg;
    pthread_mutex_lock(&p->m);
    while (!p->stopping) {
        retire(p);
        refill(p);
        struct pollfd pf[MAX_POLL];
        ss_slot *who[MAX_POLL];
        long timeout;
        int np = wait_set(p, pf, who, &timeout);
        if (np == 1)
            pthread_cond_broadcast(&p->settled);
        pthread_mutex_unlock(&p->m);
        int r = poll(pf, (nfds_t)np, (int)(timeout > 600000 ? 600000 : timeout));
        pthread_mutex_lock(&p->m);
        if (r <= 0)
            continue;
        char drain[64];
        while (pf[0].revents && read(p->wake[0], drain, sizeof drain) > 0)
            ;
        for (int k = 1; k < np; k++)
            if (pf[k].revents && who[k]->state == SS_SLOT_STARTING && who[k]->out == pf[k].fd)
                read_ready(p, who[k]);
    }
    pthread_cond_broadcast(&p->settled);
    pthread_mutex_unlock(&p->m);
    return NULL;
}

/* ---- start, look, stop --------------------------------------------------- */

static unsigned count(const ss_pool *p, int state)
{
    unsigned n = 0;
    for (unsigned i = 0; i < p->n; i++)
        n += p->s[i].state == state;
    return n;
}

int ss_pool_start(ss_pool *p, char *err, size_t errlen)
{
    if (pthread_create(&p->keeper, NULL, keeper, p) != 0) {
        snprintf(err, errlen, "cannot start the reader pool's thread");
        return -1;
    }
    p->keeper_running = 1;
    long until = ss_pool_now_ms() + (long)p->o.start_ms + 1000;
    pthread_mutex_lock(&p->m);
    /* all warm; the manager gone; something failed with nothing still on
     * its way; or out of time */
    while (count(p, SS_SLOT_IDLE) < p->n && !p->broken && ss_pool_now_ms() < until &&
           !(p->st.start_failures && !count(p, SS_SLOT_STARTING))) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 50 * 1000000L;
        t.tv_sec += t.tv_nsec / 1000000000L;
        t.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&p->settled, &p->m, &t);
    }
    unsigned idle = count(p, SS_SLOT_IDLE);
    if (!idle)
        snprintf(err, errlen, "no attachment reader started: %s",
                 p->broken ? "the reader manager is gone (see the log for why)"
                 : p->last_start_error[0] ? p->last_start_error : "timed out");
    pthread_mutex_unlock(&p->m);
    return idle ? 0 : -1;
}

void ss_pool_get_stats(ss_pool *p, ss_pool_stats *s)
{
    pthread_mutex_lock(&p->m);
    *s = p->st;
    pthread_mutex_unlock(&p->m);
}

int ss_pool_readers(ss_pool *p, ss_pool_reader *out, int max)
{
    pthread_mutex_lock(&p->m);
    int n = 0;
    for (unsigned i = 0; i < p->n && n < max; i++, n++) {
        out[n].pid = p->s[i].pid;
        out[n].jobs = p->s[i].jobs;
        out[n].state = p->s[i].state;
        snprintf(out[n].info, sizeof out[n].info, "%s", p->s[i].info);
    }
    pthread_mutex_unlock(&p->m);
    return n;
}

pid_t ss_pool_manager(const ss_pool *p)
{
    return p->mgr_pid;
}

void ss_pool_shutdown(ss_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->m);
    p->stopping = 1;
    pthread_cond_broadcast(&p->idle);
    pthread_mutex_unlock(&p->m);
    ss_pool_wake(p);
    if (p->keeper_running)
        pthread_join(p->keeper, NULL);
    for (unsigned i = 0; i < p->n; i++) {
        pid_t pid = p->s[i].pid;
        ss_slot_clear(&p->s[i]);
        if (pid > 0)
            ss_mgr_kill(p, pid);
    }
    ss_mgr_quit(p);
    close(p->wake[0]);
    close(p->wake[1]);
    pthread_mutex_destroy(&p->m);
    pthread_mutex_destroy(&p->mgr_lock);
    pthread_cond_destroy(&p->idle);
    pthread_cond_destroy(&p->settled);
    free(p->s);
    free(p);
}
