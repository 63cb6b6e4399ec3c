/* ULN (§5): contiguous only, disjoint from NHS, LOW without a keyword. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "detect_test_util.h"

static void test_rules(void **state)
{
    (void)state;
    assert_int_equal(test_count(SS_T_ULN, "9276308686"), 1);
    assert_int_equal(test_count(SS_T_ULN, "927 630 8686"), 0);
    assert_int_equal(test_count(SS_T_ULN, "9276308687"), 0);
    assert_int_equal(test_count(SS_T_NHS, "9276308686"), 0);
    assert_int_equal(test_count(SS_T_ULN, "9434765919"), 0);
}

static void test_confidence(void **state)
{
    (void)state;
    ss_findings f;
    const ss_finding *x = test_one(SS_T_ULN, "9276308686", &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_LOW);
    ss_findings_free(&f);
    x = test_one(SS_T_ULN, "ULN: 9276308686", &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    assert_string_equal(x->redacted, "*** *** 8686");
    ss_findings_free(&f);
    x = test_one(SS_T_ULN, "uln 9276308686", &f);                 /* ULN is case-sensitive */
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_LOW);
    ss_findings_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_confidence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
