/* Labelled child DOB (§7) on the fixed reference date 2025-09-01. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "detect_test_util.h"

static void test_rules(void **state)
{
    (void)state;
    assert_int_equal(test_count(SS_T_DOB_CHILD, "DOB: 02/09/2007"), 1);
    assert_int_equal(test_count(SS_T_DOB_CHILD, "DOB: 01/09/2007"), 0);    /* 18 today */
    assert_int_equal(test_count(SS_T_DOB_CHILD, "DOB: 02/09/2025"), 0);    /* future */
    assert_int_equal(test_count(SS_T_DOB_CHILD, "born on - 05/11/12"), 1);
    assert_int_equal(test_count(SS_T_DOB_CHILD, "Date  of\tBirth: March 3, 2016"), 1);
    assert_int_equal(test_count(SS_T_DOB_CHILD, "adobe 12/03/2015"), 0);
    assert_int_equal(test_count(SS_T_DOB_CHILD, "DOB 12/03/2015, DOB 2013-06-30"), 2);
}

static void test_finding_and_opts(void **state)
{
    (void)state;
    ss_findings f;
    const ss_finding *x = test_one(SS_T_DOB_CHILD, "Child A (DOB 12/25/2014)", &f);
    assert_non_null(x);
    assert_string_equal(x->value, "2014-12-25");
    assert_string_equal(x->redacted, "**/**/**** (age 10)");
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    assert_int_equal(x->off, 9);
    assert_int_equal(x->len, 14);
    ss_findings_free(&f);

    ss_detect_opts o = test_opts();
    o.ref_year = 2033;     /* the same DOB is an adult's later on */
    assert_int_equal(ss_detect_count(SS_T_DOB_CHILD, "DOB 12/25/2014", 14, &o), 0);
}

/* hostile class "dob-words": a child's birthday written in words */
static void test_dates_in_words(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "Jamie was born on the fourth of March 2015.",
        "born on the 4th of March 2015", "Date of birth: the fourth of March, 2015.",
        "DOB: March the fourth, 2015.", "Born on 4th March two thousand and fifteen.",
        "Jamie Smith (born fourth March 2015).", "Date of birth: 4 Mar 15.",
        "Date of birth: Wednesday 4 March 2015", "born on the twenty-first of May 2012",
        "DOB: 4 March twenty fifteen",
    };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_int_equal(test_count(SS_T_DOB_CHILD, yes[i]), 1);
    static const char *const no[] = {
        "the school was born in March 2015",          /* no day */
        "born 1 May 1990",                            /* an adult */
        "born on the fourth of Marchmont 2015",       /* not a month */
        "born on the thirty-second of May 2015",      /* not a day */
        "born on the 4th of March 2035",              /* not yet */
    };
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_int_equal(test_count(SS_T_DOB_CHILD, no[i]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_finding_and_opts),
        cmocka_unit_test(test_dates_in_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
