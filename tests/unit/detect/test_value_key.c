/* What a DPO types meets what the detectors recorded: one normal form per
 * type, and a named child's name keyed the same however it is written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "detect/value_key.h"

static void a_name_is_keyed_the_same_however_written(void **s)
{
    const char *same[] = {
        "Reuben Robinson", "reuben robinson", "  REUBEN \t ROBINSON ", "Reuben\xc2\xa0Robinson",
        "\xef\xbc\xb2" "euben Robinson",           /* full-width R */
        "Reu\xc2\xad" "ben Robinson",                   /* soft hyphen */
    };
    char k[128];
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        assert_int_equal(ss_named_child_key(same[i], k, sizeof k), 0);
        assert_string_equal(k, "reuben robinson");
    }
    assert_int_equal(ss_named_child_key("Siobh\xc3\xa1n O\xe2\x80\x99Neill", k, sizeof k), 0);
    assert_string_equal(k, "siobhan o'neill");
    assert_int_equal(ss_named_child_key("Zoe\xcc\x88 Smith\xe2\x80\x93Jones", k, sizeof k), 0);
    assert_string_equal(k, "zoe smith-jones");
    assert_int_equal(ss_named_child_key("Reuben Robinsons", k, sizeof k), 0);
    assert_string_not_equal(k, "reuben robinson");
}

static void not_a_name(void **s)
{
    char k[8];
    assert_int_equal(ss_named_child_key("   ", k, sizeof k), -1);
    assert_int_equal(ss_named_child_key("\xff\xfe", k, sizeof k), -1);
    assert_int_equal(ss_named_child_key("Maximilian Robinson", k, sizeof k), -1);
    assert_string_equal(k, "");
}

static void identifiers_as_the_detectors_record_them(void **s)
{
    static const struct { ss_type t; const char *typed, *key; } v[] = {
        { SS_T_NHS, "943 476 5919", "9434765919" },
        { SS_T_NHS, "943-476-5919", "9434765919" },
        { SS_T_NHS, "9434765919", "9434765919" },
        { SS_T_NINO, "ab 12 34 56 c", "AB123456C" },
        { SS_T_DOB_CHILD, "03/05/2015", "2015-05-03" },
        { SS_T_DOB_CHILD, "2015-05-03", "2015-05-03" },
        { SS_T_NAMED_CHILD, "Amelia  Evans", "amelia evans" },
    };
    char k[64], why[256];
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        if (ss_value_key(v[i].t, v[i].typed, k, sizeof k, why, sizeof why) != 0)
            fail_msg("%s: %s", v[i].typed, why);
        assert_string_equal(k, v[i].key);
    }
}

static void a_value_no_record_can_hold_is_refused_with_why(void **s)
{
    char k[64], why[256];
    assert_int_equal(ss_value_key(SS_T_NHS, "943 476 5918", k, sizeof k, why, sizeof why), -1);
    assert_non_null(strstr(why, "NHS number"));
    assert_int_equal(ss_value_key(SS_T_DOB_CHILD, "31/02/2015", k, sizeof k, why, sizeof why), -1);
    assert_non_null(strstr(why, "YYYY-MM-DD"));
    assert_int_equal(ss_value_key(SS_T_SG, "child protection", k, sizeof k, why, sizeof why), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_name_is_keyed_the_same_however_written),
        cmocka_unit_test(not_a_name),
        cmocka_unit_test(identifiers_as_the_detectors_record_them),
        cmocka_unit_test(a_value_no_record_can_hold_is_refused_with_why),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
