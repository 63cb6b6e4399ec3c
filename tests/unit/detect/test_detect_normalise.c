/* Normalisation (§0.1) and the check-digit helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "detect/checksum.h"
#include "detect/detect.h"
#include "detect/normalise.h"
#include "text/charset.h"

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

/* hostile class "digits": what a reader shows as 943 476 5919 */
static size_t nhs_in(const char *s, size_t len)
{
    ss_detect_opts o;
    ss_detect_opts_default(&o);
    return ss_detect_count(SS_T_NHS, s, len, &o);
}

static void test_digits_of_every_script(void **state)
{
    (void)state;
    static const char *const forms[] = {
        "\xd9\xa9\xd9\xa4\xd9\xa3 \xd9\xa4\xd9\xa7\xd9\xa6 \xd9\xa5\xd9\xa9\xd9\xa1\xd9\xa9",  /* Arabic-Indic */
        ("\xe0\xa5\xaf\xe0\xa5\xaa\xe0\xa5\xa9 \xe0\xa5\xaa\xe0\xa5\xad\xe0\xa5\xac "
         "\xe0\xa5\xab\xe0\xa5\xaf\xe0\xa5\xa7\xe0\xa5\xaf"),                                 /* Devanagari */
        "\xf0\x9d\x9f\x97\xf0\x9d\x9f\x92\xf0\x9d\x9f\x91 476 5919",                          /* maths bold */
        "943 \xd9\xa4\xd9\xa7\xd9\xa6 5919",                                                       /* mixed */
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
        assert_int_equal(nhs_in(forms[i], strlen(forms[i])), 1);
}

static void test_invisible_inside_digits(void **state)
{
    (void)state;
    /* deleted ("94<NUL>3" -> 943) or a gap ("943<NUL>476" -> 943 476) */
    static const char nul_group[] = "94\0003 476 5919";
    static const char nul_gap[] = "943\000476 5919";
    static const char esc[] = "943 476\0335919";
    static const char vt[] = "943\013476 5919";
    assert_int_equal(nhs_in(nul_group, sizeof nul_group - 1), 1);
    assert_int_equal(nhs_in(nul_gap, sizeof nul_gap - 1), 1);
    assert_int_equal(nhs_in(esc, sizeof esc - 1), 1);
    assert_int_equal(nhs_in(vt, sizeof vt - 1), 1);
    const char *lrm = "\xe2\x80\x8e" "943 \xe2\x80\x8e" "476 \xe2\x80\x8e" "5919";
    const char *bom = "943\xef\xbb\xbf" "476 5919";
    const char *zwnj = "943\xe2\x80\x8c" "476 5919";
    assert_int_equal(nhs_in(lrm, strlen(lrm)), 1);
    assert_int_equal(nhs_in(bom, strlen(bom)), 1);
    assert_int_equal(nhs_in(zwnj, strlen(zwnj)), 1);
    /* one number, one finding: both readings agree on "9434765919" */
    const char *zwsp = "943\xe2\x80\x8b" "476\xe2\x80\x8b" "5919";
    assert_int_equal(nhs_in(zwsp, strlen(zwsp)), 1);
}

/* A NUL from any charset (=00 in QP, UTF-16 "\0\0") stays an invisible
 * character, not U+FFFD, which would split the number for good. */
static void test_nul_through_charsets(void **state)
{
    (void)state;
    static const char raw[] = "943\000476 5919";
    static const char *const cs[] = { "utf-8", NULL, "iso-8859-1", "koi8-r" };
    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++) {
        ss_buf b = SS_BUF_INIT;
        ssx_to_utf8(&b, raw, sizeof raw - 1, cs[i]);
        assert_null(memchr(b.p, '\0', b.len));
        assert_int_equal(nhs_in(b.p, b.len), 1);
        ss_buf_free(&b);
    }
}

/* hostile class "charset": a UTF-32 BOM is not a UTF-16 one */
static void test_utf32_bom(void **state)
{
    (void)state;
    const char *txt = "NHS 943 476 5919";
    unsigned char le[4 + 4 * 16], be[4 + 4 * 16];
    memcpy(le, "\xff\xfe\0\0", 4);
    memcpy(be, "\0\0\xfe\xff", 4);
    for (size_t i = 0; i < 16; i++) {
        unsigned char *l = le + 4 + 4 * i, *g = be + 4 + 4 * i;
        memset(l, 0, 4);
        memset(g, 0, 4);
        l[0] = (unsigned char)txt[i];
        g[3] = (unsigned char)txt[i];
    }
    ss_buf a = SS_BUF_INIT, b = SS_BUF_INIT, c = SS_BUF_INIT;
    ssx_text_decode(&a, le, sizeof le, "utf-32");
    ssx_text_decode(&b, be, sizeof be, NULL);
    ssx_text_decode(&c, le + 4, sizeof le - 4, "UTF-32LE");   /* declared, no BOM */
    assert_string_equal(a.p, txt);
    assert_string_equal(b.p, txt);
    assert_string_equal(c.p, txt);
    ss_buf_free(&a);
    ss_buf_free(&b);
    ss_buf_free(&c);
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
        cmocka_unit_test(test_digits_of_every_script),
        cmocka_unit_test(test_invisible_inside_digits),
        cmocka_unit_test(test_nul_through_charsets),
        cmocka_unit_test(test_utf32_bom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
