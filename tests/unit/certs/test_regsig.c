/* Register signatures (certs/regsig.h): a good signature verifies and
 * names its anchor; a changed byte, a wrong key, a truncated signature
 * and a bad anchor file are refused; two anchors allow rotation; our
 * signature is the one stock `openssl pkeyutl -rawin` makes and checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "certs/regsig.h"
#include "regkey_test_util.h"

static const char REG[] = "%format safeshare-register 1\n%serial 7\n"
                          "%expires 2099-01-01T00:00:00Z\n"
                          "nhs.net org=\"NHSmail\" basis=nhsmail until=2099-01-01 tls=verify\n";

typedef struct {
    char dir[64], anchors[96], key[96], old[96];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ss-regsig-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->anchors, sizeof f->anchors, "%s/anchors", f->dir);
    assert_int_equal(mkdir(f->anchors, 0755), 0);
    regkey_make(f->dir, f->anchors, "current");
    regkey_make(f->dir, NULL, "stranger");      /* a key nobody trusts */
    snprintf(f->key, sizeof f->key, "%s/current.key", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    regkey_rmrf(f->dir);
    free(f);
    return 0;
}

static ss_anchors *anchors(const fixture *f)
{
    char why[512] = "";
    ss_anchors *a = ss_anchors_load(f->anchors, why, sizeof why);
    if (!a)
        fail_msg("%s", why);
    return a;
}

static void sign_with(const fixture *f, const char *name, unsigned char sig[SS_SIG_LEN])
{
    char key[128], why[512] = "";
    snprintf(key, sizeof key, "%s/%s.key", f->dir, name);
    if (ss_sig_sign(key, REG, strlen(REG), sig, why, sizeof why) != 0)
        fail_msg("%s", why);
}

static void test_good_signature(void **state)
{
    fixture *f = *state;
    unsigned char sig[SS_SIG_LEN];
    sign_with(f, "current", sig);
    ss_anchors *a = anchors(f);
    char who[SS_ANCHOR_NAME] = "", why[256] = "";
    assert_int_equal(ss_sig_verify(a, REG, strlen(REG), sig, sizeof sig, who, why, sizeof why), 0);
    assert_string_equal(who, "current.pub");
    ss_anchors_free(a);
}

static void test_changed_byte_refused(void **state)
{
    fixture *f = *state;
    unsigned char sig[SS_SIG_LEN];
    sign_with(f, "current", sig);
    char copy[sizeof REG];
    memcpy(copy, REG, sizeof REG);
    copy[strlen(copy) - 12] = '8';      /* until=2099 -> 2089: one byte */
    ss_anchors *a = anchors(f);
    char who[SS_ANCHOR_NAME] = "", why[256] = "";
    assert_int_equal(ss_sig_verify(a, copy, strlen(copy), sig, sizeof sig, who, why,
                                   sizeof why), -1);
    assert_non_null(strstr(why, "does not verify against any of the 1 trust anchor"));
    /* a flipped bit in the signature itself */
    sign_with(f, "current", sig);
    sig[10] ^= 1;
    assert_int_equal(ss_sig_verify(a, REG, strlen(REG), sig, sizeof sig, who, why,
                                   sizeof why), -1);
    ss_anchors_free(a);
}

static void test_wrong_key_refused(void **state)
{
    fixture *f = *state;
    unsigned char sig[SS_SIG_LEN];
    sign_with(f, "stranger", sig);
    ss_anchors *a = anchors(f);
    char who[SS_ANCHOR_NAME] = "", why[256] = "";
    assert_int_equal(ss_sig_verify(a, REG, strlen(REG), sig, sizeof sig, who, why,
                                   sizeof why), -1);
    assert_string_equal(who, "");
    ss_anchors_free(a);
}

static void test_truncated_signature_refused(void **state)
{
    fixture *f = *state;
    unsigned char sig[SS_SIG_LEN];
    sign_with(f, "current", sig);
    ss_anchors *a = anchors(f);
    char who[SS_ANCHOR_NAME] = "", why[256] = "";
    assert_int_equal(ss_sig_verify(a, REG, strlen(REG), sig, 63, who, why, sizeof why), -1);
    assert_non_null(strstr(why, "not the 64 bytes"));
    ss_anchors_free(a);
}

/* Rotation: the publisher adds its next key as a second anchor, signs
 * with it, and later the old anchor is removed; the old key's
 * signatures then stop verifying. */
static void test_rotated_key(void **state)
{
    fixture *f = *state;
    regkey_make(f->dir, f->anchors, "next");
    unsigned char by_old[SS_SIG_LEN], by_next[SS_SIG_LEN];
    sign_with(f, "current", by_old);
    sign_with(f, "next", by_next);
    ss_anchors *a = anchors(f);
    assert_int_equal(ss_anchors_count(a), 2);
    char who[SS_ANCHOR_NAME] = "", why[256] = "";
    assert_int_equal(ss_sig_verify(a, REG, strlen(REG), by_next, SS_SIG_LEN, who, why,
                                   sizeof why), 0);
    assert_string_equal(who, "next.pub");
    assert_int_equal(ss_sig_verify(a, REG, strlen(REG), by_old, SS_SIG_LEN, who, why,
                                   sizeof why), 0);
    assert_string_equal(who, "current.pub");
    ss_anchors_free(a);
    char path[160];
    snprintf(path, sizeof path, "%s/current.pub", f->anchors);
    assert_int_equal(unlink(path), 0);
    a = anchors(f);
    assert_int_equal(ss_sig_verify(a, REG, strlen(REG), by_old, SS_SIG_LEN, who, why,
                                   sizeof why), -1);
    assert_int_equal(ss_sig_verify(a, REG, strlen(REG), by_next, SS_SIG_LEN, who, why,
                                   sizeof why), 0);
    ss_anchors_free(a);
}

static void test_bad_anchor_directory(void **state)
{
    fixture *f = *state;
    char why[512] = "", dir[128];
    snprintf(dir, sizeof dir, "%s/none", f->dir);
    assert_null(ss_anchors_load(dir, why, sizeof why));
    assert_non_null(strstr(why, "cannot read the trust anchor directory"));
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_null(ss_anchors_load(dir, why, sizeof why));
    assert_non_null(strstr(why, "holds no trust anchor"));
    regkey_put(dir, "junk.pub", "not a key\n", 10);
    assert_null(ss_anchors_load(dir, why, sizeof why));
    assert_non_null(strstr(why, "junk.pub is not an Ed25519 public key"));
}

static void test_private_key_checks(void **state)
{
    fixture *f = *state;
    unsigned char sig[SS_SIG_LEN];
    char why[512] = "";
    assert_int_equal(chmod(f->key, 0644), 0);
    assert_int_equal(ss_sig_sign(f->key, REG, strlen(REG), sig, why, sizeof why), -1);
    assert_non_null(strstr(why, "must not be readable by group or others"));
    assert_int_equal(chmod(f->key, 0600), 0);
    char pub[160];
    snprintf(pub, sizeof pub, "%s/current.pub", f->anchors);
    char copy[600];
    snprintf(copy, sizeof copy, "cp %s %s/pub-as-key && chmod 600 %s/pub-as-key", pub,
             f->dir, f->dir);
    assert_int_equal(system(copy), 0);
    snprintf(copy, sizeof copy, "%s/pub-as-key", f->dir);
    assert_int_equal(ss_sig_sign(copy, REG, strlen(REG), sig, why, sizeof why), -1);
    assert_non_null(strstr(why, "is not an Ed25519 private key"));
}

/* The same bytes as `openssl pkeyutl -sign -rawin` and checked by
 * `openssl pkeyutl -verify -rawin`: a site can audit us with stock tools. */
static void test_stock_openssl_agrees(void **state)
{
    fixture *f = *state;
    regkey_put(f->dir, "reg.txt", REG, strlen(REG));
    unsigned char sig[SS_SIG_LEN];
    sign_with(f, "current", sig);
    regkey_put(f->dir, "reg.txt.sig", sig, sizeof sig);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "openssl pkeyutl -verify -pubin -inkey %s/current.pub -rawin "
             "-in %s/reg.txt -sigfile %s/reg.txt.sig >/dev/null 2>&1", f->anchors, f->dir,
             f->dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "openssl pkeyutl -sign -rawin -inkey %s -in %s/reg.txt "
             "-out %s/by-openssl.sig", f->key, f->dir, f->dir);
    assert_int_equal(system(cmd), 0);
    char path[160];
    snprintf(path, sizeof path, "%s/by-openssl.sig", f->dir);
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    unsigned char theirs[SS_SIG_LEN + 1];
    assert_int_equal(fread(theirs, 1, sizeof theirs, in), SS_SIG_LEN);
    fclose(in);
    assert_memory_equal(theirs, sig, SS_SIG_LEN);   /* Ed25519 is deterministic */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_byte_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_signature_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotated_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_anchor_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_private_key_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stock_openssl_agrees, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
