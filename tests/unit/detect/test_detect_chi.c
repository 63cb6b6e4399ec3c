/* CHI (§2): formats, Mod-10 switch, child age, redaction, confidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "detect_test_util.h"

static void test_hard_rules(void **state)
{
    (void)state;
    assert_int_equal(test_count(SS_T_CHI, "0101011237"), 1);
    assert_int_equal(test_count(SS_T_CHI, "010101 1237"), 1);
    assert_int_equal(test_count(SS_T_CHI, "010101-1237"), 1);
    assert_int_equal(test_count(SS_T_CHI, "010 101 1237"), 1);
    assert_int_equal(test_count(SS_T_CHI, "1111111111"), 0);
    assert_int_equal(test_count(SS_T_CHI, "2902191230"), 0);
    assert_int_equal(test_count(SS_T_CHI, "010101 1237 5"), 0);
    assert_int_equal(test_count(SS_T_CHI, "+44 0101011237"), 0);
}

static void test_mod10_switch(void **state)
{
    (void)state;
    ss_findings f;
    const ss_finding *x = test_one(SS_T_CHI, "0101201234", &f);
    assert_non_null(x);
    assert_true(x->flags & SS_F_MOD10_ONLY);
    assert_int_equal(x->confidence, SS_CONF_LOW);
    ss_findings_free(&f);

    ss_detect_opts o = test_opts();
    o.chi_mod10 = 0;
    assert_int_equal(ss_detect_count(SS_T_CHI, "0101201234", 10, &o), 0);
    assert_int_equal(ss_detect_count(SS_T_CHI, "0101011237", 10, &o), 1);
}

static void test_finding(void **state)
{
    (void)state;
    ss_findings f;
    const ss_finding *x = test_one(SS_T_CHI, "CHI: 190485 1231", &f);
    assert_non_null(x);
    assert_string_equal(x->redacted, "****** **31");
    assert_true(test_value_is(x, "1904851231"));
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    assert_false(x->flags & SS_F_CHILD_AGE);            /* born 1985 */
    assert_int_equal(x->off, 5);
    assert_int_equal(x->len, 11);
    ss_findings_free(&f);

    x = test_one(SS_T_CHI, "0101011237", &f);             /* 1 Jan 2001: 24 */
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_MEDIUM);
    assert_false(x->flags & SS_F_CHILD_AGE);
    ss_findings_free(&f);

    x = test_one(SS_T_CHI, "2902201230", &f);             /* 29 Feb 2020: 5 */
    assert_non_null(x);
    assert_true(x->flags & SS_F_CHILD_AGE);
    ss_findings_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hard_rules),
        cmocka_unit_test(test_mod10_switch),
        cmocka_unit_test(test_finding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
