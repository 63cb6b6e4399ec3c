/* The decision table, cell by cell (DESIGN: decide). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide/decide.h"

static ss_config *cfg;
static ss_finding fv[8];
static ss_findings F;
static ss_party P[3];
static ss_extract X;
static ss_segment seg = { "text", 4, "the message body" };
static ss_unscanned bad = { "attachment \"x.zip\"", "corrupt archive", 1 };
static ss_unscanned later = { "attachment \"y.docx\"", "attachments are not scanned yet", 0 };

static int setup(void **state)
{
    cfg = ss_config_new();
    memset(fv, 0, sizeof fv);
    F = (ss_findings){ .v = fv, .n = 0, .cap = 8 };
    memset(P, 0, sizeof P);
    P[0] = (ss_party){ .address = "teacher@stmarys.sch.uk", .is_sender = 1 };
    P[0].m.secure = 1;
    P[1] = (ss_party){ .address = "nurse@nhs.net" };
    P[1].m.secure = 1;
    P[2] = (ss_party){ .address = "parent@gmail.com" };
    P[2].m.secure = 1;
    strcpy(P[2].m.why, "not on the secure-domain register");
    X = (ss_extract){ .segs = &seg, .nsegs = 1 };
    return 0;
}

static int teardown(void **state)
{
    ss_config_free(cfg);
    return 0;
}

static void add(ss_type t, int conf, const char *value)
{
    ss_finding *g = &fv[F.n++];
    g->type = t;
    g->confidence = conf;
    g->seg = 0;
    snprintf(g->value, sizeof g->value, "%s", value);
    snprintf(g->redacted, sizeof g->redacted, "*** *** %s", value + strlen(value) - (strlen(value) > 4 ? 4 : 0));
}

static ss_verdict run(int oversize)
{
    ss_verdict v = { 0 };
    ss_reference_new(v.reference);
    ss_decide(cfg, &F, P, 3, &X, oversize, &v);
    return v;
}

static void insecure(void)
{
    P[2].m.secure = 0;
}

#define EXPECT(act_, rule_) do { ss_verdict v = run(0); \
    assert_int_equal(v.action, act_); assert_string_equal(v.rule, rule_); \
    ss_verdict_free(&v); } while (0)

static void nothing_found_secure_accepts(void **s) { EXPECT(SS_ACT_ACCEPT, "default"); }
static void nothing_found_insecure_accepts(void **s) { insecure(); EXPECT(SS_ACT_ACCEPT, "default"); }

static void child_data_secure_accepts_and_records(void **s)
{
    add(SS_T_NHS, SS_CONF_HIGH, "9434765919");
    ss_verdict v = run(0);
    assert_int_equal(v.action, SS_ACT_ACCEPT);
    assert_true(v.why & SS_WHY_CHILD_DATA);
    assert_true(v.nreasons >= 1);
    assert_non_null(strstr(v.reasons[0], "an NHS number (high confidence) in the message body"));
    for (size_t i = 0; i < v.nreasons; i++)
        assert_null(strstr(v.reasons[i], "9434765919"));
    ss_verdict_free(&v);
}

static void child_data_insecure_recipient_rejects(void **s)
{
    add(SS_T_NHS, SS_CONF_HIGH, "9434765919");
    insecure();
    ss_verdict v = run(0);
    assert_int_equal(v.action, SS_ACT_REJECT);
    assert_string_equal(v.rule, "OnInsecure");
    int named = 0;
    for (size_t i = 0; i < v.nreasons; i++)
        named |= strstr(v.reasons[i], "recipient parent@gmail.com is not secure: not on the secure-domain register") != NULL;
    assert_true(named);
    ss_verdict_free(&v);
}

static void child_data_insecure_follows_config(void **s)
{
    add(SS_T_NHS, SS_CONF_HIGH, "9434765919");
    insecure();
    cfg->on_insecure = SS_ACT_QUARANTINE;
    EXPECT(SS_ACT_QUARANTINE, "OnInsecure");
    cfg->on_insecure = SS_ACT_REJECT;
}

static void child_data_insecure_sender_rejects(void **s)
{
    add(SS_T_NHS, SS_CONF_HIGH, "9434765919");
    P[0].m.secure = 0;
    EXPECT(SS_ACT_REJECT, "OnInsecure");
}

static void medium_alone_is_uncertain(void **s)
{
    add(SS_T_NHS, SS_CONF_MEDIUM, "9434765919");
    insecure();
    cfg->on_insecure_uncertain = SS_ACT_QUARANTINE;
    ss_verdict v = run(0);
    assert_int_equal(v.action, SS_ACT_QUARANTINE);
    assert_string_equal(v.rule, "OnInsecureUncertain");
    assert_true(v.why & SS_WHY_UNCERTAIN);
    assert_false(v.why & SS_WHY_CHILD_DATA);
    ss_verdict_free(&v);
}

static void medium_same_value_twice_still_uncertain(void **s)
{
    add(SS_T_NHS, SS_CONF_MEDIUM, "9434765919");
    add(SS_T_NHS, SS_CONF_MEDIUM, "9434765919");
    insecure();
    EXPECT(SS_ACT_QUARANTINE, "OnInsecureUncertain");
}

static void medium_with_context_identifies_child(void **s)
{
    insecure();
    add(SS_T_NHS, SS_CONF_MEDIUM, "9434765919");
    F.sg_score = 2;
    EXPECT(SS_ACT_REJECT, "OnInsecure");
    F.sg_score = 0;
    F.has_marking = 1;
    EXPECT(SS_ACT_REJECT, "OnInsecure");
    F.has_marking = 0;
    add(SS_T_NHS, SS_CONF_MEDIUM, "9995657031");
    EXPECT(SS_ACT_REJECT, "OnInsecure");
}

static void medium_with_child_age_identifies_child(void **s)
{
    insecure();
    add(SS_T_CHI, SS_CONF_MEDIUM, "0101151237");
    fv[0].flags |= SS_F_CHILD_AGE;
    EXPECT(SS_ACT_REJECT, "OnInsecure");
}

static void upn_or_child_dob_alone_identifies_child(void **s)
{
    insecure();
    add(SS_T_UPN, SS_CONF_MEDIUM, "B801200005001");
    EXPECT(SS_ACT_REJECT, "OnInsecure");
    F.n = 0;
    add(SS_T_DOB_CHILD, SS_CONF_MEDIUM, "2015-03-12");
    EXPECT(SS_ACT_REJECT, "OnInsecure");
}

static void low_alone_never_blocks(void **s)
{
    insecure();
    add(SS_T_ULN, SS_CONF_LOW, "9276308686");
    EXPECT(SS_ACT_ACCEPT, "default");
}

static void context_signals_alone_never_block(void **s)
{
    insecure();
    add(SS_T_SG, SS_CONF_HIGH, "");
    add(SS_T_MARKING, SS_CONF_HIGH, "OFFICIAL-SENSITIVE");
    F.sg_score = 6;
    F.has_marking = 1;
    EXPECT(SS_ACT_ACCEPT, "default");
}

static void unreadable_part_insecure_takes_on_unscannable(void **s)
{
    insecure();
    X.skipped = &bad;
    X.nskipped = 1;
    EXPECT(SS_ACT_QUARANTINE, "OnUnscannable");
    cfg->on_unscannable = SS_ACT_REJECT;
    EXPECT(SS_ACT_REJECT, "OnUnscannable");
}

static void unreadable_part_secure_accepts(void **s)
{
    X.skipped = &bad;
    X.nskipped = 1;
    EXPECT(SS_ACT_ACCEPT, "default");
}

static void not_scanned_by_design_is_recorded_only(void **s)
{
    insecure();
    X.skipped = &later;
    X.nskipped = 1;
    ss_verdict v = run(0);
    assert_int_equal(v.action, SS_ACT_ACCEPT);
    assert_true(v.why & SS_WHY_NOT_SCANNED);
    int recorded = 0;
    for (size_t i = 0; i < v.nreasons; i++)
        recorded |= strstr(v.reasons[i], "did not check attachment \"y.docx\"") != NULL;
    assert_true(recorded);
    ss_verdict_free(&v);
}

static void oversize_insecure_takes_on_oversize(void **s)
{
    insecure();
    cfg->on_oversize = SS_ACT_REJECT;
    ss_verdict v = run(1);
    assert_int_equal(v.action, SS_ACT_REJECT);
    assert_string_equal(v.rule, "OnOversize");
    ss_verdict_free(&v);
    P[2].m.secure = 1;
    v = run(1);
    assert_int_equal(v.action, SS_ACT_ACCEPT);
    ss_verdict_free(&v);
}

static void child_data_rule_wins_over_unreadable(void **s)
{
    insecure();
    add(SS_T_NHS, SS_CONF_HIGH, "9434765919");
    X.skipped = &bad;
    X.nskipped = 1;
    EXPECT(SS_ACT_REJECT, "OnInsecure");
}

static void references_look_right_and_differ(void **s)
{
    char a[16], b[16];
    ss_reference_new(a);
    ss_reference_new(b);
    assert_int_equal(strlen(a), 12);
    assert_memory_equal(a, "SS-", 3);
    assert_int_equal(a[7], '-');
    assert_string_not_equal(a, b);
    for (int i = 3; i < 12; i++)
        assert_null(strchr("ILOU", a[i]));
}

/* A stale register: every party insecure (the engine marks them), the
 * default lets the usual keys decide; an action in OnRegisterStale takes
 * over whatever would have needed a secure recipient, and nothing else. */
static void stale(void)
{
    for (int i = 0; i < 3; i++) {
        P[i].m.secure = 0;
        P[i].m.stale = 1;
        strcpy(P[i].m.why, "the secure-domain register is out of date");
    }
}

static void stale_register_default_is_on_insecure(void **s)
{
    stale();
    add(SS_T_NHS, SS_CONF_HIGH, "9434765919");
    ss_verdict v = run(0);
    assert_int_equal(v.action, SS_ACT_REJECT);
    assert_string_equal(v.rule, "OnInsecure");
    assert_true(v.why & SS_WHY_STALE);
    ss_verdict_free(&v);
}

static void stale_register_takes_on_register_stale(void **s)
{
    stale();
    cfg->on_register_stale = SS_ACT_TEMPFAIL;
    add(SS_T_NHS, SS_CONF_HIGH, "9434765919");
    EXPECT(SS_ACT_TEMPFAIL, "OnRegisterStale");
}

static void stale_register_no_child_data_accepts(void **s)
{
    stale();
    cfg->on_register_stale = SS_ACT_TEMPFAIL;
    EXPECT(SS_ACT_ACCEPT, "default");
}

/* §9.3/§10: a named child at MEDIUM (a name and an age, nothing else) is
 * recorded and never acts, not even as "uncertain"; at HIGH (with
 * safeguarding context, a marking or another identifier) it is child data. */
static void named_child_medium_is_recorded_only(void **s)
{
    insecure();
    add(SS_T_NAMED_CHILD, SS_CONF_MEDIUM, "aoife yilmaz");
    ss_verdict v = run(0);
    assert_int_equal(v.action, SS_ACT_ACCEPT);
    assert_false(v.why & (SS_WHY_CHILD_DATA | SS_WHY_UNCERTAIN));
    assert_true(v.nreasons >= 1);
    ss_verdict_free(&v);
}

static void named_child_high_insecure_rejects(void **s)
{
    insecure();
    add(SS_T_NAMED_CHILD, SS_CONF_HIGH, "reuben robinson");
    ss_verdict v = run(0);
    assert_int_equal(v.action, SS_ACT_REJECT);
    assert_string_equal(v.rule, "OnInsecure");
    assert_true(v.why & SS_WHY_CHILD_DATA);
    ss_verdict_free(&v);
}

/* NamedChild record: found and recorded, never acted on. */
static void named_child_record_mode_accepts(void **s)
{
    insecure();
    cfg->named_child_enforce = 0;
    add(SS_T_NAMED_CHILD, SS_CONF_HIGH, "reuben robinson");
    ss_verdict v = run(0);
    assert_int_equal(v.action, SS_ACT_ACCEPT);
    assert_false(v.why & (SS_WHY_CHILD_DATA | SS_WHY_UNCERTAIN));
    assert_true(v.nreasons >= 1);
    ss_verdict_free(&v);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(named_child_medium_is_recorded_only), T(named_child_high_insecure_rejects),
        T(named_child_record_mode_accepts),
        T(nothing_found_secure_accepts), T(nothing_found_insecure_accepts),
        T(child_data_secure_accepts_and_records), T(child_data_insecure_recipient_rejects),
        T(child_data_insecure_follows_config), T(child_data_insecure_sender_rejects),
        T(medium_alone_is_uncertain), T(medium_same_value_twice_still_uncertain),
        T(medium_with_context_identifies_child), T(medium_with_child_age_identifies_child),
        T(upn_or_child_dob_alone_identifies_child), T(low_alone_never_blocks),
        T(context_signals_alone_never_block), T(unreadable_part_insecure_takes_on_unscannable),
        T(unreadable_part_secure_accepts), T(not_scanned_by_design_is_recorded_only),
        T(oversize_insecure_takes_on_oversize), T(child_data_rule_wins_over_unreadable),
        T(references_look_right_and_differ), T(stale_register_default_is_on_insecure),
        T(stale_register_takes_on_register_stale), T(stale_register_no_child_data_accepts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
