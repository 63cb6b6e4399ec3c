/* Release: the body hash both ends agree on, whatever the MTA does to the
 * headers and line endings; the re-injected message carries one token. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quarantine/release.h"

static void hash(const char *m, unsigned char out[32])
{
    assert_int_equal(ss_release_body_sha256(m, strlen(m), out), 0);
}

static void body_hash_ignores_headers_and_line_endings(void **state)
{
    (void)state;
    unsigned char a[32], b[32], c[32], d[32], e[32];
    hash("Subject: x\r\n\r\nline one\r\nline two\r\n", a);
    /* the MTA prepends a trace header and may use LF and drop or add the
     * final line ending */
    hash("Received: from a by b\r\n\tfor c\r\nSubject: x\r\n\r\nline one\r\nline two\r\n", b);
    hash("Subject: x\n\nline one\nline two", c);
    hash("Subject: x\n\nline one\nline two\n\n\r\n", d);
    assert_memory_equal(a, b, 32);
    assert_memory_equal(a, c, 32);
    assert_memory_equal(a, d, 32);
    /* but not a changed body, nor a moved line break */
    hash("Subject: x\r\n\r\nline one\r\nline twO\r\n", e);
    assert_memory_not_equal(a, e, 32);
    hash("Subject: x\r\n\r\nline one line two\r\n", e);
    assert_memory_not_equal(a, e, 32);
    hash("Subject: x\r\n\r\n\r\nline one\r\nline two\r\n", e);
    assert_memory_not_equal(a, e, 32);
}

static void body_hash_in_pieces_and_from_fd(void **state)
{
    (void)state;
    const char *m = "From: a@b\r\nSubject: s\r\n\r\nHello\r\n\r\nthere\r\n";
    unsigned char whole[32], pieces[32], fromfd[32];
    hash(m, whole);
    ss_bodyhash h;
    assert_int_equal(ss_bodyhash_init(&h), 0);
    for (size_t i = 0; m[i]; i++)
        ss_bodyhash_add(&h, m + i, 1);     /* a split CRLF on every boundary */
    assert_int_equal(ss_bodyhash_final(&h, pieces), 0);
    assert_memory_equal(whole, pieces, 32);
    char path[] = "/tmp/ss-release-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, m, strlen(m)), (ssize_t)strlen(m));
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(ss_release_body_sha256_fd(fd, fromfd), 0);
    close(fd);
    assert_memory_equal(whole, fromfd, 32);
}

static void message_without_body_hashes(void **state)
{
    (void)state;
    unsigned char a[32], b[32];
    hash("Subject: only headers\r\n", a);
    hash("", b);
    assert_memory_equal(a, b, 32);
}

static void released_message_carries_one_token(void **state)
{
    (void)state;
    const char *m = "Received: by mx\r\nX-Safeshare-Release: v1.FORGED\r\n\tmore forged\r\n"
                    "Subject: s\r\nx-safeshare-release:v1.ALSO\r\n\r\n"
                    "X-Safeshare-Release: body text stays\r\n";
    ss_buf b = SS_BUF_INIT;
    ss_release_message(m, strlen(m), "v1.REAL", &b);
    ss_buf_addc(&b, '\0');
    assert_string_equal(b.p, "X-Safeshare-Release: v1.REAL\r\nReceived: by mx\r\nSubject: s\r\n\r\n"
                             "X-Safeshare-Release: body text stays\r\n");
    ss_buf_free(&b);
    /* the body hash is the same before and after */
    unsigned char x[32], y[32];
    ss_buf r = SS_BUF_INIT;
    ss_release_message(m, strlen(m), "v1.REAL", &r);
    assert_int_equal(ss_release_body_sha256(r.p, r.len, x), 0);
    hash(m, y);
    assert_memory_equal(x, y, 32);
    ss_buf_free(&r);
}

static void submit_to_nowhere_fails_with_reason(void **state)
{
    (void)state;
    const char *rcpt[] = { "b@example.org" };
    char err[512] = "";
    /* port 9 on loopback: nobody listens in a test environment */
    assert_int_equal(ss_release_submit("smtp://127.0.0.1:9", "a@example.org", rcpt, 1,
                                       "Subject: s\r\n\r\nx\r\n", 16, err, sizeof err), -1);
    assert_non_null(strstr(err, "smtp://127.0.0.1:9"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(body_hash_ignores_headers_and_line_endings),
        cmocka_unit_test(body_hash_in_pieces_and_from_fd),
        cmocka_unit_test(message_without_body_hashes),
        cmocka_unit_test(released_message_carries_one_token),
        cmocka_unit_test(submit_to_nowhere_fails_with_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
