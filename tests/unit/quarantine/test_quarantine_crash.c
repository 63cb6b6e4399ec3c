/* Crash safety (issue 4): a child stores messages as the milter would and
 * is SIGKILLed at a random moment, again and again. Whatever the child was
 * told is stored (put returned SS_Q_OK, which is when the milter tells the
 * MTA to discard its copy) must be listed and whole; whatever is listed
 * must be whole; a decision reported done must be on record; and fsck
 * must clear the debris without touching a complete entry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "quarantine/quarantine.h"

static const unsigned char KEY[32] = "crash-test-key-0123456789abcdef!";

enum { ROUNDS = 200, MAX_REPORTS = 8192 };

/* The message for (round, n) can be rebuilt by the checker. */
static size_t message(int round, int n, char **out)
{
    size_t len = 200 + (size_t)((round * 7919 + n * 104729) % 150000);
    char *b = malloc(len);
    for (size_t k = 0; k < len; k++)
        b[k] = (char)((round * 31 + n * 17 + (int)k) & 0x7f);
    memcpy(b, "Subject: held\r\n\r\n", 17);
    *out = b;
    return len;
}

static void report(int fd, char kind, const char *ref)
{
    char line[48];
    int n = snprintf(line, sizeof line, "%c %s\n", kind, ref);
    if (write(fd, line, (size_t)n) != n)
        _exit(3);
}

/* The child: put, report; every other one also released, report. Forever,
 * until killed. Half the rounds encrypt. */
static void child(const char *dir, int round, int fd)
{
    const unsigned char *key = round % 2 ? KEY : NULL;
    size_t keylen = round % 2 ? sizeof KEY : 0;
    for (int n = 0;; n++) {
        char ref[32], *msg;
        snprintf(ref, sizeof ref, "SS-%04d-%04d", round, n);
        size_t len = message(round, n, &msg);
        ss_qput in = { .reference = ref, .sender = "t@school.example", .summary = "crash test",
                       .meta_json = "{\"round\":1}", .msg = msg, .msg_len = len, .msg_fd = -1 };
        if (ss_quarantine_put(dir, &in, key, keylen, NULL, 0) != SS_Q_OK)
            _exit(2);
        report(fd, 'P', ref);
        free(msg);
        if (n % 2 && ss_quarantine_set_state(dir, ref, SS_QS_HELD, SS_QS_RELEASED, "dsl", "crash test",
                                              0, key, keylen, NULL, NULL, 0) == SS_Q_OK)
            report(fd, 'R', ref);
    }
}

typedef struct {
    char ref[MAX_REPORTS][16];
    char kind[MAX_REPORTS];
    size_t n;
} reports;

static void collect(int fd, reports *r)
{
    FILE *fp = fdopen(fd, "r");
    char line[64];
    while (fp && fgets(line, sizeof line, fp)) {
        if (r->n < MAX_REPORTS && strlen(line) == 15 && line[1] == ' ') {
            r->kind[r->n] = line[0];
            memcpy(r->ref[r->n], line + 2, 12);
            r->ref[r->n][12] = '\0';
            r->n++;
        }
    }
    if (fp)
        fclose(fp);
}

typedef struct {
    const char *dir;
    size_t listed, whole;
} checker;

/* Every listed entry opens and its bytes are the ones the child wrote. */
static int check_entry(const ss_qentry *e, void *arg)
{
    checker *c = arg;
    c->listed++;
    int round, n;
    if (sscanf(e->reference, "SS-%4d-%4d", &round, &n) != 2)
        fail_msg("unexpected entry %s", e->reference);
    ss_qentry g;
    ss_buf m = SS_BUF_INIT;
    char err[256];
    if (ss_quarantine_get(c->dir, e->reference, KEY, sizeof KEY, &g, &m, err, sizeof err) != SS_Q_OK)
        fail_msg("listed but not whole: %s", err);
    char *want;
    size_t len = message(round, n, &want);
    if (m.len != len || memcmp(m.p, want, len) != 0)
        fail_msg("%s: bytes differ from what was stored", e->reference);
    if (g.state != SS_QS_HELD && g.state != SS_QS_RELEASED)
        fail_msg("%s: unexpected state", e->reference);
    c->whole++;
    free(want);
    ss_buf_free(&m);
    ss_qentry_free(&g);
    return 0;
}

static void check_reports(const char *dir, const reports *r)
{
    for (size_t i = 0; i < r->n; i++) {
        ss_qentry e;
        char err[256];
        if (ss_quarantine_get(dir, r->ref[i], KEY, sizeof KEY, &e, NULL, err, sizeof err) != SS_Q_OK)
            fail_msg("reported stored but lost: %s", err);
        if (r->kind[i] == 'R' && e.state != SS_QS_RELEASED)
            fail_msg("%s: reported released but the record says %s", r->ref[i],
                     ss_qstate_name(e.state));
        ss_qentry_free(&e);
    }
}

static void rm_flat(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[512];
    while (d && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static size_t count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0;
    while (d && (de = readdir(d)) != NULL)     /* the store's own ledger aside */
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, ".ledger");
    if (d)
        closedir(d);
    return n;
}

static void killed_at_random_moments(void **state)
{
    (void)state;
    char dir[] = "/tmp/ssq-crash-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static reports r;
    r.n = 0;
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rounds = 0;
    while (rounds < ROUNDS) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            child(dir, rounds, p[1]);
        }
        close(p[1]);
        /* A put costs a few fsyncs (ms each on a real disk): kill within a few. */
        usleep((useconds_t)(rand() % 35000));
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        if (!WIFSIGNALED(st))
            fail_msg("round %d: the child stopped by itself (status %d)", rounds, st);
        collect(p[0], &r);
        rounds++;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (t1.tv_sec - t0.tv_sec >= 6 && rounds >= 50)
            break;   /* a slow disk: enough rounds to mean something */
    }
    checker c = { dir, 0, 0 };
    size_t unreadable = 0;
    /* Half the rounds wrote in clear: read as a store being migrated. */
    ss_quarantine_plaintext_ok(1);
    assert_int_equal(ss_quarantine_list(dir, NULL, KEY, sizeof KEY, check_entry, &c, &unreadable, NULL, 0),
                     SS_Q_OK);
    assert_int_equal(unreadable, 0);
    assert_int_equal(c.whole, c.listed);
    check_reports(dir, &r);
    size_t before = count_files(dir), removed = 0;
    assert_int_equal(ss_quarantine_fsck(dir, 0, NULL, NULL, &removed, NULL, 0), SS_Q_OK);
    assert_int_equal(count_files(dir), 2 * c.listed);
    size_t stored = 0;
    for (size_t i = 0; i < r.n; i++)
        stored += r.kind[i] == 'P';
    ss_quarantine_plaintext_ok(0);
    print_message("# %d kills; %zu puts and %zu releases reported done, all on record; %zu entries "
                  "listed, all whole; fsck removed %zu leftovers of %zu files\n", rounds, stored,
                  r.n - stored, c.listed, removed, before);
    rm_flat(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(killed_at_random_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
