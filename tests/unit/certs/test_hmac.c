/* HMAC-SHA256 (certs/hmac.h) against RFC 4231's vectors, whatever the
 * pieces the input comes in, with the per-thread keyed contexts switching
 * between more keys than they keep, and from several threads at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "certs/hmac.h"

/* RFC 4231 test cases 1 and 2. */
static const unsigned char key1[20] = { 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                                        0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                                        0x0b, 0x0b };
static const char *const want1 =
    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
static const char *const want2 =
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

static void hex(const unsigned char *md, char *out)
{
    for (int i = 0; i < SS_HMAC_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void check(const unsigned char *key, size_t keylen, const char *msg, size_t cut,
                  const char *want)
{
    ss_hmac_piece p[2] = { { msg, cut }, { msg + cut, strlen(msg) - cut } };
    unsigned char md[SS_HMAC_LEN];
    char h[2 * SS_HMAC_LEN + 1];
    assert_int_equal(ss_hmac_sha256(key, keylen, p, 2, md), 0);
    hex(md, h);
    assert_string_equal(h, want);
}

static void rfc4231_in_any_pieces(void **state)
{
    for (size_t cut = 0; cut <= 8; cut++) {
        check(key1, sizeof key1, "Hi There", cut, want1);
        check((const unsigned char *)"Jefe", 4, "what do ya want for nothing?", cut, want2);
    }
}

/* More keys than a thread keeps keyed: each MAC is still its key's. */
static void many_keys(void **state)
{
    unsigned char keys[6][32];
    for (int k = 0; k < 6; k++)
        memset(keys[k], 'a' + k, sizeof keys[k]);
    unsigned char first[6][SS_HMAC_LEN], again[SS_HMAC_LEN];
    ss_hmac_piece p = { "record", 6 };
    for (int k = 0; k < 6; k++)
        assert_int_equal(ss_hmac_sha256(keys[k], 32, &p, 1, first[k]), 0);
    for (int round = 0; round < 3; round++)
        for (int k = 5; k >= 0; k--) {
            assert_int_equal(ss_hmac_sha256(keys[k], 32, &p, 1, again), 0);
            assert_memory_equal(again, first[k], SS_HMAC_LEN);
        }
    check(key1, sizeof key1, "Hi There", 3, want1);
}

static void *thread_macs(void *arg)
{
    int *bad = arg;
    for (int i = 0; i < 2000; i++) {
        ss_hmac_piece p = { "Hi There", 8 };
        unsigned char md[SS_HMAC_LEN];
        char h[2 * SS_HMAC_LEN + 1];
        ss_hmac_sha256(key1, sizeof key1, &p, 1, md);
        hex(md, h);
        *bad += strcmp(h, want1) != 0;
    }
    return NULL;
}

static void threads(void **state)
{
    pthread_t t[4];
    int bad[4] = { 0 };
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, thread_macs, &bad[i]);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(bad[i], 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc4231_in_any_pieces),
        cmocka_unit_test(many_keys),
        cmocka_unit_test(threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
