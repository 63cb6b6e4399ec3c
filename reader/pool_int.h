/* Internals of the reader pool (reader/pool.h), shared by its files only:
 *   pool.c      slots, the keeper thread that fills them, start, shutdown
 *   pool_mgr.c  the manager: starting it, one request at a time
 *   pool_job.c  a job: a free reader, the attachment in, the answer out
 *
 * Slots hold readers. A submitting thread takes an idle slot (waiting on
 * `idle` up to its deadline), runs the job on it without the lock, and
 * puts it back: idle; retiring after jobs_per_reader jobs; or, after any
 * failure, killed through the manager and empty. The keeper refills empty
 * slots and reaps retiring ones; it sleeps in poll() on a wake pipe and on
 * the pipes of readers still warming up. */
#ifndef SS_READER_POOL_INT_H
#define SS_READER_POOL_INT_H

#include <pthread.h>

#include "pool.h"

typedef struct {
    int state;                   /* SS_SLOT_* */
    pid_t pid;
    int in, out;                 /* job socket (write), answer pipe (read) */
    unsigned jobs;
    long started_ms;             /* when STARTING began */
    unsigned char rbuf[160 + 5]; /* the 'R' record while starting */
    size_t rlen;
    char info[160];
} ss_slot;

struct ss_pool {
    ss_pool_opts o;
    pthread_mutex_t m;
    pthread_cond_t idle;         /* a slot became IDLE, or the pool is stopping */
    pthread_cond_t settled;      /* no slot is STARTING (ss_pool_start waits) */
    pthread_mutex_t mgr_lock;    /* one request at a time on the manager socket */
    int mgr;                     /* socket to the manager */
    pid_t mgr_pid;
    int broken;                  /* the manager is gone */
    int wake[2];                 /* wakes the keeper */
    pthread_t keeper;
    int keeper_running;
    int stopping;
    unsigned fail_streak;        /* readers in a row that did not start */
    long retry_at;               /* no new reader before this (back-off) */
    char last_start_error[128];
    ss_pool_stats st;
    unsigned n;
    ss_slot *s;
};

long ss_pool_now_ms(void);
void ss_pool_wake(ss_pool *p);
/* Closes a slot's channels and empties it (lock held). */
void ss_slot_clear(ss_slot *s);

/* pool_mgr.c */
int ss_mgr_start(ss_pool *p, char *err, size_t errlen);
/* A new reader: its pid and the pool's two ends. -1: refused or gone. */
int ss_mgr_spawn(ss_pool *p, pid_t *pid, int fds[2]);
/* Kills and reaps one of the manager's readers: its wait status, or -1.
 * Adds the reader's CPU to the pool's count. */
int ss_mgr_kill(ss_pool *p, pid_t pid);
void ss_mgr_quit(ss_pool *p);

#endif
