/* The audit writer: every record chained to the one before, whoever wrote
 * it (threads, a reloaded snapshot, another process), across a rotation,
 * and never a partial line, even when the disk fills up mid-write; and
 * writing resumes by itself once there is room. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <zlib.h>

#include "audit_test_util.h"
#include "audit/headfile.h"
#include "audit/trail.h"

static void records_are_chained_and_the_head_follows(void **s)
{
    trail t;
    trail_init(&t, NULL);
    for (int i = 1; i <= 3; i++)
        assert_int_equal(trail_add(&t, i, "decision"), 0);
    char *text = slurp(t.log);
    assert_non_null(strstr(text, "{\"seq\":1,\"n\":1,\"what\":\"decision\",\"chain\":\""));
    assert_non_null(strstr(text, "{\"seq\":3,\"n\":3,"));
    const char *files[] = { t.log, NULL };
    ss_verify_result r = trail_verify(&t, files, NULL);
    assert_true(r.ok);
    assert_int_equal(r.records, 3);
    ss_headfile hf;
    char err[256];
    assert_int_equal(ss_headfile_load(t.log, &hf, err, sizeof err), 0);
    assert_int_equal(hf.h.seq, 3);
    assert_memory_equal(hf.h.chain, r.last.chain, SS_CHAIN_LEN);
    struct stat st;
    assert_int_equal(stat(t.log, &st), 0);
    assert_int_equal(hf.size, (unsigned long long)st.st_size);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(text);
    ss_verify_result_free(&r);
    trail_free(&t);
}

static void only_one_json_object_a_line_is_taken(void **s)
{
    trail t;
    trail_init(&t, NULL);
    char err[256];
    ss_audit *a = ss_audit_open(t.c, err, sizeof err);
    assert_non_null(a);
    const char *bad[] = { "{}", "[1]", "{\"a\":1}\n{\"b\":2}", "{\"seq\":9,\"a\":1}", "\"x\"",
                          "{\"a\":1" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(ss_audit_append(a, bad[i], strlen(bad[i])), -1);
    assert_int_equal(ss_audit_append(a, "{\"a\":1}", 7), 0);
    ss_audit_close(a);
    assert_int_equal(count_lines(t.log), 1);
    trail_free(&t);
}

typedef struct {
    ss_audit *a;
    int id;
} writer_arg;

static void *writer(void *p)
{
    writer_arg *w = p;
    char line[128];
    for (int i = 0; i < 50; i++) {
        int n = snprintf(line, sizeof line, "{\"writer\":%d,\"n\":%d}", w->id, i);
        if (ss_audit_append(w->a, line, (size_t)n) != 0)
            return (void *)1;
    }
    return NULL;
}

/* Threads on one handle, threads on a second handle (a reloaded snapshot)
 * and another process: 350 records, numbered 1 to 350, one chain. */
static void every_writer_shares_one_chain(void **s)
{
    trail t;
    trail_init(&t, NULL);
    char err[256];
    pid_t child = fork();
    if (child == 0) {
        ss_audit *a = ss_audit_open(t.c, err, sizeof err);
        writer_arg w = { a, 99 };
        _exit(a && writer(&w) == NULL ? 0 : 1);
    }
    ss_audit *a = ss_audit_open(t.c, err, sizeof err), *b = ss_audit_open(t.c, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    pthread_t th[6];
    writer_arg args[6];
    for (int i = 0; i < 6; i++) {
        args[i] = (writer_arg){ i < 4 ? a : b, i };
        pthread_create(&th[i], NULL, writer, &args[i]);
    }
    for (int i = 0; i < 6; i++) {
        void *rc;
        pthread_join(th[i], &rc);
        assert_null(rc);
    }
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_int_equal(WEXITSTATUS(status), 0);
    ss_audit_close(a);
    ss_audit_close(b);
    const char *files[] = { t.log, NULL };
    ss_verify_result r = trail_verify(&t, files, NULL);
    if (!r.ok)
        fail_msg("%s:%llu: %s", r.file, r.line, r.why);
    assert_int_equal(r.records, 350);
    assert_int_equal(count_lines(t.log), 350);
    ss_verify_result_free(&r);
    trail_free(&t);
}

static void gzip_file(const char *from, const char *to)
{
    char *text = slurp(from);
    gzFile z = gzopen(to, "wb");
    assert_non_null(z);
    assert_int_equal(gzwrite(z, text, (unsigned)strlen(text)), (int)strlen(text));
    gzclose(z);
    unlink(from);
    free(text);
}

/* logrotate moves the log away (and compresses it later); the writer
 * starts the new file, and its first record continues the chain. */
static void a_rotated_trail_is_one_chain(void **s)
{
    trail t;
    trail_init(&t, NULL);
    char one[160], two[160];
    snprintf(one, sizeof one, "%s.1", t.log);
    snprintf(two, sizeof two, "%s.2.gz", t.log);
    char err[256];
    ss_audit *a = ss_audit_open(t.c, err, sizeof err);   /* a long-running writer */
    assert_int_equal(ss_audit_append(a, "{\"n\":1}", 7), 0);
    assert_int_equal(rename(t.log, one), 0);
    assert_int_equal(trail_add(&t, 2, "after the first rotation"), 0);
    gzip_file(one, two);
    assert_int_equal(rename(t.log, one), 0);
    assert_int_equal(ss_audit_append(a, "{\"n\":3}", 7), 0);
    assert_int_equal(ss_audit_append(a, "{\"n\":4}", 7), 0);
    ss_audit_close(a);
    char *now = slurp(t.log);
    assert_true(strncmp(now, "{\"seq\":3,\"n\":3,", 15) == 0);
    free(now);
    char **files;
    long n = ss_trail_files(t.log, &files, err, sizeof err);
    assert_int_equal(n, 3);
    assert_string_equal(files[0], two);
    assert_string_equal(files[1], one);
    assert_string_equal(files[2], t.log);
    ss_verify_result r = trail_verify(&t, (const char *const[]){ two, one, t.log, NULL }, NULL);
    if (!r.ok)
        fail_msg("%s:%llu: %s", r.file, r.line, r.why);
    assert_int_equal(r.records, 4);
    assert_int_equal(r.files, 3);
    ss_verify_result_free(&r);
    ss_trail_free(files, (size_t)n);
    trail_free(&t);
}

static void rotated_names_sort_oldest_first(void **s)
{
    trail t;
    trail_init(&t, NULL);
    const char *names[] = { "audit.log-20261124.gz", "audit.log-20261123", "audit.log.head",
                            "audit.log.bak", "audit.logx.1", "other.log.1", "audit.log" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char p[200];
        snprintf(p, sizeof p, "%s/%s", t.dir, names[i]);
        FILE *f = fopen(p, "w");
        fclose(f);
    }
    char **files, err[256];
    long n = ss_trail_files(t.log, &files, err, sizeof err);
    assert_int_equal(n, 3);
    assert_non_null(strstr(files[0], "/audit.log-20261123"));
    assert_non_null(strstr(files[1], "/audit.log-20261124.gz"));
    assert_string_equal(files[2], t.log);
    ss_trail_free(files, (size_t)n);
    trail_free(&t);
}

static void append_raw(const char *path, const char *bytes)
{
    FILE *f = fopen(path, "a");
    fputs(bytes, f);
    fclose(f);
}

/* A crash (or an older writer) left half a record at the end: it is cut
 * off, never joined to the next, and the trail says so. */
static void an_unfinished_last_line_is_cut_and_noted(void **s)
{
    trail t;
    trail_init(&t, NULL);
    assert_int_equal(trail_add(&t, 1, "a"), 0);
    assert_int_equal(trail_add(&t, 2, "b"), 0);
    append_raw(t.log, "{\"seq\":3,\"ti");
    assert_int_equal(trail_add(&t, 3, "c"), 0);
    char *text = slurp(t.log);
    assert_null(strstr(text, "\"ti{"));
    assert_non_null(strstr(text, "{\"seq\":3,\"time\":\""));
    assert_non_null(strstr(text, "\"event\":\"repair\",\"detail\":\"removed 12 bytes of an "
                                  "unfinished record"));
    assert_non_null(strstr(text, "{\"seq\":4,\"n\":3,"));
    ss_verify_result r = trail_verify(&t, (const char *const[]){ t.log, NULL }, NULL);
    assert_true(r.ok);
    assert_int_equal(r.records, 4);
    free(text);
    ss_verify_result_free(&r);
    trail_free(&t);
}

static void a_log_from_before_chaining_starts_a_new_chain(void **s)
{
    trail t;
    trail_init(&t, NULL);
    append_raw(t.log, "{\"time\":\"2026-01-01T00:00:00.000Z\",\"action\":\"accept\"}\n");
    assert_int_equal(chmod(t.log, 0600), 0);    /* as the old writer made it */
    assert_int_equal(trail_add(&t, 1, "a"), 0);
    char *text = slurp(t.log);
    assert_non_null(strstr(text, "{\"seq\":1,\"time\":"));
    assert_non_null(strstr(text, "\"event\":\"chain-restart\""));
    assert_non_null(strstr(text, "{\"seq\":2,\"n\":1,"));
    ss_verify_result r = trail_verify(&t, (const char *const[]){ t.log, NULL }, NULL);
    assert_false(r.ok);          /* the old line is not protected, and verify says so */
    assert_int_equal(r.line, 1);
    free(text);
    ss_verify_result_free(&r);
    trail_free(&t);
}

/* What a full disk does to a write, made small: a file size limit lets
 * the kernel write part of the line and then fail (EFBIG), as ENOSPC
 * does. In a child, so the limit stays there. */
static int full_disk_child(const trail *t)
{
    signal(SIGXFSZ, SIG_IGN);
    char err[256], pad[400];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    ss_buf rec = SS_BUF_INIT;
    ss_buf_printf(&rec, "{\"pad\":\"%s\"}", pad);
    ss_audit *a = ss_audit_open(t->c, err, sizeof err);
    if (!a || ss_audit_append(a, rec.p, rec.len) != 0)
        return 10;
    struct stat before, after;
    stat(t->log, &before);
    struct rlimit old, tight;
    getrlimit(RLIMIT_FSIZE, &old);
    tight = old;
    tight.rlim_cur = (rlim_t)before.st_size + 40;
    setrlimit(RLIMIT_FSIZE, &tight);
    int full1 = ss_audit_append(a, rec.p, rec.len), full2 = ss_audit_append(a, "{\"a\":1}", 7);
    stat(t->log, &after);
    if (full1 != -1 || after.st_size != before.st_size)
        return 11;        /* a partial line was left */
    setrlimit(RLIMIT_FSIZE, &old);
    int again = ss_audit_append(a, "{\"after\":\"room again\"}", 22);
    ss_audit_close(a);
    ss_buf_free(&rec);
    return again == 0 ? (full2 == -1 ? 0 : 12) : 13;
}

static void a_full_disk_leaves_no_partial_line_and_writing_resumes(void **s)
{
    trail t;
    trail_init(&t, NULL);
    pid_t p = fork();
    if (p == 0)
        _exit(full_disk_child(&t));
    int status;
    assert_int_equal(waitpid(p, &status, 0), p);
    assert_int_equal(WEXITSTATUS(status), 0);
    ss_verify_result r = trail_verify(&t, (const char *const[]){ t.log, NULL }, NULL);
    if (!r.ok)
        fail_msg("%s:%llu: %s", r.file, r.line, r.why);
    assert_int_equal(r.records, 2);
    char *text = slurp(t.log);
    assert_non_null(strstr(text, "{\"seq\":2,\"after\":\"room again\""));
    free(text);
    ss_verify_result_free(&r);
    trail_free(&t);
}

static void audit_group_may_read_new_files(void **s)
{
    struct group *g = getgrgid(getegid());
    assert_non_null(g);
    char conf[300];
    snprintf(conf, sizeof conf, "AuditGroup %s\n", g->gr_name);
    trail t;
    trail_init(&t, conf);
    assert_int_equal(trail_add(&t, 1, "a"), 0);
    struct stat st;
    assert_int_equal(stat(t.log, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_int_equal(st.st_gid, getegid());
    char head[160];
    snprintf(head, sizeof head, "%s.head", t.log);
    assert_int_equal(stat(head, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    trail_free(&t);
}

/* An audit log that already exists (an admin made it, a restore, a
 * package) is taken only if group and others cannot read it (beyond
 * AuditGroup) and it is a regular file: the trail names who shared what
 * with whom. */
static void an_existing_log_others_can_read_is_refused(void **s)
{
    trail t;
    trail_init(&t, NULL);
    FILE *f = fopen(t.log, "w");
    fclose(f);
    assert_int_equal(chmod(t.log, 0644), 0);
    char err[512] = "";
    ss_audit *a = ss_audit_open(t.c, err, sizeof err);
    assert_null(a);
    assert_non_null(strstr(err, t.log));
    assert_non_null(strstr(err, "AuditLog"));
    assert_non_null(strstr(err, "chmod 600"));
    assert_int_equal(chmod(t.log, 0600), 0);
    a = ss_audit_open(t.c, err, sizeof err);
    assert_non_null(a);
    ss_audit_close(a);
    unlink(t.log);
    assert_int_equal(mkfifo(t.log, 0600), 0);
    assert_null(ss_audit_open(t.c, err, sizeof err));
    assert_non_null(strstr(err, "not a regular file"));
    trail_free(&t);
}

static void unknown_audit_group_and_unwritable_log_name_themselves(void **s)
{
    trail t;
    trail_init(&t, "AuditGroup no-such-group-here\n");
    char err[512];
    assert_null(ss_audit_open(t.c, err, sizeof err));
    assert_non_null(strstr(err, "AuditGroup: no group called no-such-group-here"));
    trail_free(&t);
    trail_init(&t, NULL);
    free(t.c->audit_log);
    t.c->audit_log = ss_xstrdup("/nonexistent-dir/audit.log");
    assert_null(ss_audit_open(t.c, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent-dir/audit.log"));
    trail_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_are_chained_and_the_head_follows),
        cmocka_unit_test(only_one_json_object_a_line_is_taken),
        cmocka_unit_test(every_writer_shares_one_chain),
        cmocka_unit_test(a_rotated_trail_is_one_chain),
        cmocka_unit_test(rotated_names_sort_oldest_first),
        cmocka_unit_test(an_unfinished_last_line_is_cut_and_noted),
        cmocka_unit_test(a_log_from_before_chaining_starts_a_new_chain),
        cmocka_unit_test(a_full_disk_leaves_no_partial_line_and_writing_resumes),
        cmocka_unit_test(audit_group_may_read_new_files),
        cmocka_unit_test(an_existing_log_others_can_read_is_refused),
        cmocka_unit_test(unknown_audit_group_and_unwritable_log_name_themselves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
