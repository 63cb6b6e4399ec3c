/* UPN (§4): check letter, LA table, temporary form, case folding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "detect_test_util.h"

static void test_rules(void **state)
{
    (void)state;
    assert_int_equal(test_count(SS_T_UPN, "B801200005001"), 1);
    assert_int_equal(test_count(SS_T_UPN, "X00180001701A"), 1);
    assert_int_equal(test_count(SS_T_UPN, "P207000016049"), 1);
    assert_int_equal(test_count(SS_T_UPN, "B207000016049"), 0);
    assert_int_equal(test_count(SS_T_UPN, "E000200005001"), 0);
    assert_int_equal(test_count(SS_T_UPN, "B801200005001X"), 0);
    assert_int_equal(test_count(SS_T_UPN, "B801200005001 and P207000016049"), 2);
}

static void test_finding(void **state)
{
    (void)state;
    ss_findings f;
    const ss_finding *x = test_one(SS_T_UPN, "UPN: b801200005001", &f);
    assert_non_null(x);
    assert_true(test_value_is(x, "B801200005001"));
    assert_string_equal(x->redacted, "**********001");
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    assert_int_equal(x->off, 5);
    ss_findings_free(&f);
    x = test_one(SS_T_UPN, "B801200005001", &f);
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
