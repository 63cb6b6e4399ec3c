/* The reader pool (reader/pool.h) with its real parts: safeshare-readerd
 * and the test reader (hook-reader: safeshare-extract plus the hooks in
 * hooks.c, which do what an exploited parser would try). As root the
 * readers get the full sandbox (the safeshare-reader user, a network
 * namespace, seccomp); the fallback a non-root milter gets is tested too,
 * as nobody. What a user would notice is asserted: the text comes out,
 * a reader that misbehaves is killed and replaced and its attachment is
 * unreadable, nothing waits for ever, the pool never grows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attach_test_util.h"
#include "reader/pool.h"
#include "reader/sandbox.h"

static char manager[1024], hook_reader[1024];
static int privileged;

static const ss_job_limits LIM = { 100u << 20, 200u << 20, 3, 10000, 10, 0 };

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static ss_pool *make_pool(unsigned size, unsigned jobs, int no_seccomp)
{
    ss_pool_opts o = { .manager_path = manager, .reader_path = hook_reader,
                       .reader_user = "safeshare-reader", .strict = privileged, .size = size,
                       .jobs_per_reader = jobs, .no_seccomp = no_seccomp };
    ss_pool *p;
    char err[512];
    if (ss_pool_create(&p, &o, err, sizeof err) != 0 || ss_pool_start(p, err, sizeof err) != 0)
        fail_msg("pool: %s", err);
    return p;
}

/* One job; c collects its answer (col_free it). */
static ss_pool_status run(ss_pool *p, const void *data, size_t len, long deadline,
                          uint64_t cpu, collected *c, ss_pool_result *r)
{
    ssx_out o;
    col_init(&o, c);
    ss_pool_job j = { data, len, -1, "x", NULL, LIM, 0 };
    j.lim.cpu_seconds = cpu;
    if (cpu == 1)
        j.wall_ms = 30000;      /* the CPU limit, not the wall clock, must stop it */
    ssx_frames f;
    ssx_frames_init(&f, &o, 1u << 30);
    ss_pool_submit(p, &j, deadline, &f, r);
    ssx_frames_finish(&f, len);
    return r->status;
}

static ss_pool_status run_hook(ss_pool *p, const char *hook, long deadline, uint64_t cpu,
                               collected *c, ss_pool_result *r)
{
    return run(p, hook, strlen(hook), deadline, cpu, c, r);
}

static ss_pool_status run_file(ss_pool *p, const char *name, collected *c, ss_pool_result *r)
{
    size_t len;
    unsigned char *data = fixture(name, &len);
    ss_pool_status st = run(p, data, len, 20000, 10, c, r);
    free(data);
    return st;
}

static int has_text(const collected *c, const char *s)
{
    for (size_t i = 0; i < c->ntext; i++)
        if (strstr(c->text[i], s))
            return 1;
    return 0;
}

/* /proc/PID/status: the line of a field, or "". */
static const char *proc_status(pid_t pid, const char *field, char *line, size_t cap)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    line[0] = 0;
    while (f && fgets(line, (int)cap, f))
        if (!strncmp(line, field, strlen(field)))
            break;
        else
            line[0] = 0;
    if (f)
        fclose(f);
    line[strcspn(line, "\n")] = 0;
    return line;
}

/* alive and not a zombie */
static int alive(pid_t pid)
{
    char line[128];
    proc_status(pid, "State:", line, sizeof line);
    return line[0] && !strstr(line, "zombie") && !strstr(line, "dead");
}

static int in_state(ss_pool *p, int state)
{
    ss_pool_reader rd[8];
    int n = ss_pool_readers(p, rd, 8), k = 0;
    for (int i = 0; i < n; i++)
        k += rd[i].state == state;
    return k;
}

/* Earlier tests kill readers: wait (on a loaded machine, a while) until
 * the pool is warm again, so a short deadline measures the job alone. */
static void wait_idle(ss_pool *p, int n)
{
    for (long until = now_ms() + 30000; in_state(p, SS_SLOT_IDLE) < n && now_ms() < until;)
        usleep(10000);
    assert_int_equal(in_state(p, SS_SLOT_IDLE), n);
}

/* ---- a pool of two, shared by the group ---------------------------------- */

static int group_up(void **state)
{
    *state = make_pool(2, 100, 0);
    return 0;
}

static int group_down(void **state)
{
    ss_pool *p = *state;
    ss_pool_reader rd[8];
    int n = ss_pool_readers(p, rd, 8);
    ss_pool_shutdown(p);
    for (int i = 0; i < n; i++)
        if (rd[i].pid > 0 && alive(rd[i].pid))
            fail_msg("reader %d outlived the pool", (int)rd[i].pid);
    return 0;
}

/* Each reader: its own user (as root), no capabilities, no new
 * privileges, the seccomp filter, and a network namespace of its own with
 * nothing in it but lo, down. */
static void readers_are_contained(void **state)
{
    ss_pool_reader rd[8];
    int n = ss_pool_readers(*state, rd, 8);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        char line[256], a[128] = "", b[128] = "", path[64];
        struct passwd *pw = getpwnam("safeshare-reader");
        snprintf(line, sizeof line, "uid=%d ", privileged ? (int)pw->pw_uid : (int)getuid());
        assert_non_null(strstr(rd[i].info, line));
        assert_non_null(strstr(proc_status(rd[i].pid, "NoNewPrivs:", line, sizeof line), "1"));
        assert_non_null(strstr(proc_status(rd[i].pid, "CapEff:", line, sizeof line),
                               "0000000000000000"));
#ifdef SS_ASAN
        assert_non_null(strstr(proc_status(rd[i].pid, "Seccomp:", line, sizeof line), "0"));
#else
        assert_non_null(strstr(proc_status(rd[i].pid, "Seccomp:", line, sizeof line), "2"));
#endif
        assert_non_null(strstr(rd[i].info, "ifs=1 up=0"));
        snprintf(path, sizeof path, "/proc/%d/ns/net", (int)rd[i].pid);
        assert_true(readlink(path, a, sizeof a - 1) > 0);
        assert_true(readlink("/proc/self/ns/net", b, sizeof b - 1) > 0);
        assert_string_not_equal(a, b);
    }
}

static void reads_documents(void **state)
{
    collected c;
    ss_pool_result r;
    assert_int_equal(run_file(*state, "referral.docx", &c, &r), SS_POOL_OK);
    assert_string_equal(col_seg(&c, "the header"), "Header " NHS_DOTTED "\n");
    col_free(&c);
    assert_int_equal(run_file(*state, "../pdf/one_page.pdf", &c, &r), SS_POOL_OK);
    assert_int_equal(c.ntext, 1);
    col_free(&c);
    /* winmail.dat (libytnef, its code page through iconv) and Excel's
     * date serials: read under the filter without killing the reader */
    assert_int_equal(run_file(*state, "winmail.dat", &c, &r), SS_POOL_OK);
    assert_true(has_text(&c, "Jamie Smith, " NHS_DOTTED));
    assert_true(alive(r.reader));
    col_free(&c);
    assert_int_equal(run_file(*state, "dates.xlsx", &c, &r), SS_POOL_OK);
    assert_true(has_text(&c, "/2015"));
    assert_true(alive(r.reader));
    col_free(&c);
    /* the reader says it failed ('E' 1): unreadable, and it stays */
    assert_int_equal(run_file(*state, "../pdf/damaged.pdf", &c, &r), SS_POOL_UNREADABLE);
    assert_int_equal(r.wait_status, -1);
    assert_true(alive(r.reader));
    assert_true(c.nskip >= 1 && c.unreadable[c.nskip - 1]);
    col_free(&c);
}

/* A reader that crashes fails its job and is replaced; the next job is
 * read by a fresh one. */
static void crashes_are_contained(void **state)
{
    static const char *const hooks[] = { "SSTEST:abort", "SSTEST:segv", "SSTEST:doublefree",
#ifndef SS_ASAN     /* no RLIMIT_AS under ASan (sandbox.h): it would take the machine */
                                         "SSTEST:oom",
#endif
    };
    for (size_t i = 0; i < sizeof hooks / sizeof *hooks; i++) {
        collected c;
        ss_pool_result r;
        assert_int_equal(run_hook(*state, hooks[i], 20000, 10, &c, &r), SS_POOL_CRASHED);
        assert_false(alive(r.reader));
        col_free(&c);
        pid_t crashed = r.reader;
        assert_int_equal(run_file(*state, "referral.docx", &c, &r), SS_POOL_OK);
        assert_int_not_equal(r.reader, crashed);
        col_free(&c);
    }
}

static void hangs_are_killed(void **state)
{
    static const char *const hooks[] = { "SSTEST:spin", "SSTEST:block" };
    for (int i = 0; i < 2; i++) {
        collected c;
        ss_pool_result r;
        wait_idle(*state, 2);
        long t0 = now_ms();
        assert_int_equal(run_hook(*state, hooks[i], 500, 10, &c, &r), SS_POOL_TIMEOUT);
        long ms = now_ms() - t0;
        assert_true(ms >= 490 && ms < 10000);     /* a loaded machine is slow to kill */
        assert_true(WIFSIGNALED(r.wait_status) && WTERMSIG(r.wait_status) == SIGKILL);
        col_free(&c);
    }
    /* its own CPU second, with 30 s of wall clock: SIGXCPU ends it */
    collected c;
    ss_pool_result r;
    assert_int_equal(run_hook(*state, "SSTEST:spin", 60000, 1, &c, &r), SS_POOL_CPU);
    assert_int_equal(WTERMSIG(r.wait_status), SIGXCPU);
    col_free(&c);
}

/* After lockdown nothing may open a file, make a socket, run a program or
 * start a process: the reader dies of SIGSYS and nothing of what it
 * tried comes back. Under ASan there is no filter (sandbox.h says why):
 * the same hooks then show they really do what they say. */
static void filter_kills_escapes(void **state)
{
    static const char *const hooks[] = { "SSTEST:open", "SSTEST:socket", "SSTEST:execve",
                                         "SSTEST:fork" };
    for (int i = 0; i < 4; i++) {
        collected c;
        ss_pool_result r;
        ss_pool_status st = run_hook(*state, hooks[i], 20000, 10, &c, &r);
#ifdef SS_ASAN
        /* execve succeeds: the reader is gone, and its job with it */
        assert_int_equal(st, i == 2 ? SS_POOL_CRASHED : SS_POOL_OK);
        assert_int_equal(c.ntext, i == 2 ? 0 : 1);
#else
        assert_int_equal(st, SS_POOL_SANDBOX);
        assert_int_equal(WTERMSIG(r.wait_status), SIGSYS);
        assert_int_equal(c.ntext, 0);
#endif
        col_free(&c);
    }
}

typedef struct {
    ss_pool *p;
    ss_pool_status st;
} bg;

static void *bg_spin(void *arg)
{
    bg *b = arg;
    collected c;
    ss_pool_result r;
    b->st = run_hook(b->p, "SSTEST:spin", 3000, 10, &c, &r);
    col_free(&c);
    return NULL;
}

/* Both readers busy: a third job waits its deadline and no longer; once
 * the two are killed and replaced, jobs run again. */
static void waiting_is_bounded(void **state)
{
    bg b[2] = { { *state, SS_POOL_OK }, { *state, SS_POOL_OK } };
    pthread_t t[2];
    wait_idle(*state, 2);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, bg_spin, &b[i]);
    for (long until = now_ms() + 20000; in_state(*state, SS_SLOT_BUSY) < 2 && now_ms() < until;)
        usleep(10000);
    assert_int_equal(in_state(*state, SS_SLOT_BUSY), 2);
    collected c;
    ss_pool_result r;
    size_t len;
    unsigned char *docx = fixture("referral.docx", &len);
    long t0 = now_ms();
    assert_int_equal(run(*state, docx, len, 300, 10, &c, &r), SS_POOL_BUSY);
    assert_true(now_ms() - t0 >= 290);
    col_free(&c);
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(b[i].st, SS_POOL_TIMEOUT);
    }
    assert_int_equal(run(*state, docx, len, 20000, 10, &c, &r), SS_POOL_OK);
    col_free(&c);
    free(docx);
}

/* ---- pools of their own -------------------------------------------------- */

/* The same hooks with no filter do what they say (so the kills above are
 * the filter's doing), and even then the reader user cannot read a key
 * file of the milter's (0600, root's here). */
static void without_filter(void **state)
{
    ss_pool *p = make_pool(1, 100, 1);
    collected c;
    ss_pool_result r;
    assert_int_equal(run_hook(p, "SSTEST:socket", 20000, 10, &c, &r), SS_POOL_OK);
    assert_true(has_text(&c, "socket(AF_INET) = "));
    col_free(&c);
    if (privileged) {
        char key[] = "/tmp/ss-test-key.XXXXXX";
        int fd = mkstemp(key);
        assert_true(fd >= 0 && write(fd, "secret key material\n", 20) == 20);
        close(fd);
        char hook[64];
        snprintf(hook, sizeof hook, "SSTEST:cat %s", key);
        assert_int_equal(run_hook(p, hook, 20000, 10, &c, &r), SS_POOL_OK);
        assert_true(has_text(&c, "Permission denied"));
        assert_false(has_text(&c, "secret"));
        col_free(&c);
        unlink(key);
    }
    ss_pool_shutdown(p);
}

typedef struct {
    ss_pool *p;
    int bad;
    unsigned most;                 /* the most jobs one reader had done */
} many;

static void count_text(ssx_out *o, const char *sub, const char *t, size_t n) {}
static void count_skip(ssx_out *o, const char *sub, const char *why, int u) {}

static void *many_jobs(void *arg)
{
    static const char *const names[] = { "referral.docx", "pupils.xlsx", "notes.odt",
                                         "case.zip", "letter.rtf", "deck.pptx" };
    many *m = arg;
    for (int i = 0; i < 250; i++) {
        size_t len;
        unsigned char *data = fixture(names[i % 6], &len);
        ssx_out o = { count_text, count_skip, NULL, 0 };
        ssx_frames f;
        ssx_frames_init(&f, &o, 1u << 30);
        ss_pool_job j = { data, len, -1, names[i % 6], NULL, LIM, 0 };
        ss_pool_result r;
        m->bad += ss_pool_submit(m->p, &j, 60000, &f, &r) != SS_POOL_OK;
        ssx_frames_finish(&f, len);
        m->most = r.reader_jobs + 1 > m->most ? r.reader_jobs + 1 : m->most;
        free(data);
    }
    return NULL;
}

/* 1,000 jobs from 4 threads through 2 readers replaced every 200 jobs:
 * all read, readers reused, never more than 2 at once. */
static void many_threads_two_readers(void **state)
{
    ss_pool *p = make_pool(2, 200, 0);
    many m[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        m[i] = (many){ p, 0, 0 };
        pthread_create(&t[i], NULL, many_jobs, &m[i]);
    }
    unsigned most = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(m[i].bad, 0);
        most = m[i].most > most ? m[i].most : most;
    }
    ss_pool_stats st;
    ss_pool_get_stats(p, &st);
    assert_int_equal(most, 200);
    assert_int_equal(st.ok, 1000);
    assert_true(st.started <= 2 + st.retired);
    assert_true(st.retired >= 3);
    ss_pool_shutdown(p);
}

/* The manager killed: its readers die with it, jobs fail at once. */
static void manager_gone(void **state)
{
    ss_pool *p = make_pool(2, 100, 0);
    ss_pool_reader rd[8];
    int n = ss_pool_readers(p, rd, 8);
    kill(ss_pool_manager(p), SIGKILL);
    for (long until = now_ms() + 5000; now_ms() < until && (alive(rd[0].pid) || alive(rd[1].pid));)
        usleep(20000);
    for (int i = 0; i < n; i++)
        assert_false(alive(rd[i].pid));
    collected c;
    ss_pool_result r;
    assert_int_equal(run_file(p, "referral.docx", &c, &r), SS_POOL_ERROR);
    col_free(&c);
    ss_pool_shutdown(p);
}

/* Not root (a developer's machine, or a milter started unprivileged):
 * readers keep the caller's uid but still get a network namespace (from
 * a user namespace), no new privileges and the filter. Run as nobody in a
 * child; its exit status says which check failed. */
/* Whether this process may make a user namespace: the kernel refuses one
 * inside a chroot (fresh-debian-check's new root) or where an admin has
 * switched them off; the fallback then runs its reader without one. */
static int userns_allowed(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0 ? 0 : 1);
    int st;
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int fallback_checks(void)
{
    size_t len;
    unsigned char *docx = fixture("referral.docx", &len);   /* before: nobody may not reach it */
    if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
        return 10;
    privileged = 0;
    int own_net = userns_allowed();
    ss_pool_opts o = { .manager_path = manager, .reader_path = hook_reader, .size = 1 };
    ss_pool *p;
    char err[512], a[128] = "", b[128] = "", path[64];
    if (ss_pool_create(&p, &o, err, sizeof err) || ss_pool_start(p, err, sizeof err))
        return 11;
    ss_pool_reader rd[1];
    ss_pool_readers(p, rd, 1);
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int)rd[0].pid);
    if (!strstr(rd[0].info, "uid=65534 "))
        return 12;
    /* Its own network, with only a loopback that is down, whenever the
     * kernel lets an unprivileged process have one; otherwise it still
     * runs as the caller, filtered, and reads (below). */
    if (own_net && (!strstr(rd[0].info, "ifs=1 up=0") || readlink(path, a, sizeof a - 1) <= 0 ||
                    readlink("/proc/self/ns/net", b, sizeof b - 1) <= 0 || !strcmp(a, b)))
        return 15;
#ifndef SS_ASAN
    char line[256];
    if (!strstr(proc_status(rd[0].pid, "Seccomp:", line, sizeof line), "2"))
        return 13;
#endif
    collected c;
    ss_pool_result r;
    if (run(p, docx, len, 20000, 10, &c, &r) != SS_POOL_OK || !has_text(&c, NHS_DOTTED))
        return 14;
    ss_pool_shutdown(p);
    return 0;
}

/* Copy the program at path into dir as name, mode 0755, and point path
 * at the copy. */
static void copy_program(char *path, const char *dir, const char *name)
{
    char to[1024], buf[65536];
    snprintf(to, sizeof to, "%s/%s", dir, name);
    FILE *in = fopen(path, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(chmod(to, 0755), 0);
    snprintf(path, 1024, "%s", to);
}

static void fallback_as_nobody(void **state)
{
    if (!privileged)
        assert_int_equal(fallback_checks(), 0);   /* we are the unprivileged caller */
    else {
        /* nobody runs the programs from a copy it can reach: the build
         * may sit under a directory only root can enter (/root). */
        char dir[] = "/tmp/ss-pool-XXXXXX", saved_m[1024], saved_h[1024];
        snprintf(saved_m, sizeof saved_m, "%s", manager);
        snprintf(saved_h, sizeof saved_h, "%s", hook_reader);
        assert_non_null(mkdtemp(dir));
        assert_int_equal(chmod(dir, 0755), 0);
        copy_program(manager, dir, "safeshare-readerd");
        copy_program(hook_reader, dir, "hook-reader");
        pid_t pid = fork();
        if (pid == 0)
            _exit(fallback_checks());
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
        unlink(manager);
        unlink(hook_reader);
        rmdir(dir);
        snprintf(manager, sizeof manager, "%s", saved_m);
        snprintf(hook_reader, sizeof hook_reader, "%s", saved_h);
    }
}

int main(void)
{
    const char *b = getenv("SS_BUILDDIR");
    snprintf(manager, sizeof manager, "%s/reader/safeshare-readerd", b ? b : ".");
    snprintf(hook_reader, sizeof hook_reader, "%s/tests/unit/reader/hook-reader", b ? b : ".");
    privileged = geteuid() == 0;
    if (privileged && !getpwnam("safeshare-reader")) {
        fprintf(stderr, "test_pool: as root it needs the safeshare-reader user (INSTALL)\n");
        return 1;
    }
    /* The first six share a pool of two (the group's state); the rest
     * make pools of their own. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(readers_are_contained),
        cmocka_unit_test(reads_documents),
        cmocka_unit_test(crashes_are_contained),
        cmocka_unit_test(hangs_are_killed),
        cmocka_unit_test(filter_kills_escapes),
        cmocka_unit_test(waiting_is_bounded),
        cmocka_unit_test(without_filter),
        cmocka_unit_test(many_threads_two_readers),
        cmocka_unit_test(manager_gone),
        cmocka_unit_test(fallback_as_nobody),
    };
    return cmocka_run_group_tests(tests, group_up, group_down);
}
