/* One job through the pool (pool.h): wait for a free reader, send it the
 * attachment, read its answer frame by frame, and put it back, or have
 * the manager kill it when anything went wrong. */
#include "pool_int.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WHY_SLOW "the attachment took too long to read"
#define WHY_CRASHED "the attachment could not be read safely (the reader crashed)"
#define WHY_BAD "the attachment could not be read safely (the reader gave a bad answer)"
#define WHY_SANDBOX "the attachment could not be read safely (the reader broke its sandbox rules)"
#define CHUNK 65536

/* ---- the attachment in ------------------------------------------------- */

/* What is left to send: the header, name and type, then the data from
 * memory or, in chunks, from the job's file. */
typedef struct {
    struct iovec part[4];
    int ip;                      /* the first part not all sent */
    int gone;                    /* the reader stopped taking it */
    const ss_pool_job *job;
    off_t off;                   /* next file offset (fd jobs) */
    unsigned char chunk[CHUNK];
    unsigned char hdr[SS_JOB_HDR];
} sender;

static void sender_init(sender *sd, const ss_pool_job *job)
{
    size_t nl = job->name ? strlen(job->name) : 0, cl = job->ctype ? strlen(job->ctype) : 0;
    nl = nl > SS_JOB_MAX_NAME ? SS_JOB_MAX_NAME : nl;
    cl = cl > SS_JOB_MAX_NAME ? SS_JOB_MAX_NAME : cl;
    ss_job_limits lim = job->lim;
    lim.cpu_seconds = lim.cpu_seconds ? lim.cpu_seconds : 10;
    ss_job_header(sd->hdr, &lim, nl, cl, job->len);
    sd->part[0] = (struct iovec){ sd->hdr, sizeof sd->hdr };
    sd->part[1] = (struct iovec){ (void *)job->name, nl };
    sd->part[2] = (struct iovec){ (void *)job->ctype, cl };
    sd->part[3] = (struct iovec){ (void *)job->data, job->data ? job->len : 0 };
    sd->ip = 0;
    sd->gone = 0;
    sd->job = job;
    sd->off = 0;
}

/* 1: nothing more to send; 0: part[ip...] holds more; -1: the job's file
 * could not be read. */
static int sender_next(sender *sd)
{
    while (sd->ip < 4 && sd->part[sd->ip].iov_len == 0)
        sd->ip++;
    if (sd->gone)
        return 1;
    if (sd->ip < 4)
        return 0;
    size_t left = sd->job->len - (size_t)sd->off;
    if (sd->job->data || left == 0)
        return 1;
    ssize_t n = pread(sd->job->fd, sd->chunk, left < CHUNK ? left : CHUNK, sd->off);
    if (n <= 0)
        return -1;
    sd->off += n;
    sd->part[3] = (struct iovec){ sd->chunk, (size_t)n };
    sd->ip = 3;
    return 0;
}

/* Send what the reader's socket takes now. */
static void send_some(int fd, sender *sd)
{
    struct msghdr m = { .msg_iov = sd->part + sd->ip, .msg_iovlen = (size_t)(4 - sd->ip) };
    ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
        sd->gone = errno != EAGAIN && errno != EINTR;
        return;
    }
    size_t left = (size_t)w;
    while (sd->ip < 4 && left >= sd->part[sd->ip].iov_len) {
        left -= sd->part[sd->ip].iov_len;
        sd->part[sd->ip++].iov_len = 0;
    }
    if (sd->ip < 4) {
        sd->part[sd->ip].iov_base = (char *)sd->part[sd->ip].iov_base + left;
        sd->part[sd->ip].iov_len -= left;
    }
}

/* ---- the answer out ---------------------------------------------------- */

/* Read what the reader wrote into the frames. 1: its answer is complete;
 * 0: more to come; or a failure status. */
static int take_answer(int fd, int all_sent, ssx_frames *f, ss_pool_result *r)
{
    char buf[CHUNK];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (n <= 0) {
        r->why = WHY_CRASHED;
        return -SS_POOL_CRASHED;
    }
    int fr = ssx_frames_feed(f, buf, (size_t)n);
    if (fr < 0 || (fr > 0 && !all_sent)) {   /* nonsense, or an answer before the question */
        r->why = WHY_BAD;
        return -SS_POOL_BAD;
    }
    return fr;
}

/* The job on slot s until its answer ends, the clock runs out, or it
 * breaks the protocol. */
static ss_pool_status run_job(ss_slot *s, const ss_pool_job *job, long until, ssx_frames *f,
                              ss_pool_result *r)
{
    sender *sd = ss_xmalloc(sizeof *sd);
    sender_init(sd, job);
    ss_pool_status st = SS_POOL_ERROR;
    for (;;) {
        int done = sender_next(sd);
        long left = until - ss_pool_now_ms();
        if (left <= 0 || done < 0) {
            st = done < 0 ? SS_POOL_ERROR : SS_POOL_TIMEOUT;
            r->why = done < 0 ? "the attachment could not be read back from disk" : WHY_SLOW;
            break;
        }
        struct pollfd pf[2] = { { s->out, POLLIN, 0 }, { s->in, POLLOUT, 0 } };
        if (poll(pf, done ? 1 : 2, (int)left) < 0 && errno != EINTR) {
            r->why = "poll failed";
            break;
        }
        if (!done && pf[1].revents)
            send_some(s->in, sd);
        int a = pf[0].revents ? take_answer(s->out, done && !sd->gone, f, r) : 0;
        if (a != 0) {
            st = a > 0 ? (f->failed ? SS_POOL_UNREADABLE : SS_POOL_OK) : (ss_pool_status)-a;
            break;
        }
    }
    free(sd);
    return st;
}

/* What the wait status says about a reader that failed a job. */
static void classify_death(ss_pool_result *r)
{
    int ws = r->wait_status;
    if (ws < 0 || r->status == SS_POOL_TIMEOUT || !WIFSIGNALED(ws))
        return;
    if (WTERMSIG(ws) == SIGSYS) {
        r->status = SS_POOL_SANDBOX;
        r->why = WHY_SANDBOX;
    } else if (WTERMSIG(ws) == SIGXCPU) {
        r->status = SS_POOL_CPU;
        r->why = WHY_SLOW;
    } else if (WTERMSIG(ws) != SIGKILL && r->status == SS_POOL_BAD) {
        r->status = SS_POOL_CRASHED;      /* it died mid-answer */
        r->why = WHY_CRASHED;
    }
}

/* ---- a free reader ----------------------------------------------------- */

static void wait_until(pthread_cond_t *c, pthread_mutex_t *m, long left_ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += left_ms / 1000;
    t.tv_nsec += (left_ms % 1000) * 1000000L;
    t.tv_sec += t.tv_nsec / 1000000000L;
    t.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(c, m, &t);
}

/* An idle slot, marked busy; NULL at the deadline or when the pool is
 * stopping. An idle reader that has written anything, or whose pipe is
 * shut, died or went wrong between jobs: it is replaced, and this job,
 * which is not to blame, waits for another. Lock held. */
static ss_slot *take_slot(ss_pool *p, long until)
{
    for (;;) {
        if (p->stopping || p->broken)
            return NULL;
        ss_slot *s = NULL;
        for (unsigned i = 0; i < p->n && !s; i++)
            if (p->s[i].state == SS_SLOT_IDLE)
                s = &p->s[i];
        if (s) {
            struct pollfd chk = { s->out, POLLIN, 0 };
            s->state = SS_SLOT_BUSY;
            if (poll(&chk, 1, 0) == 0)
                return s;
            pid_t dead = s->pid;
            pthread_mutex_unlock(&p->m);
            ss_mgr_kill(p, dead);
            pthread_mutex_lock(&p->m);
            ss_slot_clear(s);
            p->st.lost++;
            ss_pool_wake(p);
            continue;
        }
        long left = until - ss_pool_now_ms();
        if (left <= 0)
            return NULL;
        wait_until(&p->idle, &p->m, left);
    }
}

static void count_status(ss_pool_stats *st, ss_pool_status s)
{
    uint64_t *c[] = { &st->ok, &st->unreadable, &st->busy, &st->timeout, &st->cpu,
                      &st->crashed, &st->sandbox, &st->bad, &st->bad };
    (*c[s])++;
}

/* The slot after its job: idle again, retiring, or (after a failure)
 * emptied for the keeper to refill. Lock held. */
static void put_back(ss_pool *p, ss_slot *s, int ok)
{
    if (!ok) {
        ss_slot_clear(s);
        ss_pool_wake(p);
    } else if (++s->jobs >= p->o.jobs_per_reader) {
        s->state = SS_SLOT_RETIRING;
        ss_pool_wake(p);
    } else {
        s->state = SS_SLOT_IDLE;
        pthread_cond_signal(&p->idle);
    }
}

ss_pool_status ss_pool_submit(ss_pool *p, const ss_pool_job *job, long deadline_ms,
                              ssx_frames *answer, ss_pool_result *r)
{
    memset(r, 0, sizeof *r);
    r->wait_status = -1;
    long until = ss_pool_now_ms() + deadline_ms;
    if (job->len > p->o.max_input) {
        r->why = "the attachment is larger than the readers accept";
        return r->status = SS_POOL_UNREADABLE;
    }
    pthread_mutex_lock(&p->m);
    ss_slot *s = take_slot(p, until);
    p->st.jobs++;
    if (!s) {
        r->status = p->stopping || p->broken ? SS_POOL_ERROR : SS_POOL_BUSY;
        r->why = r->status == SS_POOL_BUSY ? "no attachment reader was free in time"
                                           : "the attachment readers are not running";
        count_status(&p->st, r->status);
        pthread_mutex_unlock(&p->m);
        return r->status;
    }
    r->reader = s->pid;
    r->reader_jobs = s->jobs;
    pthread_mutex_unlock(&p->m);

    /* today's rule: twice the CPU allowance and a second, within the deadline */
    long cpu = job->lim.cpu_seconds ? (long)job->lim.cpu_seconds : 10;
    long own = ss_pool_now_ms() + (job->wall_ms > 0 ? job->wall_ms : cpu * 2000L + 1000L);
    r->status = run_job(s, job, own < until ? own : until, answer, r);
    int ok = r->status == SS_POOL_OK || r->status == SS_POOL_UNREADABLE;
    if (!ok) {
        r->wait_status = ss_mgr_kill(p, s->pid);
        classify_death(r);
    }
    pthread_mutex_lock(&p->m);
    count_status(&p->st, r->status);
    put_back(p, s, ok);
    pthread_mutex_unlock(&p->m);
    return r->status;
}
