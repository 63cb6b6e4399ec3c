/* Protective markings (§9.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "detect/detect.h"

static size_t count(const char *s)
{
    ss_detect_opts o;
    ss_detect_opts_default(&o);
    return ss_detect_count(SS_T_MARKING, s, strlen(s), &o);
}

static void test_matches(void **state)
{
    (void)state;
    assert_int_equal(count("Subject: OFFICIAL-SENSITIVE"), 1);
    assert_int_equal(count("official \t_ sensitive"), 1);
    assert_int_equal(count("OFFICIAL-SENSITIVENESS"), 0);
    assert_int_equal(count("unofficial-sensitive"), 0);
    assert_int_equal(count("notes\n  SECRET\nmore"), 1);
    assert_int_equal(count("notes\r\nRESTRICTED\r\nmore"), 1);      /* CRLF mail text */
    assert_int_equal(count("(CONFIDENTIAL) and [TOP SECRET]"), 2);
    assert_int_equal(count("a SECRET plan"), 0);
    assert_int_equal(count("[PROTECT ]"), 1);
    assert_int_equal(count("PROTECT - PERSONALLY"), 0);
    assert_int_equal(count("PRIVATE AND CONFIDENTIAL"), 0);
}

static void test_finding(void **state)
{
    (void)state;
    ss_detect_opts o;
    ss_detect_opts_default(&o);
    ss_findings f = { 0 };
    const char *s = "Re: Official - Sensitive strategy meeting";
    ss_detect_segment(s, strlen(s), 0, &o, &f);
    size_t n = 0;
    for (size_t i = 0; i < f.n; i++) {
        if (f.v[i].type != SS_T_MARKING)
            continue;
        n++;
        assert_string_equal(f.v[i].redacted, "OFFICIAL-SENSITIVE");
        assert_string_equal(f.v[i].value, "Official - Sensitive");
        assert_int_equal(f.v[i].off, 4);
        assert_int_equal(f.v[i].len, 20);
    }
    assert_int_equal(n, 1);
    assert_true(f.has_marking);
    ss_findings_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches),
        cmocka_unit_test(test_finding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
