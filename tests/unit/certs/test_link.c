/* Signed links in notices (certs/link.h): a link opens only the page it
 * was made for, only until it expires, and an edited one opens nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "certs/link.h"

static const unsigned char release_key[40] = "0123456789abcdef0123456789abcdef-release";
#define REF "SS-7KQ2-M9XD"
#define NOW 1900000000

static void key(unsigned char k[32])
{
    assert_int_equal(ss_link_key(release_key, sizeof release_key, k), 0);
}

static void link_opens_its_page_until_it_expires(void **state)
{
    (void)state;
    unsigned char k[32];
    char t[SS_LINK_MAX];
    key(k);
    assert_int_equal(ss_link_make(k, SS_LINK_DSL, REF, NOW + 60, t), 0);
    assert_true(!strncmp(t, "v1.", 3));
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, REF, t, NOW), SS_LINK_OK);
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, REF, t, NOW + 60), SS_LINK_OK);
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, REF, t, NOW + 61), SS_LINK_EXPIRED);
}

static void link_opens_no_other_page(void **state)
{
    (void)state;
    unsigned char k[32];
    char t[SS_LINK_MAX];
    key(k);
    assert_int_equal(ss_link_make(k, SS_LINK_SENDER, REF, NOW + 60, t), 0);
    assert_int_equal(ss_link_check(k, SS_LINK_SENDER, REF, t, NOW), SS_LINK_OK);
    /* the sender's link is not the DSL's, nor a link for another message */
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, REF, t, NOW), SS_LINK_FORGED);
    assert_int_equal(ss_link_check(k, SS_LINK_SENDER, "SS-7KQ2-M9XE", t, NOW), SS_LINK_FORGED);
}

static void edited_or_foreign_link_is_forged(void **state)
{
    (void)state;
    unsigned char k[32], other[32];
    char t[SS_LINK_MAX], edited[SS_LINK_MAX];
    key(k);
    static const unsigned char another[40] = "another site's release key, 32 bytes+...";
    assert_int_equal(ss_link_key(another, sizeof another, other), 0);
    assert_int_equal(ss_link_make(k, SS_LINK_DSL, REF, NOW + 60, t), 0);
    /* a later expiry written in by hand */
    snprintf(edited, sizeof edited, "v1.%d%s", NOW + 86400, strchr(t + 3, '.'));
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, REF, edited, NOW), SS_LINK_FORGED);
    /* one changed hex digit of the signature */
    strcpy(edited, t);
    edited[strlen(edited) - 1] = edited[strlen(edited) - 1] == '0' ? '1' : '0';
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, REF, edited, NOW), SS_LINK_FORGED);
    /* cut short, empty, junk, another key's */
    edited[strlen(edited) - 2] = '\0';
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, REF, edited, NOW), SS_LINK_FORGED);
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, REF, "", NOW), SS_LINK_FORGED);
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, REF, "v1..", NOW), SS_LINK_FORGED);
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, REF, NULL, NOW), SS_LINK_FORGED);
    assert_int_equal(ss_link_check(other, SS_LINK_DSL, REF, t, NOW), SS_LINK_FORGED);
    /* a reference that is not one cannot be signed or checked */
    assert_int_equal(ss_link_make(k, SS_LINK_DSL, "../etc/passwd", NOW, t), -1);
    assert_int_equal(ss_link_check(k, SS_LINK_DSL, "../etc", t, NOW), SS_LINK_FORGED);
}

static void link_key_needs_a_real_release_key(void **state)
{
    (void)state;
    unsigned char k[32], k2[32];
    assert_int_equal(ss_link_key(release_key, 31, k), -1);
    key(k);
    /* derived, not the release key itself */
    assert_memory_not_equal(k, release_key, 32);
    key(k2);
    assert_memory_equal(k, k2, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(link_opens_its_page_until_it_expires),
        cmocka_unit_test(link_opens_no_other_page),
        cmocka_unit_test(edited_or_foreign_link_is_forged),
        cmocka_unit_test(link_key_needs_a_real_release_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
