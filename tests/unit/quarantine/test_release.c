/* Release: the message hash both ends agree on, whatever the MTA does to
 * line endings, folding and trace headers, and nothing a sender could
 * change without it showing; the re-injected message carries one token,
 * bound to the message and its envelope. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certs/token.h"
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

static void msghash(const char *m, int after_token, unsigned char out[32])
{
    assert_int_equal(ss_release_msg_sha256(m, strlen(m), after_token, out), 0);
}

#define HELD "Received: by mx1\r\nFrom: a@b\r\nSubject: a  long\r\n subject\r\n\r\nHello\r\n"

/* What the milter sees of the re-injected message: the MTA's trace above
 * the token, LF line ends, the fold and blanks changed, names in another
 * case, a "name: value" rebuilt from callbacks. The same hash. */
static void message_hash_survives_the_mta(void **state)
{
    (void)state;
    unsigned char held[32], seen[32];
    msghash(HELD, 0, held);
    msghash("Received: by mx2\n\tfor <x@y>\nX-Safeshare-Release: v2.TOKEN\n"
            "Received:   by mx1\nfrom: a@b\nSubject: a long subject\n\nHello\n\n", 1, seen);
    assert_memory_equal(held, seen, 32);
    /* the release side drops a held copy's own token fields too */
    msghash("X-Safeshare-Release: v2.OLD\r\n" HELD, 0, seen);
    assert_memory_equal(held, seen, 32);
}

/* Everything a sender could change shows: a header's words, a header
 * added below the token, a header dropped, the body. */
static void message_hash_covers_headers_and_body(void **state)
{
    (void)state;
    const char *changed[] = {
        "X-Safeshare-Release: t\r\nReceived: by mx1\r\nFrom: a@b\r\n"
        "Subject: a long subject, NHS 401 023 2137\r\n\r\nHello\r\n",
        "X-Safeshare-Release: t\r\nReceived: by mx1\r\nFrom: a@b\r\n"
        "Subject: a long subject\r\nCc: c@d\r\n\r\nHello\r\n",
        "X-Safeshare-Release: t\r\nReceived: by mx1\r\nSubject: a long subject\r\n\r\nHello\r\n",
        "X-Safeshare-Release: t\r\nReceived: by mx1\r\nFrom: a@b\r\n"
        "Subject: a long subject\r\n\r\nHello!\r\n",
        /* no token field: nothing counts, so nothing matches */
        HELD,
    };
    unsigned char held[32], x[32];
    msghash(HELD, 0, held);
    for (size_t i = 0; i < sizeof changed / sizeof *changed; i++) {
        msghash(changed[i], 1, x);
        if (memcmp(held, x, 32) == 0)
            fail_msg("change %zu did not change the hash", i);
    }
}

static void message_hash_in_pieces_and_from_fd(void **state)
{
    (void)state;
    const char *m = "From: a@b\r\nSubject: s\r\n\r\nHello\r\n\r\nthere\r\n";
    unsigned char whole[32], pieces[32], fromfd[32];
    msghash(m, 0, whole);
    ss_msghash h;
    assert_int_equal(ss_msghash_init(&h, 0), 0);
    for (size_t i = 0; m[i]; i++)
        ss_msghash_add(&h, m + i, 1);     /* a split CRLF on every boundary */
    assert_int_equal(ss_msghash_final(&h, pieces), 0);
    assert_memory_equal(whole, pieces, 32);
    char path[] = "/tmp/ss-release-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, m, strlen(m)), (ssize_t)strlen(m));
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(ss_release_msg_sha256_fd(fd, 0, fromfd), 0);
    close(fd);
    assert_memory_equal(whole, fromfd, 32);
}

/* What a release re-injects verifies for its envelope and message only. */
static void release_build_binds_envelope_and_message(void **state)
{
    (void)state;
    static const unsigned char key[32] = "release-key-0123456789abcdefghij";
    const char *to[] = { "x@gmail.com", "y@nhs.net" }, *to2[] = { "y@nhs.net", "x@gmail.com" };
    ss_buf b = SS_BUF_INIT;
    assert_int_equal(ss_release_build(key, sizeof key, "SS-7KQ2-M9XD", "a@b", to, 2, HELD,
                                      strlen(HELD), 1732352400, &b), 0);
    assert_int_equal(strncmp(b.p, "X-Safeshare-Release: v2.SS-7KQ2-M9XD.1732352400.", 48), 0);
    const char *tok = b.p + strlen("X-Safeshare-Release: ");
    char line[SS_TOKEN_MAX];
    snprintf(line, sizeof line, "%.*s", (int)(strchr(tok, '\r') - tok), tok);
    ss_token_bind got;
    char ref[32];
    assert_int_equal(ss_release_msg_sha256(b.p, b.len, 1, got.msg), 0);
    ss_token_envelope("a@b", to2, 2, got.env);
    assert_int_equal(ss_token_check(key, sizeof key, line, &got, 1732352400, 60, ref), SS_TOK_OK);
    ss_token_envelope("other@b", to, 2, got.env);
    assert_int_equal(ss_token_check(key, sizeof key, line, &got, 1732352400, 60, ref),
                     SS_TOK_WRONG_ENVELOPE);
    ss_buf_free(&b);
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
        cmocka_unit_test(message_hash_survives_the_mta),
        cmocka_unit_test(message_hash_covers_headers_and_body),
        cmocka_unit_test(message_hash_in_pieces_and_from_fd),
        cmocka_unit_test(release_build_binds_envelope_and_message),
        cmocka_unit_test(message_without_body_hashes),
        cmocka_unit_test(released_message_carries_one_token),
        cmocka_unit_test(submit_to_nowhere_fails_with_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
