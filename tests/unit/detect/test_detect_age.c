/* Child-age signals (§7.5): each promotes a MEDIUM identifier within 300
 * characters to SS_F_CHILD_AGE; look-alikes do not; a signal alone is no
 * finding. Reference date 2025-09-01 (detect_test_util.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "detect_test_util.h"

/* An NHS number in the issued range and a NINO, with no keyword near
 * them: MEDIUM. A DOB label ("born") is an NHS keyword, so next to
 * "born in 2015" only the NINO stays MEDIUM. */
#define NHS_MEDIUM "450 557 7104"
#define NINO_MEDIUM "JG103259A"

/* The flags of the only finding of type t in s, or -1 when there is not
 * exactly one or it is not MEDIUM. */
static int medium_flags(ss_type t, const char *s)
{
    ss_findings f;
    const ss_finding *x = test_one(t, s, &f);
    int r = x != NULL && x->confidence == SS_CONF_MEDIUM ? (int)x->flags : -1;
    ss_findings_free(&f);
    return r;
}

static int nhs_flags(const char *s)
{
    return medium_flags(SS_T_NHS, s);
}

/* Is the identifier promoted with sig before it (where 0), after it
 * (where 1), or either way (where 2, look-alike tests)? */
static int promoted(ss_type t, const char *id, const char *sig, int where)
{
    char a[256], b[256];
    snprintf(a, sizeof a, "Re the child: %s. Number %s attached.", sig, id);
    snprintf(b, sizeof b, "Number %s attached; %s.", id, sig);
    int fa = medium_flags(t, a), fb = medium_flags(t, b);
    if (fa < 0 || fb < 0)
        fail_msg("no single MEDIUM finding beside \"%s\"", sig);
    if (where == 2)
        return ((fa | fb) & SS_F_CHILD_AGE) != 0;
    return ((where ? fb : fa) & SS_F_CHILD_AGE) != 0;
}

static int promotes(const char *sig)
{
    int ok = promoted(SS_T_NINO, NINO_MEDIUM, sig, 0) && promoted(SS_T_NINO, NINO_MEDIUM, sig, 1);
    if (strstr(sig, "born") == NULL || strstr(sig, "unborn") != NULL)
        ok = ok && promoted(SS_T_NHS, NHS_MEDIUM, sig, 0) && promoted(SS_T_NHS, NHS_MEDIUM, sig, 1);
    return ok;
}

static int any_promotes(const char *sig)
{
    int any = promoted(SS_T_NINO, NINO_MEDIUM, sig, 2);
    if (strstr(sig, "born") == NULL)
        any = any || promoted(SS_T_NHS, NHS_MEDIUM, sig, 2);
    return any;
}

static const char *const signals[] = {
    "born in 2015", "born  in 2007", "aged 7", "aged 17", "aged 0", "aged\t12",
    "7 years old", "a 7-year-old", "15 yrs old", "2 year old", "7yo", "15yo",
    "Reception", "Year 1", "Year 13", "Year1", "YEAR 9", "Y9", "Y10", "Y13",
    "unborn", "EDD", "pre-birth", "prebirth", "pre birth", "Pre-Birth",
};

static const char *const not_signals[] = {
    "aged 45", "aged 18", "middle-aged", "aged care", "Year 2025", "Year 14", "year 0",
    "the year 2015", "born in 1980", "born in 2006", "born in 2026", "born in 20150",
    "born in", "Y2K", "Y14", "y9", "BY9", "18 years old", "117 years old", "X7 years old",
    "7 years", "years old", "7 old", "7 yearsold", "7 fouryears old", "18yo", "7you",
    "reception", "Receptionist", "edd", "EDDY", "unborne", "prebirthday",
    /* the spec's capitalised spelling: "in year 2 of the contract" is no
     * school year, and a missed signal still leaves the finding held as
     * uncertain (§10) */
    "year 9",
};

static void test_each_signal_promotes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
        if (!promotes(signals[i]))
            fail_msg("\"%s\" did not promote", signals[i]);
}

static void test_lookalikes_do_not(void **state)
{
    (void)state;
    assert_int_equal(nhs_flags("Number " NHS_MEDIUM " attached."), 0);
    assert_int_equal(medium_flags(SS_T_NINO, "Number " NINO_MEDIUM " attached."), 0);
    for (size_t i = 0; i < sizeof not_signals / sizeof *not_signals; i++)
        if (any_promotes(not_signals[i]))
            fail_msg("\"%s\" promoted", not_signals[i]);
}

/* The signal ends gap bytes before the number starts. */
static int promotes_at(const char *sig, size_t gap, int after)
{
    char buf[1024];
    size_t n = strlen(sig), k = 0;
    if (after) {
        memcpy(buf, NHS_MEDIUM, sizeof NHS_MEDIUM - 1);
        k = sizeof NHS_MEDIUM - 1;
    } else {
        memcpy(buf, sig, n);
        k = n;
    }
    memset(buf + k, ' ', gap);
    k += gap;
    if (after) {
        memcpy(buf + k, sig, n);
        k += n;
    } else {
        memcpy(buf + k, NHS_MEDIUM, sizeof NHS_MEDIUM - 1);
        k += sizeof NHS_MEDIUM - 1;
    }
    buf[k] = '\0';
    int f = nhs_flags(buf);
    assert_true(f >= 0);
    return (f & SS_F_CHILD_AGE) != 0;
}

static void test_window(void **state)
{
    (void)state;
    assert_true(promotes_at("Year 3", 300, 0));
    assert_false(promotes_at("Year 3", 301, 0));
    assert_true(promotes_at("unborn", 300, 1));
    assert_false(promotes_at("unborn", 301, 1));
    assert_false(promotes_at("aged 7", 600, 0));
}

/* Signals grade; they never make a finding, alone or beside one. */
static void test_no_finding_alone(void **state)
{
    (void)state;
    ss_detect_opts o = test_opts();
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++) {
        ss_findings f = { 0 };
        ss_detect_segment(signals[i], strlen(signals[i]), 0, &o, &f);
        if (f.n != 0)
            fail_msg("\"%s\" alone made a finding", signals[i]);
        ss_findings_free(&f);
    }
    /* all of them at once, and beside a number: the number only */
    char all[1024] = "";
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++) {
        strcat(all, signals[i]);
        strcat(all, ", ");
    }
    ss_findings f = { 0 };
    ss_detect_segment(all, strlen(all), 0, &o, &f);
    assert_int_equal(f.n, 0);
    ss_findings_free(&f);
    strcat(all, NINO_MEDIUM);
    memset(&f, 0, sizeof f);
    ss_detect_segment(all, strlen(all), 0, &o, &f);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.v[0].type, SS_T_NINO);
    assert_int_equal(f.v[0].confidence, SS_CONF_MEDIUM);
    assert_true(f.v[0].flags & SS_F_CHILD_AGE);
    ss_findings_free(&f);
}

/* Only MEDIUM findings take the flag: HIGH needs no help, LOW never acts
 * alone (§10). */
static void test_medium_only(void **state)
{
    (void)state;
    ss_findings f;
    const ss_finding *x = test_one(SS_T_NHS, "Year 3. NHS number " NHS_MEDIUM, &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    assert_false(x->flags & SS_F_CHILD_AGE);
    ss_findings_free(&f);

    x = test_one(SS_T_NHS, "Year 3. Tel " NHS_MEDIUM, &f);   /* demoted */
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_LOW);
    assert_false(x->flags & SS_F_CHILD_AGE);
    ss_findings_free(&f);

    x = test_one(SS_T_NINO, "aged 16, AB123456C", &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_MEDIUM);
    assert_true(x->flags & SS_F_CHILD_AGE);
    ss_findings_free(&f);
}

/* "born in YYYY" against the reference date 2025-09-01: a year in which
 * some birthday leaves the person under 18 counts; a later one is no
 * birth yet. */
static void test_born_in_reference_date(void **state)
{
    (void)state;
    ss_detect_opts o = test_opts();
    o.ref_year = 2030;
    static const char born2012[] = "born in 2012. " NINO_MEDIUM;
    ss_findings f = { 0 };
    ss_detect_segment(born2012, strlen(born2012), 0, &o, &f);
    assert_int_equal(f.n, 1);
    assert_true(f.v[0].flags & SS_F_CHILD_AGE);     /* 2030: 17 or 18 */
    ss_findings_free(&f);
    o.ref_year = 2031;
    memset(&f, 0, sizeof f);
    ss_detect_segment(born2012, strlen(born2012), 0, &o, &f);
    assert_int_equal(f.n, 1);
    assert_false(f.v[0].flags & SS_F_CHILD_AGE);    /* 2031: 18 or 19 */
    ss_findings_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_signal_promotes),
        cmocka_unit_test(test_lookalikes_do_not),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_no_finding_alone),
        cmocka_unit_test(test_medium_only),
        cmocka_unit_test(test_born_in_reference_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
