/* The purpose of a share: stated in the subject ("[share: ...]") or an
 * X-Share-Purpose header, recorded with identifiers masked, taken out of
 * the delivered subject when the site asks (RemovePurposeTag), and
 * required for a share of child data when it asks (RequirePurpose). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gmime/gmime.h>
#include <stdio.h>
#include <string.h>

#include "engine/eom.h"
#include "store_fixture.h"

#define TEACHER "teacher@stmarys.sch.uk"
#define NURSE "nurse@nhs.net"
#define PARENT "parent@gmail.com"
#define BODY "\r\n\r\nChild protection conference on Monday. NHS number 943 476 5919.\r\n"

static ss_eom_out run(store_fixture *f, const char *headers, const char *to)
{
    char msg[2048];
    snprintf(msg, sizeof msg, "From: " TEACHER "\r\nTo: %s\r\n%s" BODY, to, headers);
    const char *rcpts[] = { to };
    ss_eom_in in = {
        .txn = { .sender = TEACHER, .rcpts = rcpts, .nrcpts = 1, .queue_id = "4XQID",
                 .source = "milter" },
        .msg = { .mem = msg, .len = strlen(msg), .fd = -1, .complete = 1 },
    };
    ss_eom_out o;
    ss_eom_run(f->st, &in, &o);
    return o;
}

static int has(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

static void a_subject_tag_is_recorded_masked_and_removed(void **s)
{
    store_fixture *f = store_new("OnInsecure reject\nRemovePurposeTag yes\n");
    ss_eom_out o = run(f, "Subject: Referral [ SHARE : s47 enquiry,  NHS 943 476 5919 ] for "
                          "Monday\r\n", NURSE);
    assert_int_equal(o.r.v.action, SS_ACT_ACCEPT);
    assert_string_equal(o.r.purpose, "s47 enquiry, NHS [NHS number]");
    assert_string_equal(o.r.subject, "Referral for Monday");
    assert_true(has(o.r.record, "\"child_data\":true,\"purpose\":\"s47 enquiry, NHS [NHS "
                                "number]\",\"purpose_from\":\"subject\""));
    assert_false(has(o.r.record, "943 476"));
    assert_true(has(o.r.record, "\"org\":\"NHSmail\",\"basis\":\"nhsmail\""));
    ss_eom_free(&o);
    store_free(f);
}

static void the_tag_stays_unless_the_site_asks(void **s)
{
    store_fixture *f = store_new("OnInsecure reject\n");
    ss_eom_out o = run(f, "Subject: Referral [share: early help]\r\n", NURSE);
    assert_string_equal(o.r.purpose, "early help");
    assert_null(o.r.subject);
    ss_eom_free(&o);
    store_free(f);
}

static void an_encoded_subject_keeps_its_words(void **s)
{
    store_fixture *f = store_new("OnInsecure reject\nRemovePurposeTag yes\n");
    ss_eom_out o = run(f, "Subject: =?utf-8?q?R=C3=A9f=C3=A9rence_=5Bshare=3A_s47=5D_Zo=C3=AB?=\r\n",
                       NURSE);
    assert_string_equal(o.r.purpose, "s47");
    assert_non_null(o.r.subject);
    char *decoded = g_mime_utils_header_decode_text(NULL, o.r.subject);
    assert_string_equal(decoded, "R\xc3\xa9" "f\xc3\xa9rence Zo\xc3\xab");
    g_free(decoded);
    ss_eom_free(&o);
    store_free(f);
}

static void a_header_states_it_and_is_read_for_identifiers(void **s)
{
    store_fixture *f = store_new("OnInsecure reject\nRemovePurposeTag yes\n");
    ss_eom_out o = run(f, "Subject: Referral [share: from the subject]\r\n"
                          "X-Share-Purpose: s17 assessment\r\n", NURSE);
    assert_string_equal(o.r.purpose, "s17 assessment");
    assert_true(has(o.r.record, "\"purpose_from\":\"header\""));
    assert_string_equal(o.r.subject, "Referral");     /* the tag still goes */
    ss_eom_free(&o);
    o = run(f, "Subject: hello\r\nX-Share-Purpose: NHS number 401 023 2137\r\n", PARENT);
    assert_int_equal(o.r.v.action, SS_ACT_REJECT);
    assert_true(has(o.r.record, "\"location\":\"the X-Share-Purpose header\""));
    assert_string_equal(o.r.purpose, "NHS number [NHS number]");
    ss_eom_free(&o);
    store_free(f);
}

static void require_purpose_refuses_a_share_of_child_data_without_one(void **s)
{
    store_fixture *f = store_new("OnInsecure reject\nRequirePurpose yes\n");
    ss_eom_out o = run(f, "Subject: referral\r\n", NURSE);
    assert_int_equal(o.r.v.action, SS_ACT_REJECT);
    assert_string_equal(o.r.v.rule, "RequirePurpose");
    int shows_how = 0, says_secure = 0;
    for (size_t i = 0; i < o.r.reply.n; i++) {
        shows_how |= has(o.r.reply.lines[i], "[share: ");
        says_secure |= has(o.r.reply.lines[i], "going to a secure address");
    }
    assert_true(shows_how);
    assert_true(says_secure);
    assert_true(o.recorded);
    assert_int_equal(records_with(f, "\"rule\":\"RequirePurpose\"", "\"purpose\":null", NULL), 1);
    ss_eom_free(&o);
    o = run(f, "Subject: referral [share: s47 enquiry]\r\n", NURSE);
    assert_int_equal(o.r.v.action, SS_ACT_ACCEPT);
    ss_eom_free(&o);
    o = run(f, "Subject: referral\r\n", PARENT);          /* insecure: that comes first */
    assert_string_equal(o.r.v.rule, "OnInsecure");
    ss_eom_free(&o);
    store_free(f);
}

/* A held message's decision carries the purpose for the DSL's review. */
static void a_held_message_is_recorded_with_its_purpose(void **s)
{
    store_fixture *f = store_new("OnInsecure quarantine\nRemovePurposeTag yes\n");
    ss_eom_out o = run(f, "Subject: Referral [share: s47 enquiry]\r\n", PARENT);
    assert_int_equal(o.r.v.action, SS_ACT_QUARANTINE);
    assert_int_equal(state_of(f, o.r.v.reference), SS_QS_HELD);
    assert_int_equal(records_with(f, o.r.v.reference, "\"purpose\":\"s47 enquiry\"", NULL), 1);
    ss_eom_free(&o);
    store_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_subject_tag_is_recorded_masked_and_removed),
        cmocka_unit_test(the_tag_stays_unless_the_site_asks),
        cmocka_unit_test(an_encoded_subject_keeps_its_words),
        cmocka_unit_test(a_header_states_it_and_is_read_for_identifiers),
        cmocka_unit_test(require_purpose_refuses_a_share_of_child_data_without_one),
        cmocka_unit_test(a_held_message_is_recorded_with_its_purpose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
