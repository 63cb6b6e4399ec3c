/* Safeguarding context score (§9.1) and its one finding per segment. */
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
    return o;
}

static size_t count(const char *s)
{
    ss_detect_opts o = opts();
    return ss_detect_count(SS_T_SG, s, strlen(s), &o);
}

static void test_terms(void **state)
{
    (void)state;
    assert_int_equal(count("Outcome of the s47 enquiry"), 1);
    assert_int_equal(count("Outcome of the S. 47 investigations"), 1);
    assert_int_equal(count("section 47"), 0);                     /* bare: weight 1 */
    assert_int_equal(count("section 47 and the DSL"), 1);         /* 1 + 1 */
    assert_int_equal(count("MASH"), 0);
    assert_int_equal(count("mash and MASH and Mash"), 0);         /* distinct terms only */
    assert_int_equal(count("the LAC and the CLA"), 0);            /* one term, weight 1 */
    assert_int_equal(count("the LAC and the DSL"), 1);
    assert_int_equal(count("a multi-agency safeguarding hub"), 1);
    assert_int_equal(count("Re: \xe2\x80\x9c" "child protection plan\xe2\x80\x9d"), 1);
    assert_int_equal(count("childprotection plan"), 0);
    assert_int_equal(count("education, health and care plan; social worker"), 1);
    assert_int_equal(count("independent reviewing officer"), 0);  /* CS, weight 1 */
    assert_int_equal(count("Independent Reviewing Officer and early help"), 0);
    assert_int_equal(count("interim care orders"), 1);
    assert_int_equal(count("supervisory order"), 0);
}

static void test_finding(void **state)
{
    (void)state;
    ss_detect_opts o = opts();
    ss_findings f = { 0 };
    const char *s = "Our social worker says: child protection plan.";
    ss_detect_segment(s, strlen(s), 2, &o, &f);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.v[0].type, SS_T_SG);
    assert_int_equal(f.v[0].confidence, SS_CONF_HIGH);
    assert_int_equal(f.v[0].seg, 2);
    assert_string_equal(f.v[0].value, "");
    assert_string_equal(f.v[0].redacted, "score 3: social worker, child protection plan");
    assert_int_equal(f.sg_score, 3);
    ss_detect_segment("safeguarding", 12, 3, &o, &f);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.sg_score, 3);
    ss_findings_free(&f);

    ss_detect_segment("safeguarding", 12, 0, &o, &f);
    assert_int_equal(f.n, 0);
    assert_int_equal(f.sg_score, 1);     /* the max score, even below threshold */
    ss_findings_free(&f);
}

static const char *why_of(const char *s, ss_findings *f)
{
    ss_detect_opts o = opts();
    memset(f, 0, sizeof *f);
    ss_detect_segment(s, strlen(s), 0, &o, f);
    return f->n == 1 ? f->v[0].redacted : "";
}

/* The reason names whole terms: cut at a term, "…" when some are left out. */
static void test_why_whole_terms(void **state)
{
    (void)state;
    ss_findings f;
    assert_string_equal(why_of("child protection plan, social worker, neglect, early help", &f),
                        "score 5: child protection plan, neglect, \xe2\x80\xa6");
    ss_findings_free(&f);
    /* a later, shorter term that still fits is kept, in text order */
    assert_string_equal(why_of("child protection plan, local authority designated officer,"
                               " LAC", &f),
                        "score 5: child protection plan, LAC, \xe2\x80\xa6");
    ss_findings_free(&f);
    /* exactly full: nothing left out, no ellipsis */
    assert_string_equal(why_of("child protection medical, safeguarding", &f),
                        "score 3: child protection medical, safeguarding");
    assert_int_equal(strlen(f.v[0].redacted), 47);
    ss_findings_free(&f);
    /* a first term too long to show with the ellipsis gives way */
    assert_string_equal(why_of("local authority designated officer, inter-agency referral "
                               "discussion", &f),
                        "score 4: inter-agency referral discussion, \xe2\x80\xa6");
    ss_findings_free(&f);
    assert_string_equal(why_of("inter-agency referral discussion, local authority designated "
                               "officer, child protection investigations", &f),
                        "score 6: inter-agency referral discussion, \xe2\x80\xa6");
    ss_findings_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_finding),
        cmocka_unit_test(test_why_whole_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
