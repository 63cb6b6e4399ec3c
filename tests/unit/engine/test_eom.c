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
#include "extract/extract.h"
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

/* SHARE held on its way to PARENT, released by the DSL, and what the
 * release command re-injects for it (token first) in *rel; the token's
 * value in tok (free it). Returns the held message's reference. */
typedef struct {
    ss_eom_out held;
    ss_buf rel;
    char *tok;
    char *tokens[1];                          /* { tok }, for ss_eom_in */
} released;

static const char *hold_and_release(fixture *f, released *r)
{
    const char *to[] = { PARENT };
    ss_eom_in in = message(SHARE, to, 1);
    ss_eom_run(f->st, &in, &r->held);
    assert_int_equal(r->held.r.v.action, SS_ACT_QUARANTINE);
    const char *ref = r->held.r.v.reference;
    char err[256];
    assert_int_equal(ss_quarantine_set_state(f->store, ref, SS_QS_HELD, SS_QS_RELEASED, "dsl",
                                             "parent is the carer", 0, NULL, 0, NULL, err,
                                             sizeof err), SS_Q_OK);
    r->rel = (ss_buf)SS_BUF_INIT;
    assert_int_equal(ss_release_build(f->st->cfg->release_key, f->st->cfg->release_key_len,
                                      ref, TEACHER, to, 1, SHARE, strlen(SHARE), time(NULL),
                                      &r->rel), 0);
    char **tok = NULL;
    assert_int_equal(ss_header_values(r->rel.p, r->rel.len, SS_TOKEN_HEADER, 1, &tok), 1);
    r->tok = tok[0];
    r->tokens[0] = r->tok;
    free(tok);
    return ref;
}

/* The re-injected message, to PARENT, carrying r's token. */
static ss_eom_in reinjected(released *r)
{
    static const char *to[] = { PARENT };
    ss_eom_in in = message(r->rel.p, to, 1);
    in.tokens = r->tokens;
    in.ntokens = 1;
    return in;
}

static void released_free(released *r)
{
    ss_eom_free(&r->held);
    ss_buf_free(&r->rel);
    free(r->tok);
}

/* Release: a token for the held body is honoured once; the DSL's decision
 * stands and is recorded; a second use is an ordinary message again. */
static void release_token_is_honoured_once(void **state)
{
    fixture *f = *state;
    reload(f, "quarantine");
    released r;
    const char *ref = hold_and_release(f, &r);
    ss_eom_in in = reinjected(&r);

    ss_eom_out dry;                          /* explain: checked, not used */
    in.dry_run = 1;
    ss_eom_run(f->st, &in, &dry);
    assert_int_equal(dry.r.v.action, SS_ACT_ACCEPT);
    assert_string_equal(dry.r.v.rule, "ReleasedByDSL");
    assert_false(dry.recorded);
    assert_int_equal(state_of(f, ref), SS_QS_RELEASED);

    ss_eom_out o;
    in.dry_run = 0;
    ss_eom_run(f->st, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_ACCEPT);
    assert_string_equal(o.r.v.rule, "ReleasedByDSL");
    assert_true(o.released);
    assert_true(o.recorded);
    assert_int_equal(state_of(f, ref), SS_QS_DELIVERED);
    assert_int_equal(records_with(f, "parent is the carer", NULL), 1);
    assert_non_null(strstr(o.r.record, "\"released\":{\"reference\":\""));
    assert_non_null(strstr(o.r.record, "\"by\":\"dsl\",\"reason\":\"parent is the carer\"}"));

    ss_eom_out again;                        /* used: held again, as any message */
    ss_eom_run(f->st, &in, &again);
    assert_int_equal(again.r.v.action, SS_ACT_QUARANTINE);
    assert_false(again.released);
    ss_eom_free(&again);
    ss_eom_free(&o);
    ss_eom_free(&dry);
    released_free(&r);
}

/* The security review's replay: a token lifted from a re-injected
 * message, put on one with the same body but another Subject (a second
 * NHS number in it), from another sender, to more recipients. None of
 * them is honoured, and the genuine release still goes once after. */
static void lifted_token_is_not_a_bearer_credential(void **state)
{
    fixture *f = *state;
    reload(f, "quarantine");
    released r;
    const char *ref = hold_and_release(f, &r);
    const char *to[] = { PARENT };
    char *tokens[] = { r.tok };
    const char *genuine = r.rel.p;

    /* Another Subject, with a second identifier; the same body. */
    ss_buf forged = SS_BUF_INIT;
    ss_buf_printf(&forged, "%s: %s\r\nFrom: teacher@stmarys.sch.uk\r\nTo: x@y\r\n"
                  "Subject: referral, NHS 401 023 2137\r\n\r\n%s", SS_TOKEN_HEADER, r.tok,
                  strstr(SHARE, "\r\n\r\n") + 4);
    const char *others[] = { PARENT, "second@gmail.com", "third@hotmail.com" };
    struct { const char *msg; const char *from; const char **to; size_t nto; } tries[] = {
        { forged.p, TEACHER, to, 1 },                  /* headers changed */
        { genuine, "someone@stmarys.sch.uk", to, 1 },  /* another sender */
        { genuine, TEACHER, others, 3 },               /* more recipients */
    };
    for (size_t i = 0; i < sizeof tries / sizeof *tries; i++) {
        ss_eom_in x = message(tries[i].msg, tries[i].to, tries[i].nto);
        x.txn.sender = tries[i].from;
        x.tokens = tokens;
        x.ntokens = 1;
        ss_eom_out o;
        ss_eom_run(f->st, &x, &o);
        assert_false(o.released);
        assert_int_not_equal(o.r.v.action, SS_ACT_ACCEPT);
        assert_int_equal(state_of(f, ref), SS_QS_RELEASED);   /* not consumed */
        ss_eom_free(&o);
    }
    ss_eom_in real = message(genuine, to, 1);
    real.tokens = tokens;
    real.ntokens = 1;
    ss_eom_out o;
    ss_eom_run(f->st, &real, &o);
    assert_true(o.released);
    assert_int_equal(o.r.v.action, SS_ACT_ACCEPT);
    assert_int_equal(state_of(f, ref), SS_QS_DELIVERED);
    ss_eom_free(&o);
    ss_buf_free(&forged);
    released_free(&r);
}

/* Found by the fault run: the token was used, then the audit record could
 * not be written; the MTA was told 4xx yet the entry said delivered, and
 * its retry was held as an ordinary message. The use is given back, so
 * the retry delivers it once, recorded. */
static void unrecorded_release_keeps_its_token(void **state)
{
    fixture *f = *state;
    reload(f, "quarantine");
    released r;
    const char *ref = hold_and_release(f, &r);
    ss_eom_in in = reinjected(&r);

    ss_state broken = *f->st;
    broken.audit = NULL;                      /* the audit disk is full */
    ss_eom_out o;
    ss_eom_run(&broken, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_TEMPFAIL);
    assert_false(o.recorded);
    assert_int_equal(state_of(f, ref), SS_QS_RELEASED);
    assert_int_equal(records_with(f, "parent is the carer", NULL), 0);

    ss_eom_out retry;                         /* space freed: the MTA retries */
    ss_eom_run(f->st, &in, &retry);
    assert_true(retry.released);
    assert_int_equal(retry.r.v.action, SS_ACT_ACCEPT);
    assert_true(retry.recorded);
    assert_int_equal(state_of(f, ref), SS_QS_DELIVERED);
    assert_int_equal(records_with(f, "parent is the carer", NULL), 1);
    ss_eom_free(&retry);
    ss_eom_free(&o);
    released_free(&r);
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
        cmocka_unit_test_setup_teardown(unrecorded_release_keeps_its_token, setup, teardown),
        cmocka_unit_test_setup_teardown(lifted_token_is_not_a_bearer_credential, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dry_run_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(message_not_kept_is_tempfailed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
