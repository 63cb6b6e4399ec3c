/* Reading an attachment without trusting its parser.
 *
 * The milter is multi-threaded (libmilter: a thread per connection), so a
 * parser never runs in a fork() of it. With a reader pool (reader/pool.h,
 * what the milter runs) the attachment goes to a warm, sandboxed reader;
 * without one (safesharectl, tests) a fresh safeshare-extract is started
 * with posix_spawn for each attachment and sets its own rlimits before it
 * reads a byte: the attachment on stdin (a memfd, so a large file cannot
 * deadlock against the output pipe), framed records back on stdout
 * (reader/frames.c). Either way, anything but a well-formed answer — a
 * crash, a kill, a hang past the wall clock, a bad frame, a sandbox
 * breach, a reader that says it failed — makes the attachment unreadable,
 * and the caller carries on. */
#include "reader.h"
#include "frames.h"
#include "pool.h"
#include "spawn.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SS_LIBEXECDIR
#define SS_LIBEXECDIR "/usr/local/libexec"
#endif

#define WHY_CRASHED "the attachment could not be read safely (the reader crashed)"
#define WHY_SLOW "the attachment took too long to read"
#define WHY_MISSING "the attachment could not be read safely (the reader program is missing)"
#define WHY_BAD "the attachment could not be read safely (the reader gave a bad answer)"
#define WHY_START "the attachment could not be read safely (the reader could not be started)"
#define WHY_MSG_SLOW "the message took too long to check"
#define WHY_BUSY "the attachment could not be read in time (every attachment reader was busy)"
#define WHY_NO_POOL "the attachment could not be read safely (the attachment readers are not running)"

static ss_pool *pool;

void ssx_use_pool(ss_pool *p)
{
    pool = p;
}

/* ---- the parent's side: running the worker ----------------------------- */

const char *ssx_worker_path(const char *worker)
{
    const char *env = getenv("SAFESHARE_EXTRACT");
    if (worker && *worker)
        return worker;
    if (env && *env)
        return env;
    return SS_LIBEXECDIR "/safeshare/safeshare-extract";
}

static int input_fd(const unsigned char *data, size_t len)
{
    int fd = memfd_create("safeshare-attachment", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (ss_write_all(fd, data, len) < 0 || lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static pid_t spawn(const char *path, char *const argv[], int in, int out)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = ssx_spawn(&pid, path, argv, &fa);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* The answer, frame by frame, until EOF; -1 on the wall clock, -2 on a
 * bad answer. */
static int collect(int fd, long wall_ms, ssx_frames *f)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        long left = wall_ms - ms_since(&t0);
        if (left <= 0)
            return -1;
        struct pollfd p = { fd, POLLIN, 0 };
        int r = poll(&p, 1, (int)(left > 1000000 ? 1000000 : left));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r == 0 ? -1 : -2;
        char chunk[65536];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        if (ssx_frames_feed(f, chunk, (size_t)n) < 0)
            return -2;
    }
}

/* The reason a finished worker failed, or NULL if it exited cleanly. */
static const char *exit_reason(pid_t pid, int killed)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            return killed ? WHY_SLOW : NULL;     /* SIGCHLD ignored: trust 'E' */
    }
    if (killed)
        return WHY_SLOW;
    if (WIFSIGNALED(st))
        return WTERMSIG(st) == SIGXCPU || WTERMSIG(st) == SIGKILL ? WHY_SLOW : WHY_CRASHED;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        return WHY_MISSING;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? NULL : WHY_CRASHED;
}

static void fmt_size(char *out, size_t n)
{
    snprintf(out, 24, "%zu", n);
}

/* The wall clock for one worker: twice its CPU allowance and a second,
 * or what is left of the message's time if that is less. *by_message is
 * set when the message's clock is the one that binds. */
static long wall_clock(const ss_attach_limits *lim, int *by_message)
{
    long own = (long)(lim->max_seconds ? lim->max_seconds : 1) * 2000L + 1000L;
    *by_message = lim->wall_ms && lim->wall_ms < (unsigned long)own;
    return *by_message ? (long)lim->wall_ms : own;
}

static const char *run_worker(const unsigned char *data, size_t len,
                              const char *name, const char *ctype,
                              const ss_attach_limits *lim, const char *path,
                              ssx_out *o)
{
    char a[7][24];
    fmt_size(a[0], lim->max_archive_bytes);
    fmt_size(a[1], lim->max_total_bytes);
    fmt_size(a[2], lim->max_archive_depth);
    fmt_size(a[3], lim->max_entries);
    fmt_size(a[4], lim->max_seconds);
    fmt_size(a[5], lim->max_memory);
    fmt_size(a[6], o->total);
    char *argv[] = { (char *)path, a[0], a[1], a[2], a[3], a[4], a[5], a[6],
                     (char *)(name ? name : ""), (char *)(ctype ? ctype : ""), NULL };
    int in = input_fd(data, len), out[2] = { -1, -1 };
    if (in < 0 || pipe2(out, O_CLOEXEC) < 0) {
        if (in >= 0)
            close(in);
        return WHY_START;
    }
    pid_t pid = spawn(path, argv, in, out[1]);
    close(in);
    close(out[1]);
    if (pid < 0) {
        close(out[0]);
        return access(path, X_OK) == 0 ? WHY_START : WHY_MISSING;
    }
    int by_message;
    long wall = wall_clock(lim, &by_message);
    ssx_frames f;
    ssx_frames_init(&f, o, 2 * (lim->max_total_bytes + len) + (1u << 20));
    int r = collect(out[0], wall, &f);
    close(out[0]);
    if (r < 0)
        kill(pid, SIGKILL);
    const char *why = exit_reason(pid, r == -1);
    if (r == -2 || (!why && !f.ended))   /* killed for its answer, or no 'E' */
        why = WHY_BAD;
    else if (why && r == -1 && by_message)
        why = WHY_MSG_SLOW;
    ssx_frames_finish(&f, len);       /* what it read before a failure counts */
    return why;
}

/* The pool's verdict on a job, as the reason a person reads. */
static const char *pool_reason(const ss_pool_result *r, int by_message)
{
    switch (r->status) {
    case SS_POOL_OK:
    case SS_POOL_UNREADABLE:
        return r->why;                /* NULL, or "larger than the readers accept" */
    case SS_POOL_TIMEOUT:
    case SS_POOL_CPU:
        return by_message ? WHY_MSG_SLOW : WHY_SLOW;
    case SS_POOL_CRASHED:
    case SS_POOL_SANDBOX:
        return WHY_CRASHED;
    case SS_POOL_BAD:
        return WHY_BAD;
    case SS_POOL_BUSY:
        return WHY_BUSY;
    default:
        return WHY_NO_POOL;
    }
}

/* A failed job is logged (without the attachment's name: it may name a
 * child). A sandbox kill is a warning: a parser was exploited, or a
 * library update needs a system call the filter does not allow. */
static void log_failure(const ss_pool_result *r)
{
    if (r->status == SS_POOL_OK || r->status == SS_POOL_UNREADABLE)
        return;
    if (r->status == SS_POOL_SANDBOX)
        ss_log(SS_LOG_WARNING, "attachment reader %d was killed by its seccomp filter; it "
               "has been replaced (see safeshare-milter(8), SANDBOX)", (int)r->reader);
    else
        ss_log(SS_LOG_NOTICE, "attachment reader %d: %s (%s); replaced",
               (int)r->reader, ss_pool_status_name(r->status), r->why ? r->why : "");
}

static const char *run_pooled(const unsigned char *data, size_t len, const char *name,
                              const char *ctype, const ss_attach_limits *lim, ssx_out *o)
{
    int by_message;
    long wall = wall_clock(lim, &by_message);
    ss_pool_job job = {
        .data = data, .len = len, .fd = -1, .name = name, .ctype = ctype,
        .lim = { lim->max_archive_bytes, lim->max_total_bytes, lim->max_archive_depth,
                 lim->max_entries, lim->max_seconds ? lim->max_seconds : 1, o->total },
        .wall_ms = wall,
    };
    /* Waiting for a free reader counts against the message's clock
     * (MaxScanTime); without one, against this reader's own. */
    long deadline = lim->wall_ms ? (long)lim->wall_ms : wall;
    ssx_frames f;
    ssx_frames_init(&f, o, 2 * (lim->max_total_bytes + len) + (1u << 20));
    ss_pool_result r;
    ss_pool_submit(pool, &job, deadline, &f, &r);
    ssx_frames_finish(&f, len);
    log_failure(&r);
    return pool_reason(&r, by_message);
}

static void not_read(const unsigned char *data, size_t len, const char *ctype,
                     ssx_out *o)
{
    char what[72], why[128];
    ssx_describe(data, len, ctype, what, sizeof what);
    snprintf(why, sizeof why, "this kind of file is not read (%s)", what);
    o->skip(o, "", why, !ssx_media_only(data, len, ctype));  /* fail closed unless media */
}

/* MaxTotalBytes across the message: 0 if n more bytes fit. */
static int over_total(const ss_attach_limits *lim, ssx_out *o, size_t n)
{
    if (o->total <= lim->max_total_bytes && n <= lim->max_total_bytes - o->total)
        return 0;
    char why[128];
    ssx_why_total(lim->max_total_bytes, why, sizeof why);
    o->skip(o, "", why, 1);
    return 1;
}

void ssx_scan(const unsigned char *data, size_t len, const char *name,
              const char *ctype, const char *charset,
              const ss_attach_limits *lim, const char *worker, ssx_out *o)
{
    static const ss_attach_limits defaults = SS_ATTACH_LIMITS_DEFAULT;
    lim = lim ? lim : &defaults;
    ssx_kind k = ssx_sniff(data, len, ctype, name);
    if (k == SSX_EMPTY)
        return;
    if (k == SSX_OTHER) {
        not_read(data, len, ctype, o);
        return;
    }
    if (k == SSX_TEXT) {              /* no parser risk: read here */
        ss_buf b = SS_BUF_INIT;
        ssx_text_decode(&b, data, len, charset);
        ssx_emit(o, "", "", &b);
        ss_buf_free(&b);
        return;
    }
    if (over_total(lim, o, 1))        /* nothing left for a reader */
        return;
    const char *why = pool ? run_pooled(data, len, name, ctype, lim, o)
                           : run_worker(data, len, name, ctype, lim, ssx_worker_path(worker), o);
    if (why)
        o->skip(o, "", why, 1);
}

/* ---- the start-up check ------------------------------------------------- */

#define PROBE_TEXT "safeshare reader check"

typedef struct {
    int seen;
    char why[256];
} probe;

static void probe_text(ssx_out *o, const char *sub, const char *utf8, size_t len)
{
    probe *p = o->ctx;
    if (memmem(utf8, len, PROBE_TEXT, strlen(PROBE_TEXT)))
        p->seen = 1;
}

static void probe_skip(ssx_out *o, const char *sub, const char *why, int unreadable)
{
    probe *p = o->ctx;
    snprintf(p->why, sizeof p->why, "%s", why);
}

int ssx_worker_probe(const char *worker, char *why, size_t whylen)
{
    const char *path = ssx_worker_path(worker);
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, whylen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "%s: not a program file", path);
        return -1;
    }
    if (access(path, X_OK) != 0) {
        snprintf(why, whylen, "%s: not executable by this user: %s", path, strerror(errno));
        return -1;
    }
    static const char rtf[] = "{\\rtf1\\ansi " PROBE_TEXT "}";
    probe p = { 0, "" };
    ssx_out o = { .text = probe_text, .skip = probe_skip, .ctx = &p };
    ssx_scan((const unsigned char *)rtf, sizeof rtf - 1, "check.rtf", "application/rtf", NULL,
             NULL, worker, &o);
    if (p.seen)
        return 0;
    snprintf(why, whylen, "%s does not read a small RTF document: %s", path,
             p.why[0] ? p.why : "it returned no text");
    return -1;
}
