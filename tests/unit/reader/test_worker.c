/* The extraction worker: the real safeshare-extract reads an attachment
 * out of process; a worker that crashes, hangs, fails or talks nonsense
 * (tests/unit/reader/fake-worker.sh) leaves the attachment unreadable with a
 * plain reason, and the caller carries on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <time.h>

#include "attach_test_util.h"

/* The worker leaves RLIMIT_AS alone under AddressSanitizer (SS_ASAN), so
 * the memory test is only meaningful without it. */
#include "reader/sandbox.h"

static char real[1024], fake[1024];

static void scan(const char *worker, const char *fixture_name, const char *name,
                 const ss_attach_limits *lim, collected *c)
{
    static const ss_attach_limits defaults = SS_ATTACH_LIMITS_DEFAULT;
    ssx_out o;
    col_init(&o, c);
    size_t len;
    unsigned char *data = fixture(fixture_name, &len);
    ssx_scan(data, len, name, NULL, NULL, lim ? lim : &defaults, worker, &o);
    free(data);
}

static void real_worker_reads_docx(void **state)
{
    (void)state;
    collected c;
    scan(real, "referral.docx", "referral.docx", NULL, &c);
    assert_int_equal(c.nskip, 0);
    assert_int_equal(c.ntext, 4);
    assert_string_equal(col_seg(&c, "the header"), "Header " NHS_DOTTED "\n");
    col_free(&c);
}

static void real_worker_reports_skips(void **state)
{
    (void)state;
    collected c;
    scan(real, "encrypted.zip", "secret.zip", NULL, &c);
    assert_int_equal(c.nskip, 1);
    assert_string_equal(c.why[0], "the archive is password-protected");
    assert_int_equal(c.unreadable[0], 1);
    col_free(&c);
}

/* Plain text never needs a worker: this one does not exist. */
static void text_in_process(void **state)
{
    (void)state;
    collected c;
    scan("/nonexistent/safeshare-extract", "utf16le-nobom.csv", "pupils.csv", NULL, &c);
    assert_int_equal(c.nskip, 0);
    assert_string_equal(col_seg(&c, ""), "Name,NHS number\nAnn," NHS_DOTTED "\n");
    col_free(&c);
}

static void expect_unreadable(const char *worker, const char *name,
                              const ss_attach_limits *lim, const char *why)
{
    collected c;
    scan(worker, "referral.docx", name, lim, &c);
    assert_true(c.nskip >= 1);
    assert_string_equal(c.ssub[c.nskip - 1], "");
    assert_string_equal(c.why[c.nskip - 1], why);
    assert_int_equal(c.unreadable[c.nskip - 1], 1);
    col_free(&c);
}

static void crash_is_unreadable(void **state)
{
    (void)state;
    expect_unreadable(fake, "crash.docx", NULL,
                      "the attachment could not be read safely (the reader crashed)");
    expect_unreadable(fake, "fail.docx", NULL,
                      "the attachment could not be read safely (the reader crashed)");
}

static void hang_is_killed(void **state)
{
    (void)state;
    ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    lim.max_seconds = 1;
    time_t t0 = time(NULL);
    expect_unreadable(fake, "hang.docx", &lim, "the attachment took too long to read");
    assert_true(time(NULL) - t0 < 10);
}

static void bad_protocol_is_unreadable(void **state)
{
    (void)state;
    const char *why = "the attachment could not be read safely (the reader gave a bad answer)";
    expect_unreadable(fake, "junk.docx", NULL, why);
    expect_unreadable(fake, "noend.docx", NULL, why);
}

static void missing_worker(void **state)
{
    (void)state;
    expect_unreadable("/nonexistent/safeshare-extract", "x.docx", NULL,
                      "the attachment could not be read safely (the reader program is missing)");
}

#ifndef SS_ASAN
/* The worker's own address-space limit: too little memory to read the
 * file is a failed read, not a failed milter. */
static void memory_limit_contains(void **state)
{
    (void)state;
    ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    lim.max_memory = 1u << 20;
    collected c;
    scan(real, "referral.docx", "referral.docx", &lim, &c);
    assert_int_equal(c.ntext, 0);     /* the reason depends on where it ran out */
    assert_true(c.nskip >= 1);
    assert_int_equal(c.unreadable[c.nskip - 1], 1);
    col_free(&c);
}
#endif

int main(void)
{
    const char *b = getenv("SS_BUILDDIR"), *s = getenv("SS_SRCDIR");
    snprintf(real, sizeof real, "%s/reader/safeshare-extract", b ? b : ".");
    snprintf(fake, sizeof fake, "%s/tests/unit/reader/fake-worker.sh", s ? s : ".");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_worker_reads_docx),
        cmocka_unit_test(real_worker_reports_skips),
        cmocka_unit_test(text_in_process),
        cmocka_unit_test(crash_is_unreadable),
        cmocka_unit_test(hang_is_killed),
        cmocka_unit_test(bad_protocol_is_unreadable),
        cmocka_unit_test(missing_worker),
#ifndef SS_ASAN
        cmocka_unit_test(memory_limit_contains),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
