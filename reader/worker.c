/* Reading an attachment without trusting its parser.
 *
 * The milter is multi-threaded (libmilter: a thread per connection), so a
 * parser never runs in a fork() of it: the worker is a fresh program,
 * started with posix_spawn, that sets its own rlimits before it reads a
 * byte. The attachment goes in on stdin (a memfd, so a large file cannot
 * deadlock against the output pipe); framed records come back on stdout:
 *
 *   'T' u32 sublen, sub, u32 len, text          a text segment
 *   'S' u32 sublen, sub, u32 whylen, why, u8 unreadable
 *   'U' u32 len, decimal                         decompressed bytes in all,
 *                                               the message's earlier
 *                                               attachments included
 *   'E' u8 failed                               end of output
 *
 * (u32 big-endian.) Anything else — a crash, a kill, a hang past the wall
 * clock, output with no 'E' or a bad frame — makes the attachment
 * unreadable, and the caller carries on. */
#include "reader.h"

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

/* ---- the worker's side: framing ---------------------------------------- */

static void put_u32(ss_buf *b, size_t n)
{
    unsigned char u[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
                           (unsigned char)(n >> 8), (unsigned char)n };
    ss_buf_add(b, u, 4);
}

static void put_str(ss_buf *b, const char *s, size_t n)
{
    put_u32(b, n);
    ss_buf_add(b, s, n);
}

static void frame_text(ssx_out *o, const char *sub, const char *utf8, size_t len)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_addc(&b, 'T');
    put_str(&b, sub, strlen(sub));
    put_str(&b, utf8, len);
    ss_write_all(*(int *)o->ctx, b.p, b.len);
    ss_buf_free(&b);
}

static void frame_skip(ssx_out *o, const char *sub, const char *why, int unreadable)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_addc(&b, 'S');
    put_str(&b, sub, strlen(sub));
    put_str(&b, why, strlen(why));
    ss_buf_addc(&b, unreadable ? 1 : 0);
    ss_write_all(*(int *)o->ctx, b.p, b.len);
    ss_buf_free(&b);
}

void ssx_frame_out(ssx_out *o, int *fd)
{
    memset(o, 0, sizeof *o);
    o->text = frame_text;
    o->skip = frame_skip;
    o->ctx = fd;
}

void ssx_frame_total(int fd, size_t total)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%zu", total);
    ss_buf b = SS_BUF_INIT;
    ss_buf_addc(&b, 'U');
    put_str(&b, num, (size_t)n);
    ss_write_all(fd, b.p, b.len);
    ss_buf_free(&b);
}

void ssx_frame_end(int fd, int rc)
{
    char end[2] = { 'E', rc < 0 ? 1 : 0 };
    ss_write_all(fd, end, 2);
}

/* ---- the parent's side: reading frames --------------------------------- */

typedef struct {
    const unsigned char *p, *end;
} cursor;

static int get_str(cursor *c, const char **s, size_t *n)
{
    if (c->end - c->p < 4)
        return -1;
    size_t len = (size_t)c->p[0] << 24 | (size_t)c->p[1] << 16 |
                 (size_t)c->p[2] << 8 | c->p[3];
    c->p += 4;
    if ((size_t)(c->end - c->p) < len)
        return -1;
    *s = (const char *)c->p;
    *n = len;
    c->p += len;
    return 0;
}

/* The worker's count of decompressed bytes. It may only grow: a count
 * below what came before is a bad frame. */
static int take_total(cursor *c, size_t *total)
{
    const char *s;
    size_t n, v = 0;
    if (get_str(c, &s, &n) < 0 || n == 0 || n > 20)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (SIZE_MAX - 9) / 10)
            return -1;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    if (v < *total)
        return -1;
    *total = v;
    return 0;
}

/* One frame to o; 1 at the end frame, 0 for more, -1 on a bad frame.
 * *told is set when the worker reported its byte count. */
static int deliver(cursor *c, ssx_out *o, int *told)
{
    const char *sub, *s;
    size_t sublen, n;
    char type = (char)*c->p++;
    if (type == 'E')
        return c->p < c->end ? 1 : -1;
    if (type == 'U') {
        *told = 1;
        return take_total(c, &o->total);
    }
    if ((type != 'T' && type != 'S') || get_str(c, &sub, &sublen) < 0 ||
        sublen > 4096 || get_str(c, &s, &n) < 0)
        return -1;
    char *subz = ss_xstrndup(sub, sublen);
    if (type == 'T') {
        o->text(o, subz, s, n);
    } else if (c->p < c->end && n < 1024) {
        char *why = ss_xstrndup(s, n);
        o->skip(o, subz, why, *c->p++ != 0);
        free(why);
    } else {
        free(subz);
        return -1;
    }
    free(subz);
    return 0;
}

/* All frames; 0 when the worker said it was done, -1 otherwise. */
static int deliver_all(const ss_buf *b, ssx_out *o, int *told)
{
    if (b->len == 0)                  /* no output at all, not even 'E' */
        return -1;
    cursor c = { (const unsigned char *)b->p, (const unsigned char *)b->p + b->len };
    while (c.p < c.end) {
        int r = deliver(&c, o, told);
        if (r != 0)
            return r > 0 ? 0 : -1;
    }
    return -1;
}

/* ---- the parent's side: running the worker ----------------------------- */

static const char *worker_path(const char *worker)
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
    posix_spawnattr_t at;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&at);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char *const envp[] = { NULL };
    pid_t pid;
    int rc = posix_spawn(&pid, path, &fa, &at, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    return rc == 0 ? pid : -1;
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* Output until EOF; -1 on the wall clock, -2 when it is too large. */
static int collect(int fd, long wall_ms, size_t cap, ss_buf *b)
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
        if (b->len + (size_t)n > cap)
            return -2;
        ss_buf_add(b, chunk, (size_t)n);
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
    ss_buf b = SS_BUF_INIT;
    int by_message;
    long wall = wall_clock(lim, &by_message);
    int r = collect(out[0], wall, 2 * (lim->max_total_bytes + len) + (1u << 20), &b);
    close(out[0]);
    if (r < 0)
        kill(pid, SIGKILL);
    const char *why = exit_reason(pid, r == -1);
    if (why && r == -1 && by_message)
        why = WHY_MSG_SLOW;
    if (!why && r == -2)
        why = WHY_BAD;
    size_t before = o->total;
    int told = 0;
    int ok = deliver_all(&b, o, &told);  /* what it read before a failure counts */
    if (!told)                        /* it never said: count what went in */
        o->total = before + len;
    ss_buf_free(&b);
    return why ? why : ok < 0 ? WHY_BAD : NULL;
}

static void not_read(const unsigned char *data, size_t len, const char *ctype,
                     ssx_out *o)
{
    char what[72], why[128];
    ssx_describe(data, len, ctype, what, sizeof what);
    snprintf(why, sizeof why, "this kind of file is not read (%s)", what);
    o->skip(o, "", why, 0);
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
    const char *why = run_worker(data, len, name, ctype, lim, worker_path(worker), o);
    if (why)
        o->skip(o, "", why, 1);
}
