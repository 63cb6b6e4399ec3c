/* Normalisation (§0.1) and the check-digit helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "detect/checksum.h"
#include "detect/normalise.h"

static void test_ascii_is_untouched(void **state)
{
    (void)state;
    static const char s[] = "plain text";
    ss_norm n;
    ss_normalise(&n, s, 10);
    assert_ptr_equal(n.text, s);        /* no copy for pure ASCII */
    assert_null(n.map);
    size_t os, ol;
    ss_norm_span(&n, 6, 10, &os, &ol);
    assert_int_equal(os, 6);
    assert_int_equal(ol, 4);
    ss_norm_free(&n);
}

static void test_unfolded_utf8_is_untouched(void **state)
{
    (void)state;
    /* letters and curly quotes are kept: no copy, identity spans */
    static const char s[] = "caf\xc3\xa9\xe2\x80\x99s 1234567890123 \xc2\xa3" "5";
    ss_norm n;
    ss_normalise(&n, s, sizeof s - 1);
    assert_ptr_equal(n.text, s);
    assert_null(n.map);
    size_t os, ol;
    ss_norm_span(&n, 3, 8, &os, &ol);
    assert_int_equal(os, 3);
    assert_int_equal(ol, 5);
    ss_norm_free(&n);
}

static void test_folds_and_map(void **state)
{
    (void)state;
    /* full-width 9, NBSP, soft hyphen, ZWSP, en dash, minus, ligature fi, é kept */
    const char *s = "\xef\xbc\x99\xc2\xa0" "a\xc2\xad" "b\xe2\x80\x8b" "c\xe2\x80\x93\xe2\x88\x92"
                    "\xef\xac\x81" "\xc3\xa9";
    ss_norm n;
    ss_normalise(&n, s, strlen(s));
    assert_int_equal(n.len, 11);
    assert_memory_equal(n.text, "9 abc--fi\xc3\xa9", 11);
    size_t os, ol;
    ss_norm_span(&n, 0, 1, &os, &ol);       /* full-width digit: 3 bytes */
    assert_int_equal(os, 0);
    assert_int_equal(ol, 3);
    ss_norm_span(&n, 7, 9, &os, &ol);       /* "fi" from one ligature */
    assert_int_equal(ol, 3);
    ss_norm_span(&n, 0, 11, &os, &ol);
    assert_int_equal(os, 0);
    assert_int_equal(ol, strlen(s));
    ss_norm_free(&n);
}

static void test_invalid_utf8_copied(void **state)
{
    (void)state;
    const char s[] = "\xff\xc3" "9\xe2\x80";
    ss_norm n;
    ss_normalise(&n, s, sizeof s - 1);
    assert_int_equal(n.len, sizeof s - 1);
    assert_memory_equal(n.text, s, sizeof s - 1);
    ss_norm_free(&n);
}

static void test_word_classes(void **state)
{
    (void)state;
    const char *s = "\xe2\x80\x9c" "a\xc3\xa9";   /* curly quote, a, é */
    assert_false(ss_is_word_before(s, 3));
    assert_true(ss_is_word_at(s, strlen(s), 3));
    assert_true(ss_is_word_before(s, 6));
}

static void test_checksums(void **state)
{
    (void)state;
    assert_true(ss_mod11_ok("9434765919"));
    assert_false(ss_mod11_ok("9434765871"));
    assert_false(ss_mod11_ok("1234567890"));
    assert_true(ss_luhn_ok("0101201234"));
    assert_true(ss_uln_ok("9276308686"));
    assert_false(ss_uln_ok("0010000002"));
    assert_true(ss_chi_date_ok("290200"));
    assert_false(ss_chi_date_ok("290219"));
    assert_true(ss_repdigit("4444444444", 10));
    assert_int_equal(ss_century_year(25, 11, 5, 2025, 9, 1), 1925);
    assert_int_equal(ss_century_year(12, 11, 5, 2025, 9, 1), 2012);
    assert_int_equal(ss_age_on(2007, 9, 2, 2025, 9, 1), 17);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_is_untouched),
        cmocka_unit_test(test_unfolded_utf8_is_untouched),
        cmocka_unit_test(test_folds_and_map),
        cmocka_unit_test(test_invalid_utf8_copied),
        cmocka_unit_test(test_word_classes),
        cmocka_unit_test(test_checksums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
