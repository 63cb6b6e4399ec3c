/* A pool of warm, sandboxed attachment readers: the milter's side.
 *
 * The milter keeps `size` safeshare-extract processes (default: CPUs
 * online) started ahead of time, warm (libarchive and poppler loaded and
 * initialised) and locked down: their own user, no network, no new
 * privileges, a seccomp filter (reader/sandbox.c). A thread with an
 * attachment to read calls ss_pool_submit: it waits, up to its deadline,
 * for a free reader, hands it the attachment and reads back the frames a
 * one-shot reader writes (reader/frames.c), each delivered as it comes. A
 * reader that crashes, breaks the protocol, overruns its wall clock or its
 * CPU, or is killed by its filter, is replaced and that job fails; a
 * reader is also replaced, quietly, after jobs_per_reader jobs. The pool
 * never holds more than `size` readers.
 *
 * Readers are started by safeshare-readerd (reader/readerd.c), the one
 * privileged helper, which ss_pool_create starts with posix_spawn. Call
 * ss_pool_create while still root and before any thread exists (before the
 * privilege drop and the daemon's fork: the manager is not a child that
 * must stay with its parent), and ss_pool_start after daemonising (it
 * starts a thread). */
#ifndef SS_READER_POOL_H
#define SS_READER_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "frames.h"
#include "proto.h"

typedef struct {
    const char *manager_path;   /* safeshare-readerd */
    const char *reader_path;    /* safeshare-extract */
    const char *reader_user;    /* "safeshare-reader", or "#UID:GID" */
    int strict;                 /* 1: refuse to run without the reader user and
                                   a network namespace (the milter as root);
                                   0: carry on with what an unprivileged
                                   caller can have (same uid, a user namespace) */
    unsigned size;              /* readers; 0: CPUs online */
    unsigned jobs_per_reader;   /* replaced after this many jobs; 0: 200 */
    uint64_t reader_memory;     /* RLIMIT_AS of a reader; 0: 512 MiB */
    uint64_t reader_cpu;        /* RLIMIT_CPU over a reader's life, s; 0: 600 */
    uint64_t max_input;         /* largest attachment accepted; 0: 256 MiB */
    unsigned start_ms;          /* for a reader to warm up and say ready; 0: 20 s */
    int no_seccomp;             /* tests and profiling only: no filter */
} ss_pool_opts;

typedef struct {
    const unsigned char *data;  /* the attachment, or NULL to read it from fd */
    size_t len;
    int fd;                     /* with data NULL: len bytes from offset 0 */
    const char *name;           /* may be NULL */
    const char *ctype;          /* may be NULL */
    ss_job_limits lim;          /* lim.cpu_seconds: this job's CPU (0: 10) */
    long wall_ms;               /* this job's wall clock; 0: 2 * cpu_seconds + 1 s */
} ss_pool_job;

typedef enum {
    SS_POOL_OK,          /* read: the answer ended with 'E' 0 */
    SS_POOL_UNREADABLE,  /* the reader says so ('E' 1), or it is too large */
    SS_POOL_BUSY,        /* no reader came free before the deadline */
    SS_POOL_TIMEOUT,     /* the wall clock ran out while reading: killed */
    SS_POOL_CPU,         /* the job used its CPU seconds: killed (SIGXCPU) */
    SS_POOL_CRASHED,     /* the reader died (signal, abort, memory limit) */
    SS_POOL_SANDBOX,     /* the reader was killed by its filter (SIGSYS) */
    SS_POOL_BAD,         /* a bad frame, too much output, or output unasked */
    SS_POOL_ERROR        /* the pool cannot work (the manager is gone) */
} ss_pool_status;

typedef struct {
    ss_pool_status status;
    pid_t reader;               /* the reader that ran it (0: none) */
    unsigned reader_jobs;       /* jobs that reader had finished before */
    int wait_status;            /* how it died, when it did; else -1 */
    const char *why;            /* a plain reason when status is a failure */
} ss_pool_result;

typedef struct {
    uint64_t jobs, ok, unreadable, busy, timeout, cpu, crashed, sandbox, bad;
    uint64_t started, retired, start_failures;
    uint64_t lost;              /* idle readers found dead and replaced */
    uint64_t reader_cpu_us;     /* user+system CPU of readers reaped so far */
} ss_pool_stats;

enum { SS_SLOT_EMPTY, SS_SLOT_STARTING, SS_SLOT_IDLE, SS_SLOT_BUSY, SS_SLOT_RETIRING };

typedef struct {
    pid_t pid;
    unsigned jobs;
    int state;                  /* SS_SLOT_* */
    char info[160];             /* the reader's 'R' line: uid, gid, ifs, up... */
} ss_pool_reader;

/* Starts the manager (no thread). -1 with a reason in err on failure. */
int ss_pool_create(ss_pool **out, const ss_pool_opts *opts, char *err, size_t errlen);
/* Starts the keeper thread and the readers, and waits until every reader
 * is warm, or start_ms. -1 (reason in err) if none came up. */
int ss_pool_start(ss_pool *p, char *err, size_t errlen);
/* Reads one attachment: its frames go to answer (ssx_frames_init'ed by
 * the caller) as they arrive. deadline_ms bounds the whole call, the wait
 * for a free reader and the reading; the reading also gets at most
 * job->wall_ms. A reader that fails while reading is killed and replaced
 * and the job reports why (it is never retried: a hostile file would get
 * another reader to attack). Fills *r; returns r->status. */
ss_pool_status ss_pool_submit(ss_pool *p, const ss_pool_job *job, long deadline_ms,
                              ssx_frames *answer, ss_pool_result *r);
void ss_pool_get_stats(ss_pool *p, ss_pool_stats *s);
/* What each slot holds now (tests; a status command). Returns the count. */
int ss_pool_readers(ss_pool *p, ss_pool_reader *out, int max);
/* The manager's process id (tests; a status command). */
pid_t ss_pool_manager(const ss_pool *p);
/* Stops the readers and the manager. No ss_pool_submit may be running. */
void ss_pool_shutdown(ss_pool *p);

const char *ss_pool_status_name(ss_pool_status s);

#endif
