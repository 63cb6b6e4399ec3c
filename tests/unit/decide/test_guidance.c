/* The practitioner's reply: specific, kind, within SMTP limits, never the value. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide/guidance.h"

static ss_config *cfg;
static ss_finding fv[4];
static ss_findings F;
static ss_party P[120];
static size_t NP;
static ss_extract X;
static ss_segment segs[2] = { { "t", 1, "the message body" }, { "s", 1, "the subject" } };

static int setup(void **state)
{
    cfg = ss_config_new();
    free(cfg->dsl_name);
    cfg->dsl_name = strdup("Ms Amara Patel");
    cfg->dsl_contact = strdup("dsl@stmarys.sch.uk, 01632 960123");
    cfg->portal_url = strdup("https://portal.exampleshire.gov.uk/share?x=100%");
    memset(fv, 0, sizeof fv);
    fv[0] = (ss_finding){ .type = SS_T_NHS, .confidence = SS_CONF_HIGH, .seg = 0,
                          .value = "9434765919", .redacted = "*** *** 5919" };
    fv[1] = (ss_finding){ .type = SS_T_SG, .confidence = SS_CONF_HIGH, .seg = 0 };
    F = (ss_findings){ .v = fv, .n = 2, .sg_score = 4 };
    memset(P, 0, sizeof P);
    P[0] = (ss_party){ .address = "teacher@stmarys.sch.uk", .is_sender = 1 };
    P[0].m.secure = 1;
    P[1] = (ss_party){ .address = "nurse@nhs.net" };
    P[1].m.secure = 1;
    strcpy(P[1].m.why, "on the secure-domain register (NHSmail)");
    P[2] = (ss_party){ .address = "parent@gmail.com" };
    strcpy(P[2].m.why, "not on the secure-domain register");
    NP = 3;
    X = (ss_extract){ .segs = segs, .nsegs = 2 };
    return 0;
}

static int teardown(void **state)
{
    ss_config_free(cfg);
    return 0;
}

static ss_reply build(ss_action a, unsigned why)
{
    ss_verdict v = { .action = a, .why = why, .rule = "OnInsecure", .reference = "SS-7K3M-Q9TX" };
    ss_reply r;
    ss_reply_build(cfg, &v, &F, &X, P, NP, &r);
    return r;
}

static int contains(const ss_reply *r, const char *s)
{
    for (size_t i = 0; i < r->n; i++)
        if (strstr(r->lines[i], s))
            return 1;
    return 0;
}

static void check_limits(const ss_reply *r)
{
    assert_true(r->n <= SS_REPLY_MAX_LINES);
    for (size_t i = 0; i < r->n; i++) {
        assert_true(strlen(r->lines[i]) <= SS_REPLY_MAX_LINE);
        for (const char *p = r->lines[i]; *p; p++)
            assert_true((unsigned char)*p >= 0x20);
    }
}

static void reject_says_what_where_who_and_what_to_do(void **s)
{
    ss_reply r = build(SS_ACT_REJECT, SS_WHY_CHILD_DATA | SS_WHY_INSECURE);
    check_limits(&r);
    assert_true(contains(&r, "has not been sent"));
    assert_true(contains(&r, "an NHS number in the message body"));
    assert_true(contains(&r, "safeguarding case language in the message body"));
    assert_true(contains(&r, "parent@gmail.com: not on the secure-domain register"));
    assert_false(contains(&r, "nurse@nhs.net"));
    assert_true(contains(&r, "Ms Amara Patel"));
    assert_true(contains(&r, "dsl@stmarys.sch.uk, 01632 960123"));
    assert_true(contains(&r, "https://portal.exampleshire.gov.uk/share"));
    assert_false(contains(&r, "9434765919"));
    assert_false(contains(&r, "5919"));
    assert_non_null(strstr(r.lines[r.n - 1], "SS-7K3M-Q9TX"));
    ss_reply_free(&r);
}

static void expired_entry_suggests_alternative(void **s)
{
    P[2] = (ss_party){ .address = "gp@oldtrust.nhs.uk" };
    strcpy(P[2].m.why, "accreditation expired 2026-03-31");
    strcpy(P[2].m.alt, "nhs.net");
    ss_reply r = build(SS_ACT_REJECT, SS_WHY_CHILD_DATA | SS_WHY_INSECURE);
    assert_true(contains(&r, "gp@oldtrust.nhs.uk: accreditation expired 2026-03-31 (their secure address is at nhs.net)"));
    ss_reply_free(&r);
}

static void insecure_sender_is_told(void **s)
{
    P[0].m.secure = 0;
    strcpy(P[0].m.why, "not on the secure-domain register");
    ss_reply r = build(SS_ACT_REJECT, SS_WHY_CHILD_DATA | SS_WHY_INSECURE);
    assert_true(contains(&r, "your own address teacher@stmarys.sch.uk"));
    assert_true(contains(&r, "send it from your organisation's secure email account"));
    ss_reply_free(&r);
}

static void uncertain_reply_says_so(void **s)
{
    fv[0].confidence = SS_CONF_MEDIUM;
    F.n = 1;
    ss_reply r = build(SS_ACT_REJECT, SS_WHY_UNCERTAIN | SS_WHY_INSECURE);
    assert_true(contains(&r, "looks like a personal identifier"));
    ss_reply_free(&r);
}

static void accept_has_no_reply(void **s)
{
    ss_reply r = build(SS_ACT_ACCEPT, SS_WHY_CHILD_DATA);
    assert_int_equal(r.n, 0);
    ss_reply_free(&r);
}

static void many_recipients_stay_within_32_lines_reference_last(void **s)
{
    static char addrs[100][64];
    for (size_t i = 0; i < 100; i++) {
        snprintf(addrs[i], sizeof addrs[i], "parent%zu@gmail.com", i);
        P[2 + i] = (ss_party){ .address = addrs[i] };
        strcpy(P[2 + i].m.why, "not on the secure-domain register");
    }
    NP = 102;
    ss_reply r = build(SS_ACT_REJECT, SS_WHY_CHILD_DATA | SS_WHY_INSECURE);
    check_limits(&r);
    assert_int_equal(r.n, SS_REPLY_MAX_LINES);
    assert_non_null(strstr(r.lines[r.n - 1], "SS-7K3M-Q9TX"));
    ss_reply_free(&r);
}

static void hostile_location_is_cleaned_and_cut(void **s)
{
    static char big[4000];
    memset(big, 'A', sizeof big - 1);
    memcpy(big, "attachment \"a\r\nRCPT TO:<x>\"", 27);
    segs[0].location = big;
    ss_reply r = build(SS_ACT_REJECT, SS_WHY_CHILD_DATA | SS_WHY_INSECURE);
    check_limits(&r);
    assert_true(contains(&r, "..."));
    ss_reply_free(&r);
    segs[0].location = "the message body";
}

static void escape_doubles_percent(void **s)
{
    char out[64];
    assert_string_equal(ss_reply_escape("100% sure\r\n", out, sizeof out), "100%% sure  ");
    assert_string_equal(ss_reply_rcode(SS_ACT_REJECT), "550");
    assert_string_equal(ss_reply_xcode(SS_ACT_REJECT), "5.7.1");
    assert_string_equal(ss_reply_rcode(SS_ACT_TEMPFAIL), "451");
    assert_string_equal(ss_reply_xcode(SS_ACT_TEMPFAIL), "4.7.1");
}

static void unscannable_reply_names_the_part(void **s)
{
    ss_unscanned u = { "attachment \"referral.zip\"", "the archive is encrypted", 1 };
    X.skipped = &u;
    X.nskipped = 1;
    F.n = 0;
    ss_reply r = build(SS_ACT_REJECT, SS_WHY_UNSCANNABLE | SS_WHY_INSECURE);
    assert_true(contains(&r, "could not check attachment \"referral.zip\": the archive is encrypted"));
    assert_true(contains(&r, "parent@gmail.com"));
    ss_reply_free(&r);
    X.skipped = NULL;
    X.nskipped = 0;
}

/* A stale register: the reply says the register is out of date and whom
 * to tell, and never that the sender or a recipient is the problem. */
static void stale_register_reply_blames_nobody(void **s)
{
    cfg->admin_address = strdup("it@stmarys.sch.uk");
    for (size_t i = 0; i < NP; i++) {
        P[i].m.secure = 0;
        P[i].m.stale = 1;
        strcpy(P[i].m.why, "the secure-domain register is out of date");
    }
    ss_reply r = build(SS_ACT_TEMPFAIL, SS_WHY_CHILD_DATA | SS_WHY_INSECURE | SS_WHY_STALE);
    check_limits(&r);
    assert_true(contains(&r, "has not been sent yet"));
    assert_true(contains(&r, "the secure-domain register) is out of date"));
    assert_true(contains(&r, "This is not something you did wrong"));
    assert_true(contains(&r, "Please tell your IT team (it@stmarys.sch.uk)"));
    assert_true(contains(&r, "will try again by itself"));
    assert_true(contains(&r, "https://portal.exampleshire.gov.uk/share"));
    assert_false(contains(&r, "your own address"));
    assert_false(contains(&r, "teacher@stmarys.sch.uk"));
    assert_false(contains(&r, "parent@gmail.com"));
    assert_false(contains(&r, "Not secure"));
    assert_non_null(strstr(r.lines[r.n - 1], "SS-7K3M-Q9TX"));
    ss_reply_free(&r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(reject_says_what_where_who_and_what_to_do), T(expired_entry_suggests_alternative),
        T(insecure_sender_is_told), T(uncertain_reply_says_so), T(accept_has_no_reply),
        T(many_recipients_stay_within_32_lines_reference_last),
        T(hostile_location_is_cleaned_and_cut), T(escape_doubles_percent),
        T(unscannable_reply_names_the_part), T(stale_register_reply_blames_nobody),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
