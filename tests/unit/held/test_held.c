/* Held mail as the DSL reads and decides it (policy/held), the calls
 * safesharectl and safeshare-review share: what a reviewer is shown (no
 * identifier, every attachment, each recipient as the register sees it),
 * that every look and every decision is on the audit trail with who made
 * it, that words people type are masked too, and the queue's order. The
 * message is held by the milter's own end-of-message call. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/eom.h"
#include "held/act.h"
#include "held/mask.h"
#include "held/purpose.h"
#include "held/queue.h"
#include "held/view.h"
#include "../engine/store_fixture.h"

#define TEACHER "teacher@stmarys.sch.uk"
#define PARENT "parent@gmail.com"
#define OLDTRUST "ward7@oldtrust.nhs.uk"

/* "pupil 9434765919.csv", base64: "name,nhs\r\nJo,943 476 5919\r\n" (27 bytes). */
static const char HELD[] =
    "From: teacher@stmarys.sch.uk\r\n"
    "To: \"Jo 943 476 5919\" <parent@gmail.com>, ward7@oldtrust.nhs.uk\r\n"
    "Subject: <script>alert(1)</script> about NHS 943 476 5919\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\n"
    "Child protection plan agreed. NHS number 943 476 5919.\r\n"
    "--b\r\nContent-Type: text/csv; name=\"pupil 9434765919.csv\"\r\n"
    "Content-Disposition: attachment; filename=\"pupil 9434765919.csv\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n"
    "bmFtZSxuaHMNCkpvLDk0MyA0NzYgNTkxOQ0K\r\n"
    "--b--\r\n";

typedef store_fixture fixture;

static char held_ref[32];
static const ss_held_who who = { "Ms Amara Patel", "amara", "web" };

/* Hold HELD for PARENT and OLDTRUST the way the milter does; its reference. */
static void hold(fixture *f, char ref[32])
{
    const char *to[] = { PARENT, OLDTRUST };
    ss_eom_in in = {
        .txn = { .sender = TEACHER, .rcpts = to, .nrcpts = 2, .queue_id = "4XQID",
                 .source = "milter" },
        .msg = { .mem = HELD, .len = strlen(HELD), .fd = -1, .complete = 1 },
    };
    ss_eom_out o;
    ss_eom_run(f->st, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_QUARANTINE);
    snprintf(ref, 32, "%s", o.r.v.reference);
    ss_eom_free(&o);
}

/* Nothing is re-sent anywhere: port 9 on loopback refuses. */
static int setup(void **state)
{
    fixture *f = store_new("OnInsecure quarantine\nReleaseSubmitURL smtp://127.0.0.1:9\n"
                           "RemindAfter 3600\n");
    hold(f, held_ref);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    store_free(*state);
    return 0;
}

static int clear_nhs(const char *s)
{
    return strstr(s, "9434765919") || strstr(s, "943 476 5919");
}

static const char *header_of(const ss_held_view *v, const char *name)
{
    for (size_t i = 0; i < v->nheaders; i++)
        if (!strcmp(v->headers[i].name, name))
            return v->headers[i].value;
    return NULL;
}

static void view_masks_every_field(void **state)
{
    fixture *f = *state;
    ss_held_view v;
    char err[512];
    assert_int_equal(ss_held_view_open(f->st->cfg, f->st->reg, f->st->audit, held_ref, &who,
                                       &v, err, sizeof err), SS_Q_OK);
    assert_string_equal(v.e.reference, held_ref);
    assert_string_equal(v.e.sender, TEACHER);
    for (size_t i = 0; i < v.nheaders; i++)
        assert_false(clear_nhs(v.headers[i].value));
    assert_string_equal(header_of(&v, "Subject"),
                        "<script>alert(1)</script> about NHS [NHS number]");
    assert_non_null(strstr(header_of(&v, "To"), "\"Jo [NHS number]\" <parent@gmail.com>"));
    int body = 0;
    for (size_t i = 0; i < v.nparts; i++) {
        assert_false(clear_nhs(v.parts[i].text));
        if (!strcmp(v.parts[i].location, "the message body")) {
            body = 1;
            assert_non_null(strstr(v.parts[i].text, "Child protection plan agreed. "
                                                   "NHS number [NHS number]."));
            assert_false(v.parts[i].listed);
        }
    }
    assert_true(body);
    assert_int_equal(v.nattach, 1);
    assert_string_equal(v.attach[0].name, "pupil [NHS number].csv");
    assert_string_equal(v.attach[0].type, "text/csv");
    assert_int_equal(v.attach[0].size, 27);
    assert_non_null(strstr(v.attach[0].found, "an NHS number"));
    assert_non_null(strstr(v.attach[0].found, "in its name"));
    assert_false(clear_nhs(v.attach[0].location));
    for (size_t i = 0; i < v.nfound; i++)
        assert_false(clear_nhs(v.found[i].redacted));
    assert_int_equal(v.nrcpts, 2);
    assert_string_equal(v.rcpts[0].address, PARENT);
    assert_true(v.rcpts[0].insecure);
    assert_string_equal(v.rcpts[0].m.why, "not on the secure-domain register");
    assert_string_equal(v.rcpts[1].address, OLDTRUST);
    assert_string_equal(v.rcpts[1].m.why, "accreditation expired 2020-03-31");
    assert_string_equal(v.rcpts[1].m.alt, "nhs.net");
    ss_held_view_free(&v);
    /* The look is on the record, with who looked. */
    assert_int_equal(records_with(f, "\"event\":\"view\"", held_ref, "\"reviewer\":\"Ms Amara Patel\"",
                                  "\"login\":\"amara\"", "\"source\":\"web\"", NULL), 1);
}

/* When the look cannot be recorded, nothing is shown. */
static void unrecorded_look_shows_nothing(void **state)
{
    fixture *f = *state;
    ss_config *c = ss_config_new();
    c->path = strdup("test");
    free(c->quarantine_dir);
    c->quarantine_dir = strdup(f->store);
    c->audit_log = strdup(f->dir);              /* a directory: cannot be opened */
    ss_held_view v;
    char err[512] = "";
    assert_int_equal(ss_held_view_open(c, f->st->reg, NULL, held_ref, &who, &v, err,
                                       sizeof err), SS_Q_WRITE_FAILED);
    assert_int_equal(v.nparts, 0);
    assert_null(v.parts);
    assert_non_null(strstr(err, "not shown"));
    ss_config_free(c);
}

static void refuse_masks_reason_and_records_reviewer(void **state)
{
    fixture *f = *state;
    ss_held_result r;
    int rc = ss_held_refuse(f->st->cfg, f->st->audit, held_ref, &who,
                            "Parent not entitled: NHS 943 476 5919", "Use the portal", &r);
    assert_int_equal(rc, 0);
    assert_true(r.decided);
    assert_true(r.recorded);
    assert_int_equal(r.told, 1);                  /* no NotifyFrom: nobody to tell */
    assert_int_equal(state_of(f, held_ref), SS_QS_REFUSED);
    assert_int_equal(records_with(f, "\"event\":\"refuse\"", held_ref,
                                  "\"reviewer\":\"Ms Amara Patel\"",
                                  "\"reason\":\"Parent not entitled: NHS [NHS number]\"",
                                  "\"note\":\"Use the portal\"", NULL), 1);
    assert_int_equal(records_with(f, "943 476 5919", NULL), 0);
    /* Decided once: a second decision is refused and changes nothing. */
    rc = ss_held_release(f->st->cfg, f->st->audit, held_ref, &who, "changed my mind", NULL, &r);
    assert_int_equal(rc, 1);
    assert_int_equal(r.q, SS_Q_ALREADY_REFUSED);
    assert_non_null(strstr(r.err, "already refused"));
    assert_int_equal(state_of(f, held_ref), SS_QS_REFUSED);
}

static void a_decision_needs_a_reason(void **state)
{
    fixture *f = *state;
    ss_held_result r;
    assert_int_equal(ss_held_refuse(f->st->cfg, f->st->audit, held_ref, &who, " \r\n ", NULL,
                                    &r), 1);
    assert_non_null(strstr(r.err, "a reason is required"));
    assert_false(r.decided);
    assert_int_equal(state_of(f, held_ref), SS_QS_HELD);
    assert_int_equal(records_with(f, "\"event\":\"refuse\"", NULL), 0);
}

/* Released, but the MTA is not there: it stays released, the failure is
 * on record, nobody is told it was sent; once delivered, no second copy. */
static void release_that_cannot_be_sent_says_so(void **state)
{
    fixture *f = *state;
    ss_held_result r;
    int rc = ss_held_release(f->st->cfg, f->st->audit, held_ref, &who, "Confirmed by phone",
                             NULL, &r);
    assert_int_equal(rc, 1);
    assert_true(r.decided);
    assert_false(r.resent);
    assert_int_equal(r.told, 1);
    assert_non_null(strstr(r.err, "is released but could not be sent on"));
    assert_int_equal(state_of(f, held_ref), SS_QS_RELEASED);
    assert_int_equal(records_with(f, "\"event\":\"release\"", "Confirmed by phone", NULL), 1);
    assert_int_equal(records_with(f, "\"event\":\"resend-failed\"", held_ref, NULL), 1);
    char err[256];
    assert_int_equal(ss_quarantine_consume_token(f->store, held_ref, NULL, 0, err, sizeof err),
                     SS_Q_OK);
    assert_int_equal(ss_held_resend(f->st->cfg, f->st->audit, held_ref, &who, &r), 1);
    assert_int_equal(r.q, SS_Q_ALREADY_DELIVERED);
}

static void purpose_is_masked_kept_and_recorded(void **state)
{
    fixture *f = *state;
    char err[512];
    assert_int_equal(ss_held_purpose(f->st->cfg, f->st->audit, held_ref, "", "urgent", err,
                                     sizeof err), SS_Q_INVALID);
    assert_int_equal(ss_held_purpose(f->st->cfg, f->st->audit, held_ref, "why", "whenever", err,
                                     sizeof err), SS_Q_INVALID);
    assert_int_equal(ss_held_purpose(f->st->cfg, f->st->audit, held_ref,
                                     "Her social worker needs it before the core group "
                                     "meeting; NHS 943 476 5919", "urgent", err, sizeof err),
                     SS_Q_OK);
    ss_qentry e;
    assert_int_equal(ss_quarantine_get(f->store, held_ref, NULL, 0, &e, NULL, err, sizeof err),
                     SS_Q_OK);
    assert_string_equal(e.purpose, "Her social worker needs it before the core group "
                                   "meeting; NHS [NHS number]");
    assert_string_equal(e.urgency, "urgent");
    ss_qentry_free(&e);
    assert_int_equal(records_with(f, "\"event\":\"purpose\"", "\"purpose\":\"Her social worker",
                                  "\"urgency\":\"urgent\"", "\"sender\":\"" TEACHER "\"", NULL), 1);
    /* The decision carries it too, for the record of what was shared and why. */
    ss_held_result r;
    assert_int_equal(ss_held_refuse(f->st->cfg, f->st->audit, held_ref, &who, "No", NULL, &r), 0);
    assert_int_equal(records_with(f, "\"event\":\"refuse\"", "\"purpose\":\"Her social worker",
                                  NULL), 1);
    /* Once decided, nothing more is taken. */
    assert_int_equal(ss_held_purpose(f->st->cfg, f->st->audit, held_ref, "more", "soon", err,
                                     sizeof err), SS_Q_ALREADY_REFUSED);
    assert_int_equal(records_with(f, "943 476 5919", NULL), 0);
}

/* Urgent first, then oldest first; overdue against RemindAfter. */
static void queue_puts_urgent_first(void **state)
{
    fixture *f = *state;
    char second[32], third[32], err[512];
    sleep(1);
    hold(f, second);
    sleep(1);
    hold(f, third);
    assert_int_equal(ss_held_purpose(f->st->cfg, f->st->audit, third, "Court tomorrow",
                                     "urgent", err, sizeof err), SS_Q_OK);
    ss_held_queue q;
    assert_int_equal(ss_held_queue_load(f->st->cfg, f->st->reg, time(NULL) + 3000, &q, err,
                                        sizeof err), SS_Q_OK);
    assert_int_equal(q.n, 3);
    assert_string_equal(q.v[0].e.reference, third);
    assert_string_equal(q.v[1].e.reference, held_ref);
    assert_string_equal(q.v[2].e.reference, second);
    assert_false(q.v[1].overdue);
    assert_int_equal(q.v[1].e.nrecipients, 2);
    assert_string_equal(q.v[1].why[0].why, "not on the secure-domain register");
    ss_held_queue_free(&q);
    assert_int_equal(ss_held_queue_load(f->st->cfg, f->st->reg, time(NULL) + 3700, &q, err,
                                        sizeof err), SS_Q_OK);
    assert_true(q.v[1].overdue);
    ss_held_queue_free(&q);
}

static void typed_text_is_masked(void **state)
{
    fixture *f = *state;
    ss_buf b = SS_BUF_INIT;
    assert_int_equal(ss_held_mask_text(f->st->cfg, "NHS 943 476 5919, again NHS 943-476-5919.",
                                       &b), 2);
    assert_false(clear_nhs(b.p));
    assert_non_null(strstr(b.p, "NHS [NHS number]."));
    assert_int_equal(ss_held_mask_text(f->st->cfg, "nothing here", &b), 0);
    assert_string_equal(b.p, "nothing here");
    ss_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(view_masks_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(unrecorded_look_shows_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(refuse_masks_reason_and_records_reviewer, setup, teardown),
        cmocka_unit_test_setup_teardown(a_decision_needs_a_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(release_that_cannot_be_sent_says_so, setup, teardown),
        cmocka_unit_test_setup_teardown(purpose_is_masked_kept_and_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(queue_puts_urgent_first, setup, teardown),
        cmocka_unit_test_setup_teardown(typed_text_is_masked, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
