/* The real safeshare-extract, pooled and under its seccomp filter, over
 * every attachment in tests/data and damaged copies of each: not one is
 * killed by the filter. This is the check that catches a Debian library
 * update (or a new parser, or a new code path) that makes a system call
 * the allow-list (reader/sandbox.c) does not have, or opens a file the
 * warm-up (reader/warmup.c) did not open first: it fails here, naming the
 * file, instead of making real attachments unscannable in production.
 * (Under ASan the filter is off, sandbox.h says why; the files are still
 * read by the pool.) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <unistd.h>

#include "attach_test_util.h"
#include "reader/pool.h"

static char manager[1024], reader[1024];

static void discard(ssx_out *o, const char *sub, const char *t, size_t n) {}
static void discard_skip(ssx_out *o, const char *sub, const char *why, int u) {}

static ss_pool_status read_one(ss_pool *p, const unsigned char *data, size_t len,
                               const char *name)
{
    static const ss_job_limits lim = { 100u << 20, 200u << 20, 3, 10000, 10, 0 };
    ssx_out o = { discard, discard_skip, NULL, 0 };
    ssx_frames f;
    ssx_frames_init(&f, &o, 1u << 30);
    ss_pool_job j = { data, len, -1, name, NULL, lim, 0 };
    ss_pool_result r;
    ss_pool_submit(p, &j, 60000, &f, &r);
    ssx_frames_finish(&f, len);
    return r.status;
}

/* The file, then damaged copies: cut short at eight points, and with a
 * run of bytes overwritten at eight others (deterministic). */
static int read_variants(ss_pool *p, const char *name, const unsigned char *data, size_t len)
{
    int bad = 0;
    unsigned char *copy = malloc(len + 1);
    for (int v = 0; v <= 16; v++) {
        size_t n = len;
        memcpy(copy, data, len);
        if (v >= 1 && v <= 8)
            n = len * (size_t)v / 9;
        else if (v > 8)
            for (size_t i = len * (size_t)(v - 8) / 9, k = 0; i < len && k < 16; i++, k++)
                copy[i] ^= (unsigned char)(0x5a + k);
        ss_pool_status st = read_one(p, copy, n, name);
        if (st != SS_POOL_OK && st != SS_POOL_UNREADABLE) {
            print_error("%s (variant %d, %zu bytes): %s\n", name, v, n, ss_pool_status_name(st));
            bad++;
        }
    }
    free(copy);
    return bad;
}

static int read_dir(ss_pool *p, const char *dir, int *files)
{
    const char *top = getenv("SS_TESTDATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", top ? top : "tests/data", dir);
    DIR *d = opendir(path);
    assert_non_null(d);
    int bad = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strstr(e->d_name, ".py"))
            continue;
        char rel[512];
        snprintf(rel, sizeof rel, "../%s/%s", dir, e->d_name);
        size_t len;
        unsigned char *data = fixture(rel, &len);
        bad += read_variants(p, e->d_name, data, len);
        free(data);
        (*files)++;
    }
    closedir(d);
    return bad;
}

static void every_fixture_under_the_filter(void **state)
{
    ss_pool_opts o = { .manager_path = manager, .reader_path = reader, .size = 2,
                       .strict = geteuid() == 0 };
    ss_pool *p;
    char err[512];
    if (ss_pool_create(&p, &o, err, sizeof err) || ss_pool_start(p, err, sizeof err))
        fail_msg("pool: %s", err);
    int files = 0, bad = read_dir(p, "attach", &files) + read_dir(p, "pdf", &files);
    ss_pool_stats st;
    ss_pool_get_stats(p, &st);
    print_message("%d files, %llu jobs: %llu read, %llu unreadable, %llu killed by the filter, "
                  "%llu crashed\n", files, (unsigned long long)st.jobs,
                  (unsigned long long)st.ok, (unsigned long long)st.unreadable,
                  (unsigned long long)st.sandbox, (unsigned long long)st.crashed);
    ss_pool_shutdown(p);
    assert_true(files >= 25);
    assert_int_equal(st.sandbox, 0);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const char *b = getenv("SS_BUILDDIR");
    snprintf(manager, sizeof manager, "%s/reader/safeshare-readerd", b ? b : ".");
    snprintf(reader, sizeof reader, "%s/reader/safeshare-extract", b ? b : ".");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_fixture_under_the_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
