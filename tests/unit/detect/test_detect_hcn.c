/* H&C (§3): range, formats, keyword confidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "detect_test_util.h"

static void test_range(void **state)
{
    (void)state;
    assert_int_equal(test_count(SS_T_HCN, "3200000015"), 1);       /* lowest base */
    assert_int_equal(test_count(SS_T_HCN, "320 000 0015"), 1);
    assert_int_equal(test_count(SS_T_HCN, "3200000007"), 0);       /* base 320000000 */
    assert_int_equal(test_count(SS_T_HCN, "3333333333"), 0);
    assert_int_equal(test_count(SS_T_HCN, "3200000015"), 1);
    assert_int_equal(test_count(SS_T_NHS, "3200000015"), 0);
}

static void test_finding(void **state)
{
    (void)state;
    ss_findings f;
    const ss_finding *x = test_one(SS_T_HCN, "H&C number: 320-000-0015", &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    assert_string_equal(x->redacted, "*** *** 0015");
    ss_findings_free(&f);
    x = test_one(SS_T_HCN, "hsc 3200000015", &f);                  /* HSC is case-sensitive */
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_MEDIUM);
    ss_findings_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_finding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
