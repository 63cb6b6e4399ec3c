/* The end of a message (engine/eom.h), the one call every front door
 * makes, tested without an MTA: what the sender would be told, what the
 * audit log and the quarantine store hold afterwards. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "certs/token.h"
#include "engine/eom.h"
#include "quarantine/quarantine.h"
#include "quarantine/release.h"
#include "store_fixture.h"

#define TEACHER "teacher@stmarys.sch.uk"
#define NURSE "nurse@nhs.net"
#define PARENT "parent@gmail.com"

/* An NHS number with its keyword and safeguarding context: a child's
 * identifier that decides. */
static const char SHARE[] =
    "From: teacher@stmarys.sch.uk\r\nTo: x@y\r\nSubject: referral\r\n\r\n"
    "Child protection conference on Monday. NHS number 943 476 5919.\r\n";

typedef store_fixture fixture;

static ss_state *load(fixture *f, const char *on_insecure)
{
    char extra[128];
    snprintf(extra, sizeof extra, "OnInsecure %s\nOnInsecureUncertain quarantine\n", on_insecure);
    return store_load(f, extra);
}

static void reload(fixture *f, const char *on_insecure)
{
    ss_state_put(f->st);
    f->st = NULL;
    f->st = load(f, on_insecure);
}

static int setup(void **state)
{
    *state = store_new("OnInsecure reject\nOnInsecureUncertain quarantine\n");
    return 0;
}

static int teardown(void **state)
{
    store_free(*state);
    return 0;
}

static ss_eom_in message(const char *msg, const char **to, size_t nto)
{
    ss_eom_in in = {
        .txn = { .sender = TEACHER, .rcpts = to, .nrcpts = nto, .queue_id = "4XQID",
                 .source = "milter" },
        .msg = { .mem = msg, .len = strlen(msg), .fd = -1, .complete = 1 },
    };
    return in;
}

static void secure_share_is_accepted_and_recorded(void **state)
{
    fixture *f = *state;
    const char *to[] = { NURSE };
    ss_eom_in in = message(SHARE, to, 1);
    ss_eom_out o;
    ss_eom_run(f->st, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_ACCEPT);
    assert_true(o.recorded);
    assert_false(o.released);
    assert_int_equal(records_with(f, o.r.v.reference, NULL), 1);
    ss_eom_free(&o);
}

static void insecure_share_is_refused_with_guidance(void **state)
{
    fixture *f = *state;
    const char *to[] = { NURSE, PARENT };
    ss_eom_in in = message(SHARE, to, 2);
    ss_eom_out o;
    ss_eom_run(f->st, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_REJECT);
    assert_true(o.r.reply.n > 1);
    int names_parent = 0;
    for (size_t i = 0; i < o.r.reply.n; i++)
        names_parent |= strstr(o.r.reply.lines[i], PARENT) != NULL;
    assert_true(names_parent);
    assert_int_equal(records_with(f, o.r.v.reference, NULL), 1);
    assert_int_equal(records_with(f, "9434765919", NULL), 0);      /* never in clear */
    assert_int_equal(records_with(f, "943 476 5919", NULL), 0);
    ss_eom_free(&o);
}

/* OnInsecure quarantine: held in the store, recorded, and the caller may
 * discard; from a spilled file as well as from memory. */
static void held_message_is_in_the_store(void **state)
{
    fixture *f = *state;
    reload(f, "quarantine");
    const char *to[] = { PARENT };
    char path[128];
    snprintf(path, sizeof path, "%s/spill", f->dir);
    put_file(f->dir, "spill", SHARE, 0600);
    int fd = open(path, O_RDONLY);
    ss_eom_in in = message(SHARE, to, 1);
    in.msg = (ss_msgview){ .mem = NULL, .len = 0, .fd = fd, .complete = 1 };
    lseek(fd, 7, SEEK_SET);                  /* the engine rewinds for itself */
    ss_eom_out o;
    ss_eom_run(f->st, &in, &o);
    close(fd);
    assert_int_equal(o.r.v.action, SS_ACT_QUARANTINE);
    assert_true(o.recorded);
    assert_int_equal(state_of(f, o.r.v.reference), SS_QS_HELD);
    ss_qentry e;
    ss_buf msg = SS_BUF_INIT;
    char err[256];
    assert_int_equal(ss_quarantine_get(f->store, o.r.v.reference, NULL, 0, &e, &msg, err,
                                       sizeof err), SS_Q_OK);
    assert_int_equal(msg.len, strlen(SHARE));          /* the whole message, from byte 0 */
    assert_memory_equal(msg.p, SHARE, msg.len);
    ss_qentry_free(&e);
    ss_buf_free(&msg);
    ss_eom_free(&o);
}

/* A store that cannot keep it: never "held", OnInternalError (tempfail),
 * the one plain line, and the record says so. */
static void unstorable_message_is_tempfailed_not_held(void **state)
{
    fixture *f = *state;
    reload(f, "quarantine");
    /* the store's directory is gone and a file stands in its place: even
     * root cannot write an entry there */
    assert_int_equal(rmdir(f->store), 0);
    put_file(f->dir, "held", "not a directory", 0600);
    const char *to[] = { PARENT };
    ss_eom_in in = message(SHARE, to, 1);
    ss_eom_out o;
    ss_eom_run(f->st, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_TEMPFAIL);
    assert_string_equal(o.r.v.rule, "OnInternalError");
    assert_int_equal(o.r.reply.n, 1);
    assert_non_null(strstr(o.r.reply.lines[0], "could not check this message"));
    assert_true(o.recorded);
    assert_int_equal(records_with(f, "\"OnInternalError\"", NULL), 1);
    ss_eom_free(&o);
}

/* An audit log that cannot be written: nothing goes out unrecorded. */
static void unrecordable_message_is_tempfailed(void **state)
{
    fixture *f = *state;
    ss_state st = *f->st;
    st.audit = NULL;                                    /* as if every write failed */
    const char *to[] = { NURSE };
    ss_eom_in in = message(SHARE, to, 1);
    ss_eom_out o;
    ss_eom_run(&st, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_TEMPFAIL);
    assert_false(o.recorded);
    assert_int_equal(o.r.reply.n, 1);
    ss_eom_free(&o);
}

/* Release: a token for the held body is honoured once; the DSL's decision
 * stands and is recorded; a second use is an ordinary message again. */
static void release_token_is_honoured_once(void **state)
{
    fixture *f = *state;
    reload(f, "quarantine");
    const char *to[] = { PARENT };
    ss_eom_in in = message(SHARE, to, 1);
    ss_eom_out held;
    ss_eom_run(f->st, &in, &held);
    assert_int_equal(held.r.v.action, SS_ACT_QUARANTINE);
    char err[256];
    assert_int_equal(ss_quarantine_set_state(f->store, held.r.v.reference, SS_QS_HELD,
                                             SS_QS_RELEASED, "dsl", "parent is the carer",
                                             0, NULL, 0, NULL, err, sizeof err), SS_Q_OK);
    unsigned char sha[32];
    assert_int_equal(ss_release_body_sha256(SHARE, strlen(SHARE), sha), 0);
    char tok[SS_TOKEN_MAX];
    assert_int_equal(ss_token_make(f->st->cfg->release_key, f->st->cfg->release_key_len,
                                   held.r.v.reference, sha, time(NULL), tok), 0);
    char *tokens[] = { tok };
    in.tokens = tokens;
    in.ntokens = 1;

    ss_eom_out dry;                          /* explain: checked, not used */
    in.dry_run = 1;
    ss_eom_run(f->st, &in, &dry);
    assert_int_equal(dry.r.v.action, SS_ACT_ACCEPT);
    assert_string_equal(dry.r.v.rule, "ReleasedByDSL");
    assert_false(dry.recorded);
    assert_int_equal(state_of(f, held.r.v.reference), SS_QS_RELEASED);

    ss_eom_out o;
    in.dry_run = 0;
    ss_eom_run(f->st, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_ACCEPT);
    assert_string_equal(o.r.v.rule, "ReleasedByDSL");
    assert_true(o.released);
    assert_true(o.recorded);
    assert_int_equal(state_of(f, held.r.v.reference), SS_QS_DELIVERED);
    assert_int_equal(records_with(f, "parent is the carer", NULL), 1);

    ss_eom_out again;                        /* used: held again, as any message */
    ss_eom_run(f->st, &in, &again);
    assert_int_equal(again.r.v.action, SS_ACT_QUARANTINE);
    assert_false(again.released);
    ss_eom_free(&again);
    ss_eom_free(&o);
    ss_eom_free(&dry);
    ss_eom_free(&held);
}

/* Dry run (explain): the same verdict, and nothing written anywhere. */
static void dry_run_changes_nothing(void **state)
{
    fixture *f = *state;
    reload(f, "quarantine");
    const char *to[] = { PARENT };
    ss_eom_in in = message(SHARE, to, 1);
    in.dry_run = 1;
    ss_eom_out o;
    ss_eom_run(f->st, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_QUARANTINE);
    assert_false(o.recorded);
    assert_int_equal(records_with(f, "\"action\"", NULL), 0);
    char err[256];
    ss_qentry e;
    assert_int_equal(ss_quarantine_get(f->store, o.r.v.reference, NULL, 0, &e, NULL, err,
                                       sizeof err), SS_Q_UNKNOWN_REF);
    ss_eom_free(&o);
}

static void message_not_kept_is_tempfailed(void **state)
{
    fixture *f = *state;
    ss_eom_out o;
    ss_eom_unchecked(f->st, "4XQID", "could not keep the message for scanning", &o);
    assert_int_equal(o.r.v.action, SS_ACT_TEMPFAIL);
    assert_false(o.recorded);
    assert_int_equal(o.r.reply.n, 1);
    ss_eom_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(secure_share_is_accepted_and_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(insecure_share_is_refused_with_guidance, setup, teardown),
        cmocka_unit_test_setup_teardown(held_message_is_in_the_store, setup, teardown),
        cmocka_unit_test_setup_teardown(unstorable_message_is_tempfailed_not_held, setup, teardown),
        cmocka_unit_test_setup_teardown(unrecordable_message_is_tempfailed, setup, teardown),
        cmocka_unit_test_setup_teardown(release_token_is_honoured_once, setup, teardown),
        cmocka_unit_test_setup_teardown(dry_run_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(message_not_kept_is_tempfailed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
