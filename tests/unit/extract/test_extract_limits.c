/* Limits that span the whole message: MaxTotalBytes counts decompressed
 * attachment bytes across every attachment, MaxScanTime the wall clock.
 * What either stops is unreadable, never skipped in silence. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <time.h>

#include <glib.h>

#include "extract_test_util.h"

static gchar *fixture64(const char *name)
{
    const char *dir = getenv("SS_TESTDATA");
    gchar *path = g_strdup_printf("%s/attach/%s", dir ? dir : "tests/data", name);
    gchar *data;
    gsize len;
    if (!g_file_get_contents(path, &data, &len, NULL))
        fail_msg("cannot read %s", path);
    gchar *b64 = g_base64_encode((const guchar *)data, len);
    g_free(data);
    g_free(path);
    return b64;
}

/* A message with the fixture attached under each of the names given. */
static void extract_attached(const char *fixture, const char *const *names,
                             const ss_extract_limits *lim, ss_extract *x)
{
    gchar *b64 = fixture64(fixture);
    GString *m = g_string_new("Subject: files\nMIME-Version: 1.0\n"
                              "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
                              "--b\nContent-Type: text/plain\n\nSee attached.\n");
    for (; *names; names++)
        g_string_append_printf(m, "--b\nContent-Type: application/octet-stream\n"
                               "Content-Disposition: attachment; filename=\"%s\"\n"
                               "Content-Transfer-Encoding: base64\n\n%s\n", *names, b64);
    g_string_append(m, "--b\nContent-Type: text/plain; name=\"last.txt\"\n\nlast\n--b--\n");
    extract_str(m->str, lim, x);
    g_string_free(m, TRUE);
    g_free(b64);
}

static int skipped_under(const ss_extract *x, const char *prefix, const char *why)
{
    for (size_t i = 0; i < x->nskipped; i++)
        if (strncmp(x->skipped[i].location, prefix, strlen(prefix)) == 0 &&
            strcmp(x->skipped[i].why, why) == 0 && x->skipped[i].unreadable)
            return 1;
    return 0;
}

/* Each DOCX fits; three together do not. */
static void total_bytes_span_the_message(void **state)
{
    (void)state;
    static const char *const names[] = { "a.docx", "b.docx", "c.docx", NULL };
    ss_extract_limits lim = SS_EXTRACT_LIMITS_DEFAULT;
    lim.attach.max_total_bytes = 2500;
    ss_extract x;
    extract_attached("referral.docx", names, &lim, &x);
    const char *why = "the message's attachments expand to more than 2 KB in all";
    assert_false(skipped_under(&x, "attachment \"a.docx\"", why));
    seg_at(&x, "attachment \"a.docx\"");
    assert_true(skipped_under(&x, "attachment \"c.docx\"", why));
    expect_seg(&x, "attachment \"last.txt\"", "last");
    ss_extract_free(&x);

    lim.attach.max_total_bytes = 200u << 20;
    extract_attached("referral.docx", names, &lim, &x);
    assert_int_equal(x.nskipped, 0);
    seg_at(&x, "attachment \"c.docx\"");
    ss_extract_free(&x);
}

/* A reader that hangs is cut off by the message's clock, long before its
 * own CPU allowance; parts after it are not started. */
static void scan_time_spans_the_message(void **state)
{
    (void)state;
    static const char *const names[] = { "hang.docx", "b.docx", NULL };
    char fake[1024];
    const char *src = getenv("SS_SRCDIR");
    snprintf(fake, sizeof fake, "%s/tests/unit/reader/fake-worker.sh", src ? src : ".");
    ss_extract_limits lim = SS_EXTRACT_LIMITS_DEFAULT;
    lim.worker = fake;
    lim.max_seconds = 1;
    lim.attach.max_seconds = 30;
    time_t t0 = time(NULL);
    ss_extract x;
    extract_attached("referral.docx", names, &lim, &x);
    assert_true(time(NULL) - t0 < 10);
    const char *why = "the message took too long to check";
    assert_string_equal(skip_at(&x, "attachment \"hang.docx\"")->why, why);
    assert_string_equal(skip_at(&x, "attachment \"b.docx\"")->why, why);
    assert_string_equal(skip_at(&x, "attachment \"last.txt\"")->why, why);
    assert_int_equal(skip_at(&x, "attachment \"b.docx\"")->unreadable, 1);
    expect_seg(&x, "the message body", "See attached.");
    ss_extract_free(&x);
}

/* The reader's own clock still applies, with its own words. */
static void own_clock_when_shorter(void **state)
{
    (void)state;
    static const char *const names[] = { "hang.docx", NULL };
    char fake[1024];
    const char *src = getenv("SS_SRCDIR");
    snprintf(fake, sizeof fake, "%s/tests/unit/reader/fake-worker.sh", src ? src : ".");
    ss_extract_limits lim = SS_EXTRACT_LIMITS_DEFAULT;
    lim.worker = fake;
    lim.attach.max_seconds = 1;
    ss_extract x;
    extract_attached("referral.docx", names, &lim, &x);
    assert_string_equal(skip_at(&x, "attachment \"hang.docx\"")->why,
                        "the attachment took too long to read");
    expect_seg(&x, "attachment \"last.txt\"", "last");
    ss_extract_free(&x);
}

int main(void)
{
    char worker[1024];
    const char *b = getenv("SS_BUILDDIR");
    snprintf(worker, sizeof worker, "%s/reader/safeshare-extract", b ? b : ".");
    setenv("SAFESHARE_EXTRACT", worker, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(total_bytes_span_the_message),
        cmocka_unit_test(scan_time_spans_the_message),
        cmocka_unit_test(own_clock_when_shorter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
