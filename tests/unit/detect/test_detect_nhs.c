/* NHS detector: formats, offsets into the original bytes, redaction,
 * confidence (§10) and the switches. Values are compared, never printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "detect/detect.h"

static ss_detect_opts opts(void)
{
    ss_detect_opts o;
    ss_detect_opts_default(&o);
    o.ref_year = 2025, o.ref_month = 9, o.ref_day = 1;
    return o;
}

/* Detect in s; return the only NHS finding (fails if not exactly one). */
static ss_finding one_nhs(const char *s, ss_findings *f)
{
    ss_detect_opts o = opts();
    memset(f, 0, sizeof *f);
    ss_detect_segment(s, strlen(s), 3, &o, f);
    size_t n = 0, at = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].type == SS_T_NHS)
            n++, at = i;
    assert_int_equal(n, 1);
    return f->v[at];
}

static void test_formats_and_value(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "9434765919", "943 476 5919", "943-476-5919", "943  476  5919",
        "943 - 476 - 5919", "943\xc2\xa0" "476\xc2\xa0" "5919",
        "943\xe2\x80\x93" "476\xe2\x80\x93" "5919",
        ("\xef\xbc\x99\xef\xbc\x94\xef\xbc\x93" "4765919"),
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        ss_findings f;
        ss_finding x = one_nhs(texts[i], &f);
        assert_true(strcmp(x.value, "9434765919") == 0);
        assert_string_equal(x.redacted, "*** *** 5919");
        assert_int_equal(x.seg, 3);
        assert_int_equal(x.off, 0);
        assert_int_equal(x.len, strlen(texts[i]));
        assert_true(x.flags & SS_F_TEST_RANGE);
        ss_findings_free(&f);
    }
}

static void test_offsets_original(void **state)
{
    (void)state;
    /* soft hyphen and zero-width space before; NBSP inside */
    const char *s = "x \xc2\xad\xe2\x80\x8b" "943\xc2\xa0" "476\xc2\xa0" "5919 y";
    ss_findings f;
    ss_finding x = one_nhs(s, &f);
    const char *start = strstr(s, "943");
    assert_int_equal(x.off, (size_t)(start - s));
    assert_int_equal(x.len, strlen("943\xc2\xa0" "476\xc2\xa0" "5919"));
    ss_findings_free(&f);
}

static void test_rejects(void **state)
{
    (void)state;
    ss_detect_opts o = opts();
    static const char *const texts[] = {
        "9434765871", "1234567890", "4444444444", "0032698674",
        "+44 7700900140", "0044 7700900140", "+44 (0)7700900140",
        "19434765919", "XX12ABCD9434765919", "943 476-5919", "9434 765 919",
        "943 476 5919 123", "12 943 476 5919", "0101011237",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        assert_int_equal(ss_detect_count(SS_T_NHS, texts[i], strlen(texts[i]), &o), 0);
}

static void test_confidence(void **state)
{
    (void)state;
    ss_findings f;
    ss_finding x = one_nhs("NHS No: 943 476 5919", &f);
    assert_int_equal(x.confidence, SS_CONF_HIGH);
    assert_true(x.flags & SS_F_KEYWORD);
    ss_findings_free(&f);

    x = one_nhs("Clinic letter 943 476 5919.pdf", &f);
    assert_int_equal(x.confidence, SS_CONF_MEDIUM);
    ss_findings_free(&f);

    /* DOB label counts as an NHS keyword */
    x = one_nhs("DOB 01/02/2015, 9434765919", &f);
    assert_int_equal(x.confidence, SS_CONF_HIGH);
    ss_findings_free(&f);

    /* keyword 300 characters away still counts, 400 does not */
    char buf[600];
    memset(buf, 'a', sizeof buf);
    memcpy(buf, "NHS ", 4);
    buf[299] = ' ';
    memcpy(buf + 300, "9434765919", 10);
    buf[310] = '\0';
    x = one_nhs(buf, &f);
    assert_int_equal(x.confidence, SS_CONF_HIGH);
    ss_findings_free(&f);
    memset(buf, 'a', sizeof buf);
    memcpy(buf, "NHS ", 4);
    buf[399] = ' ';
    memcpy(buf + 400, "9434765919", 10);
    buf[410] = '\0';
    x = one_nhs(buf, &f);
    assert_int_equal(x.confidence, SS_CONF_MEDIUM);
    ss_findings_free(&f);

    /* keyword in another segment does not count */
    ss_detect_opts o = opts();
    memset(&f, 0, sizeof f);
    ss_detect_segment("NHS", 3, 0, &o, &f);
    ss_detect_segment("9434765919", 10, 1, &o, &f);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.v[0].confidence, SS_CONF_MEDIUM);
    ss_findings_free(&f);
}

static void test_demotion_and_grade(void **state)
{
    (void)state;
    ss_findings f;
    ss_finding x = one_nhs("Order ref: 9434765919", &f);
    assert_int_equal(x.confidence, SS_CONF_LOW);
    assert_true(x.flags & SS_F_DEMOTED);
    ss_findings_free(&f);

    x = one_nhs("NHS number, tel 9434765919", &f);
    assert_int_equal(x.confidence, SS_CONF_MEDIUM);
    ss_findings_free(&f);

    /* label more than 20 characters before: no demotion */
    x = one_nhs("invoice attached today for: 9434765919", &f);
    assert_int_equal(x.confidence, SS_CONF_MEDIUM);
    ss_findings_free(&f);

    /* message-level lift, once only */
    ss_detect_opts o = opts();
    memset(&f, 0, sizeof f);
    ss_detect_segment("OFFICIAL-SENSITIVE", 18, 0, &o, &f);
    ss_detect_segment("9434765919", 10, 1, &o, &f);
    ss_detect_grade(&f);
    ss_detect_grade(&f);
    assert_true(f.has_marking);
    for (size_t i = 0; i < f.n; i++)
        if (f.v[i].type == SS_T_NHS)
            assert_int_equal(f.v[i].confidence, SS_CONF_HIGH);
    ss_findings_free(&f);
}

static void test_test_range_switch(void **state)
{
    (void)state;
    ss_detect_opts o = opts();
    o.nhs_test_range = 0;
    assert_int_equal(ss_detect_count(SS_T_NHS, "9434765919", 10, &o), 0);
    assert_int_equal(ss_detect_count(SS_T_NHS, "4010232137", 10, &o), 1);
    o.nhs_test_range = 1;
    assert_int_equal(ss_detect_count(SS_T_NHS, "943 476 5919 and 401-023-2137", 29, &o), 2);
}

static void test_segments_and_empty(void **state)
{
    (void)state;
    ss_detect_opts o = opts();
    assert_int_equal(ss_detect_count(SS_T_NHS, "", 0, &o), 0);
    assert_int_equal(ss_detect_count(SS_T_NHS, NULL, 0, &o), 0);
    /* length bounds the text: no reading past it */
    assert_int_equal(ss_detect_count(SS_T_NHS, "94347659191", 10, &o), 1);
    /* an embedded NUL does not stop the scan */
    assert_int_equal(ss_detect_count(SS_T_NHS, "a\0 9434765919", 13, &o), 1);
    ss_findings_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats_and_value),
        cmocka_unit_test(test_offsets_original),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_confidence),
        cmocka_unit_test(test_demotion_and_grade),
        cmocka_unit_test(test_test_range_switch),
        cmocka_unit_test(test_segments_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
