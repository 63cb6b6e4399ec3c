/* NINO (§6): prefix rules, separators, redaction, keyword confidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "detect_test_util.h"

static void test_rules(void **state)
{
    (void)state;
    assert_int_equal(test_count(SS_T_NINO, "AB 12 34 56 C"), 1);
    assert_int_equal(test_count(SS_T_NINO, "AB-123456 C"), 1);
    assert_int_equal(test_count(SS_T_NINO, "QQ 12 34 56 A"), 0);
    assert_int_equal(test_count(SS_T_NINO, "BG123612A"), 0);
    assert_int_equal(test_count(SS_T_NINO, "AO 12 34 56 A"), 0);
    assert_int_equal(test_count(SS_T_NINO, "AB 12 34 56 E"), 0);
    assert_int_equal(test_count(SS_T_NINO, "AB123456CD"), 0);
}

static void test_finding(void **state)
{
    (void)state;
    ss_findings f;
    const ss_finding *x = test_one(SS_T_NINO, "NI No. jg 10 32 59 a", &f);
    assert_non_null(x);
    assert_true(test_value_is(x, "JG103259A"));
    assert_string_equal(x->redacted, "** ** ** 59 A");
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    ss_findings_free(&f);
    x = test_one(SS_T_NINO, "ab123456c", &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_MEDIUM);
    ss_findings_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_finding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
