/* Release tokens: only ours, only for this message and this envelope,
 * only for a while, and only once (the store decides the once). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "quarantine/quarantine.h"
#include "certs/token.h"

static const unsigned char KEY[32] = "release-key-0123456789abcdefghij";
static const unsigned char OTHER[32] = "release-key-0123456789abcdefghiJ";
/* SHA: the held message and its envelope; SHA2 another message; ENV2
 * the same message to another envelope. */
static ss_token_bind SHA_, SHA2_, ENV2_;
#define SHA (&SHA_)
#define SHA2 (&SHA2_)
#define ENV2 (&ENV2_)
static const time_t T0 = 1732352400;
/* The length of a v2 token for SS-7KQ2-M9XD issued at T0. */
#define TOKLEN (27 + 3 * 64 + 2)

static int group_setup(void **state)
{
    (void)state;
    unsigned int n;
    const char *to[] = { "a@nhs.net", "B@Gmail.com" }, *to2[] = { "b@gmail.com", "A@NHS.NET" };
    const char *more[] = { "a@nhs.net", "b@gmail.com", "c@gmail.com" };
    EVP_Digest("the body\r\n", 10, SHA_.msg, &n, EVP_sha256(), NULL);
    EVP_Digest("the body!\r\n", 11, SHA2_.msg, &n, EVP_sha256(), NULL);
    ss_token_envelope("t@school.example", to, 2, SHA_.env);
    memcpy(SHA2_.env, SHA_.env, 32);
    memcpy(ENV2_.msg, SHA_.msg, 32);
    /* recipients in another order and case: the same envelope */
    ss_token_envelope("T@School.Example", to2, 2, ENV2_.env);
    assert_memory_equal(ENV2_.env, SHA_.env, 32);
    ss_token_envelope("t@school.example", more, 3, ENV2_.env);
    return 0;
}

static void make(char tok[SS_TOKEN_MAX])
{
    assert_int_equal(ss_token_make(KEY, sizeof KEY, "SS-7KQ2-M9XD", SHA, T0, tok), 0);
}

static void roundtrip(void **state)
{
    (void)state;
    char tok[SS_TOKEN_MAX], ref[32] = "junk";
    make(tok);
    assert_int_equal(strncmp(tok, "v2.SS-7KQ2-M9XD.1732352400.", 27), 0);
    assert_int_equal(strlen(tok), TOKLEN);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, tok, SHA, T0 + 60, 86400, ref), SS_TOK_OK);
    assert_string_equal(ref, "SS-7KQ2-M9XD");
    /* As a header value arrives: leading space, maybe a CRLF. */
    char hdr[SS_TOKEN_MAX + 8];
    snprintf(hdr, sizeof hdr, " %s\r\n", tok);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, hdr, SHA, T0, 86400, ref), SS_TOK_OK);
    /* Deterministic: the same inputs sign the same. */
    char again[SS_TOKEN_MAX];
    make(again);
    assert_string_equal(tok, again);
}

static void forged(void **state)
{
    (void)state;
    char tok[SS_TOKEN_MAX], bad[SS_TOKEN_MAX + 64], ref[32];
    make(tok);
    assert_int_equal(ss_token_check(OTHER, sizeof OTHER, tok, SHA, T0, 86400, ref), SS_TOK_FORGED);
    assert_string_equal(ref, "");
    /* Every single-character change anywhere is refused. */
    size_t n = strlen(tok);
    for (size_t i = 0; i < n; i++) {
        strcpy(bad, tok);
        bad[i] = bad[i] == '1' ? '2' : '1';
        ss_token_result r = ss_token_check(KEY, sizeof KEY, bad, SHA, T0, 86400, ref);
        if (r == SS_TOK_OK)
            fail_msg("a token changed at %zu was accepted", i);
    }
    /* A sender moving the hash fields to their own message or envelope
     * cannot re-sign. */
    char h2[65];
    for (int i = 0; i < 32; i++)
        snprintf(h2 + 2 * i, 3, "%02x", SHA2->msg[i]);
    strcpy(bad, tok);
    memcpy(bad + 27, h2, 64);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, bad, SHA2, T0, 86400, ref), SS_TOK_FORGED);
    for (int i = 0; i < 32; i++)
        snprintf(h2 + 2 * i, 3, "%02x", ENV2->env[i]);
    strcpy(bad, tok);
    memcpy(bad + 27 + 65, h2, 64);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, bad, ENV2, T0, 86400, ref), SS_TOK_FORGED);
    /* Upper-case hex, extra fields, truncation, junk, no key. */
    strcpy(bad, tok);
    for (char *p = bad + n - 64; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 32);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, bad, SHA, T0, 86400, ref), SS_TOK_FORGED);
    snprintf(bad, sizeof bad, "%s.00", tok);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, bad, SHA, T0, 86400, ref), SS_TOK_FORGED);
    snprintf(bad, sizeof bad, "%.*s", (int)n - 1, tok);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, bad, SHA, T0, 86400, ref), SS_TOK_FORGED);
    snprintf(bad, sizeof bad, "v1%s", tok + 2);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, bad, SHA, T0, 86400, ref), SS_TOK_FORGED);
    /* A v1 token (body only) is no longer taken. */
    snprintf(bad, sizeof bad, "v1.SS-7KQ2-M9XD.1732352400.%.64s.%.64s", tok + 27, tok + 27 + 130);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, bad, SHA, T0, 86400, ref), SS_TOK_FORGED);
    const char *junk[] = { "", "v2", "v2.....", "v2.SS-A.1...", "released", "v2.ss-7kq2-m9xd.1.a.b.c" };
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++)
        assert_int_equal(ss_token_check(KEY, sizeof KEY, junk[i], SHA, T0, 86400, ref), SS_TOK_FORGED);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, NULL, SHA, T0, 86400, ref), SS_TOK_FORGED);
    assert_int_equal(ss_token_check(KEY, 16, tok, SHA, T0, 86400, ref), SS_TOK_FORGED);
    memset(bad, 'a', sizeof bad - 1);
    bad[sizeof bad - 1] = '\0';
    assert_int_equal(ss_token_check(KEY, sizeof KEY, bad, SHA, T0, 86400, ref), SS_TOK_FORGED);
}

static void wrong_message_and_expiry(void **state)
{
    (void)state;
    char tok[SS_TOKEN_MAX], ref[32];
    make(tok);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, tok, SHA2, T0, 86400, ref), SS_TOK_WRONG_MESSAGE);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, tok, ENV2, T0, 86400, ref),
                     SS_TOK_WRONG_ENVELOPE);
    assert_string_equal(ref, "");
    assert_int_equal(ss_token_check(KEY, sizeof KEY, tok, SHA, T0 + 86400, 86400, ref), SS_TOK_OK);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, tok, SHA, T0 + 86401, 86400, ref), SS_TOK_EXPIRED);
    assert_string_equal(ref, "");
    assert_int_equal(ss_token_check(KEY, sizeof KEY, tok, SHA, T0 - 300, 86400, ref), SS_TOK_OK);
    assert_int_equal(ss_token_check(KEY, sizeof KEY, tok, SHA, T0 - 301, 86400, ref), SS_TOK_EXPIRED);
    assert_string_equal(ss_token_result_name(SS_TOK_WRONG_MESSAGE), "wrong message");
}

static void make_refuses_weak_input(void **state)
{
    (void)state;
    char tok[SS_TOKEN_MAX];
    assert_int_equal(ss_token_make(KEY, 31, "SS-7KQ2-M9XD", SHA, T0, tok), -1);
    assert_int_equal(ss_token_make(KEY, sizeof KEY, "SS.7KQ2", SHA, T0, tok), -1);
    assert_int_equal(ss_token_make(KEY, sizeof KEY, "SS-7KQ2", SHA, -5, tok), -1);
    assert_string_equal(tok, "");
}

/* The protocol quarantine.h describes: release, token, consume once. */
static void single_use_through_the_store(void **state)
{
    (void)state;
    char dir[] = "/tmp/ssq-token-XXXXXX";
    assert_non_null(mkdtemp(dir));
    ss_qput in = { .reference = "SS-ONCE-0001", .sender = "t@school.example", .summary = "held",
                   .msg = "Subject: x\r\n\r\nthe body\r\n", .msg_len = 24, .msg_fd = -1 };
    assert_int_equal(ss_quarantine_put(dir, &in, NULL, 0, NULL, 0), SS_Q_OK);
    assert_int_equal(ss_quarantine_set_state(dir, in.reference, SS_QS_HELD, SS_QS_RELEASED, "dsl",
                                             "secure portal unavailable; parent verified", 0, NULL, 0,
                                             NULL, NULL, 0), SS_Q_OK);
    char tok[SS_TOKEN_MAX], ref[32];
    assert_int_equal(ss_token_make(KEY, sizeof KEY, in.reference, SHA, time(NULL), tok), 0);
    int honoured = 0;
    for (int arrival = 0; arrival < 3; arrival++) {
        if (ss_token_check(KEY, sizeof KEY, tok, SHA, time(NULL), 3600, ref) == SS_TOK_OK &&
            ss_quarantine_consume_token(dir, ref, NULL, 0, NULL, 0) == SS_Q_OK)
            honoured++;
    }
    assert_int_equal(honoured, 1);
    char p[256];
    snprintf(p, sizeof p, "%s/SS-ONCE-0001.msg", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/SS-ONCE-0001.json", dir);
    unlink(p);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip),
        cmocka_unit_test(forged),
        cmocka_unit_test(wrong_message_and_expiry),
        cmocka_unit_test(make_refuses_weak_input),
        cmocka_unit_test(single_use_through_the_store),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
