/* Which register may be in force (register/trust.h) and the lint
 * (register/lint.h): signed updates taken, rollbacks, replays with other
 * contents, expired, empty and unsigned registers refused with the last
 * good one kept, across a restart too; and the warnings a publisher reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/file.h"
#include "register/fetch.h"
#include "register/lint.h"
#include "register/trust.h"
#include "../certs/regkey_test_util.h"

#define ENTRY "nhs.net org=\"NHSmail\" basis=nhsmail until=2099-01-01 tls=verify\n"

typedef struct {
    char dir[64], anchors[96], state[96], reg[96], key[96];
    ss_regtrust_opts o;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ss-trust-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->anchors, sizeof f->anchors, "%s/anchors", f->dir);
    snprintf(f->state, sizeof f->state, "%s/state", f->dir);
    snprintf(f->reg, sizeof f->reg, "%s/register.txt", f->dir);
    snprintf(f->key, sizeof f->key, "%s/publisher.key", f->dir);
    assert_int_equal(mkdir(f->anchors, 0755), 0);
    assert_int_equal(mkdir(f->state, 0700), 0);
    regkey_make(f->dir, f->anchors, "publisher");
    regkey_make(f->dir, NULL, "stranger");
    f->o = (ss_regtrust_opts){ .path = f->reg, .anchors_dir = f->anchors, .require_sig = 1,
                               .state_dir = f->state, .now = time(NULL) };
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    regkey_rmrf(f->dir);
    free(f);
    return 0;
}

/* A register with this serial that expires `days` from now (negative:
 * already expired), signed by `signer` (NULL: unsigned), as register.txt. */
static void publish(fixture *f, unsigned long long serial, int days, const char *body,
                    const char *signer)
{
    char text[2048], exp[32], sigpath[160];
    time_t t = time(NULL) + (time_t)days * 86400;
    strftime(exp, sizeof exp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    snprintf(text, sizeof text, "%%format safeshare-register 1\n%%serial %llu\n"
             "%%issued 2020-01-01T00:00:00Z\n%%expires %s\n%s", serial, exp, body);
    regkey_put(f->dir, "register.txt", text, strlen(text));
    snprintf(sigpath, sizeof sigpath, "%s.sig", f->reg);
    unlink(sigpath);
    if (!signer)
        return;
    char key[160], why[256];
    unsigned char sig[SS_SIG_LEN];
    snprintf(key, sizeof key, "%s/%s.key", f->dir, signer);
    assert_int_equal(ss_sig_sign(key, text, strlen(text), sig, why, sizeof why), 0);
    regkey_put(f->dir, "register.txt.sig", sig, sizeof sig);
}

/* Load as the daemon does: vet, then remember. Returns the serial in force. */
static unsigned long long take(fixture *f, ss_regtrust *t, char *err, size_t errlen)
{
    if (ss_regtrust_load(&f->o, t, err, errlen) != 0)
        return 0;
    char why[512];
    assert_int_equal(ss_regtrust_commit(f->state, t, why, sizeof why), 0);
    return ss_register_serial(t->reg);
}

static void expect_kept(fixture *f, unsigned long long serial, const char *refusal)
{
    ss_regtrust t;
    char err[1024] = "";
    assert_int_equal(take(f, &t, err, sizeof err), serial);
    assert_int_equal(t.from_kept, 1);
    if (!strstr(t.refused, refusal))
        fail_msg("refusal \"%s\" lacks \"%s\"", t.refused, refusal);
    ss_regtrust_free(&t);
}

static void test_signed_update_taken(void **state)
{
    fixture *f = *state;
    ss_regtrust t;
    char err[1024] = "";
    publish(f, 2026120101, 30, ENTRY, "publisher");
    assert_int_equal(take(f, &t, err, sizeof err), 2026120101);
    assert_int_equal(t.from_kept, 0);
    assert_string_equal(t.signer, "publisher.pub");
    ss_regtrust_free(&t);
    publish(f, 2026120201, 30, ENTRY "cjsm.net org=CJSM basis=cjsm until=2099-01-01\n",
            "publisher");
    assert_int_equal(take(f, &t, err, sizeof err), 2026120201);
    ss_regtrust_free(&t);
    ss_lastgood lg;
    assert_int_equal(ss_lastgood_read(f->state, &lg, err, sizeof err), 0);
    assert_int_equal(lg.known, 1);
    assert_int_equal(lg.serial, 2026120201);
}

static void test_reload_of_same_file_taken(void **state)
{
    fixture *f = *state;
    ss_regtrust t;
    char err[1024] = "";
    publish(f, 5, 30, ENTRY, "publisher");
    assert_int_equal(take(f, &t, err, sizeof err), 5);
    ss_regtrust_free(&t);
    assert_int_equal(take(f, &t, err, sizeof err), 5);      /* SIGUSR1, nothing changed */
    assert_int_equal(t.from_kept, 0);
    ss_regtrust_free(&t);
}

static void test_rollback_refused(void **state)
{
    fixture *f = *state;
    ss_regtrust t;
    char err[1024] = "";
    publish(f, 2026112201, 30, ENTRY, "publisher");
    assert_int_equal(take(f, &t, err, sizeof err), 2026112201);
    ss_regtrust_free(&t);
    /* an older, genuinely signed register written back over the file */
    publish(f, 2026110101, 30, ENTRY, "publisher");
    expect_kept(f, 2026112201, "serial 2026110101 is below the last good register's "
                "2026112201 (a rollback)");
}

static void test_same_serial_other_contents_refused(void **state)
{
    fixture *f = *state;
    ss_regtrust t;
    char err[1024] = "";
    publish(f, 9, 30, ENTRY, "publisher");
    assert_int_equal(take(f, &t, err, sizeof err), 9);
    ss_regtrust_free(&t);
    publish(f, 9, 30, ENTRY "gmail.com org=x basis=psn until=2099-01-01\n", "publisher");
    expect_kept(f, 9, "contents differ");
}

/* The bug issue 17 found: a file holding only %format was taken with
 * serial 0 and "expires never", and every secure recipient was refused. */
static void test_empty_registers_refused(void **state)
{
    fixture *f = *state;
    ss_regtrust t;
    char err[1024] = "";
    publish(f, 2026112201, 30, ENTRY, NULL);
    f->o.require_sig = 0;
    f->o.anchors_dir = NULL;
    assert_int_equal(take(f, &t, err, sizeof err), 2026112201);
    ss_regtrust_free(&t);
    regkey_put(f->dir, "register.txt", "%format safeshare-register 1\n", 29);
    expect_kept(f, 2026112201, "no %serial");
    const char *noexp = "%format safeshare-register 1\n%serial 2026112301\n" ENTRY;
    regkey_put(f->dir, "register.txt", noexp, strlen(noexp));
    expect_kept(f, 2026112201, "no %expires");
    publish(f, 2026112301, 30, "# nothing yet\n", NULL);
    expect_kept(f, 2026112201, "no entries");
    publish(f, 2026112301, 30, "!gmail.com reason=\"personal mail\"\n", NULL);
    expect_kept(f, 2026112201, "no entries");
}

static void test_expired_refused_last_good_stays(void **state)
{
    fixture *f = *state;
    ss_regtrust t;
    char err[1024] = "";
    publish(f, 100, -1, ENTRY, "publisher");        /* first start, already expired */
    assert_int_equal(ss_regtrust_load(&f->o, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "refused: it expired at"));
    publish(f, 100, 1, ENTRY, "publisher");
    assert_int_equal(take(f, &t, err, sizeof err), 100);
    ss_regtrust_free(&t);
    publish(f, 101, -2, ENTRY, "publisher");         /* a newer serial, but expired */
    expect_kept(f, 100, "it expired at");
    /* the last good one itself, once past %expires, stays in force (stale) */
    f->o.now += 3 * 86400;
    expect_kept(f, 100, "it expired at");
}

static void test_signature_failures_refused(void **state)
{
    fixture *f = *state;
    ss_regtrust t;
    char err[1024] = "";
    publish(f, 50, 30, ENTRY, "publisher");
    assert_int_equal(take(f, &t, err, sizeof err), 50);
    ss_regtrust_free(&t);
    publish(f, 51, 30, ENTRY, "stranger");
    expect_kept(f, 50, "does not verify against any of the 1 trust anchor");
    publish(f, 52, 30, ENTRY, NULL);
    expect_kept(f, 50, "has no signature");
    /* a signature that is there and wrong is never ignored, required or not */
    f->o.require_sig = 0;
    publish(f, 53, 30, ENTRY, "stranger");
    expect_kept(f, 50, "does not verify");
    /* a tampered byte after signing */
    publish(f, 54, 30, ENTRY, "publisher");
    char *text = NULL;
    size_t len;
    assert_int_equal(ss_file_read(f->reg, 4096, &text, &len, err, sizeof err), 0);
    text[len - 3] = 'x';
    regkey_put(f->dir, "register.txt", text, len);
    free(text);
    expect_kept(f, 50, "does not verify");
}

/* A restart after a rollback was written over the file: the milter
 * starts on the kept copy; with no kept copy it refuses to start. */
static void test_restart_uses_kept_copy(void **state)
{
    fixture *f = *state;
    ss_regtrust t;
    char err[1024] = "", path[160];
    publish(f, 70, 30, ENTRY, "publisher");
    assert_int_equal(take(f, &t, err, sizeof err), 70);
    ss_regtrust_free(&t);
    publish(f, 60, 30, ENTRY, "publisher");
    expect_kept(f, 70, "a rollback");
    snprintf(path, sizeof path, "%s/register.good", f->state);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(ss_regtrust_load(&f->o, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "refused: serial 60 is below"));
}

static void test_damaged_state_refused(void **state)
{
    fixture *f = *state;
    ss_regtrust t;
    char err[1024] = "";
    publish(f, 70, 30, ENTRY, "publisher");
    regkey_put(f->state, "register.last-good", "serial what\n", 12);
    assert_int_equal(ss_regtrust_load(&f->o, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "StateDir:"));
    assert_non_null(strstr(err, "is damaged"));
}

static size_t lint_of(const char *body, ss_buf *out)
{
    char text[2048];
    snprintf(text, sizeof text, "%%format safeshare-register 1\n%%serial 1\n"
             "%%expires 2099-01-01T00:00:00Z\n%s", body);
    ss_register *r = NULL;
    char err[512];
    if (ss_register_parse("r.txt", text, strlen(text), &r, err, sizeof err) != 0)
        fail_msg("%s", err);
    size_t n = ss_register_lint(r, "r.txt", time(NULL), out);
    ss_register_free(r);
    return n;
}

static void expect_lint(const char *body, const char *want)
{
    ss_buf out = SS_BUF_INIT;
    size_t n = lint_of(body, &out);
    if (!n || !strstr(out.p, want))
        fail_msg("lint lacks \"%s\":\n%s", want, out.p ? out.p : "");
    ss_buf_free(&out);
}

static void test_lint(void **state)
{
    (void)state;
    char soon[16], body[512];
    time_t t = time(NULL) + 10 * 86400;
    strftime(soon, sizeof soon, "%Y-%m-%d", gmtime(&t));
    ss_buf out = SS_BUF_INIT;
    assert_int_equal(lint_of(ENTRY, &out), 0);
    ss_buf_free(&out);
    expect_lint("x.gov.uk org=X basis=psn until=2099-01-01 tls=verify\n"
                "!x.gov.uk reason=gone\n", "r.txt:4: pattern: x.gov.uk never applies: the "
                "exclusion !x.gov.uk on line 5 beats it");
    expect_lint("*.x.gov.uk org=X basis=psn until=2099-01-01 tls=verify\n"
                "a.x.gov.uk org=X basis=psn until=2099-01-01 tls=verify\n",
                "r.txt:5: pattern: a.x.gov.uk adds nothing: *.x.gov.uk on line 4");
    expect_lint(ENTRY "!y.gov.uk reason=\"no TLS\"\n",
                "r.txt:5: pattern: !y.gov.uk excludes nothing: no entry covers y.gov.uk");
    expect_lint("*.gov.uk org=All basis=gov-secure-email until=2099-01-01 broad=yes "
                "tls=verify\n", "trusts every domain under the public suffix gov.uk");
    snprintf(body, sizeof body, "z.nhs.uk org=Z basis=dcb1596 until=%s tls=verify\n", soon);
    expect_lint(body, "z.nhs.uk expires on");
    expect_lint("z.nhs.uk org=Z basis=dcb1596 until=2020-01-01 tls=verify\n",
                "accreditation expired on 2020-01-01");
    expect_lint("z.nhs.uk org=Z basis=dcb1596 until=2099-01-01\n", "tls: z.nhs.uk has no tls=");
    /* an exclusion under a live wildcard is what exclusions are for */
    ss_buf ok = SS_BUF_INIT;
    assert_int_equal(lint_of("*.x.gov.uk org=X basis=psn until=2099-01-01 tls=verify\n"
                             "!old.x.gov.uk reason=gone\n", &ok), 0);
    ss_buf_free(&ok);
}

/* Retry with back-off: a minute, then doubling, never past the interval. */
static void test_fetch_backoff(void **state)
{
    (void)state;
    assert_int_equal(ss_fetch_backoff(0, 3600), 3600);
    assert_int_equal(ss_fetch_backoff(1, 3600), 60);
    assert_int_equal(ss_fetch_backoff(2, 3600), 120);
    assert_int_equal(ss_fetch_backoff(3, 3600), 240);
    assert_int_equal(ss_fetch_backoff(7, 3600), 3600);
    assert_int_equal(ss_fetch_backoff(1000, 3600), 3600);
    assert_int_equal(ss_fetch_backoff(1, 30), 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signed_update_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload_of_same_file_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_serial_other_contents_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_registers_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_refused_last_good_stays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signature_failures_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_uses_kept_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_state_refused, setup, teardown),
        cmocka_unit_test(test_lint),
        cmocka_unit_test(test_fetch_backoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
