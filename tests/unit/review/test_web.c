/* safeshare-review's requests, answered without a socket (web.h): held
 * mail only after sign-in, a form only with its session's CSRF token,
 * sign-in limited and given a new session, every look and decision on
 * the audit trail, the links from the notices, the audit report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certs/link.h"
#include "certs/reviewers.h"
#include "engine/eom.h"
#include "../engine/store_fixture.h"
#include "review/web.h"

#define PASSWORD "correct horse battery"

static const char SHARE[] =
    "From: teacher@stmarys.sch.uk\r\nTo: parent@gmail.com\r\nSubject: referral\r\n\r\n"
    "Child protection conference on Monday. NHS number 943 476 5919.\r\n";

typedef struct {
    store_fixture *f;
    ss_web_app app;
    char ref[32];
    char cookie[65], csrf[65];     /* the browser's session */
} world;

static void hold(world *w)
{
    const char *to[] = { "parent@gmail.com" };
    ss_eom_in in = { .txn = { .sender = "teacher@stmarys.sch.uk", .rcpts = to, .nrcpts = 1,
                              .source = "milter" },
                     .msg = { .mem = SHARE, .len = strlen(SHARE), .fd = -1, .complete = 1 } };
    ss_eom_out o;
    ss_eom_run(w->f->st, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_QUARANTINE);
    snprintf(w->ref, sizeof w->ref, "%s", o.r.v.reference);
    ss_eom_free(&o);
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    char extra[512], users[128], err[256], hash[160];
    snprintf(users, sizeof users, "/tmp/ss-web-users-%d", (int)getpid());
    snprintf(extra, sizeof extra, "OnInsecure quarantine\nReviewUsers %s\n"
             "ReviewProxyHeader X-Remote-User\nReviewTrustedProxies 127.0.0.1\n", users);
    w->f = store_new(extra);
    assert_int_equal(ss_password_hash(PASSWORD, hash, err, sizeof err), 0);
    unlink(users);
    assert_int_equal(ss_reviewers_put(users, "amara", "Ms Amara Patel", hash, err, sizeof err), 0);
    assert_int_equal(ss_reviewers_put(users, "tom", "Mr Tom Jones", "sso", err, sizeof err), 0);
    w->f->st->refs++;                  /* one for the fixture, one installed */
    ss_state_install(w->f->st);
    w->app.sessions = ss_sessions_new(64, 1800, 8 * 3600);
    w->app.limit = ss_ratelimit_new(64, 5, 900);
    hold(w);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    ss_state_install(NULL);
    unlink(w->f->st->cfg->review_users);
    store_free(w->f);
    ss_sessions_free(w->app.sessions);
    ss_ratelimit_free(w->app.limit);
    free(w);
    return 0;
}

/* The browser's side of any request: it keeps a new session cookie and
 * the page's form token. */
static ss_web_resp answer(world *w, const ss_web_req *rq)
{
    ss_web_resp rs = { 0 };
    ss_web_handle(&w->app, rq, &rs);
    if (rs.session[0])
        snprintf(w->cookie, sizeof w->cookie, "%s", rs.session);
    if (rs.end_session)
        w->cookie[0] = '\0';
    const char *c = rs.body.p ? strstr(rs.body.p, "name=\"csrf\" value=\"") : NULL;
    if (c)
        snprintf(w->csrf, sizeof w->csrf, "%.64s", c + 19);
    if (!rs.body.p)
        ss_buf_adds(&rs.body, "");
    return rs;
}

/* One request as the browser would send it; the form is name, value,
 * ..., NULL. The browser keeps a new session cookie. */
static ss_web_resp request(world *w, const char *method, const char *path, const char *t,
                           const char *proxy_user, ...)
{
    ss_field form[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, proxy_user);
    for (const char *k; n < 8 && (k = va_arg(ap, const char *));) {
        form[n].name = (char *)k;
        form[n++].value = va_arg(ap, char *);
    }
    va_end(ap);
    ss_web_req rq = { .method = method, .path = path, .t = t, .cookie = w->cookie,
                      .proxy_user = proxy_user, .client = "192.0.2.7", .form = form,
                      .nform = n };
    return answer(w, &rq);
}

static void sign_in(world *w)
{
    ss_web_resp r = request(w, "GET", "/", NULL, NULL, NULL);
    ss_buf_free(&r.body);
    r = request(w, "POST", "/login", NULL, NULL, "name", "amara", "password", PASSWORD,
                "csrf", w->csrf, NULL);
    assert_int_equal(r.status, 303);
    ss_buf_free(&r.body);
}

static void front_page_is_sign_in(void **state)
{
    world *w = *state;
    ss_web_resp r = request(w, "GET", "/", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(strlen(r.session), 64);
    assert_non_null(strstr(r.body.p, "<form method=\"post\" action=\"/login\""));
    assert_int_equal(strlen(w->csrf), 64);
    assert_null(strstr(r.body.p, w->ref));
    ss_buf_free(&r.body);
}

static void sign_in_needs_token_and_password(void **state)
{
    world *w = *state;
    ss_web_resp r = request(w, "GET", "/", NULL, NULL, NULL);
    ss_buf_free(&r.body);
    char before[65];
    snprintf(before, sizeof before, "%s", w->cookie);
    r = request(w, "POST", "/login", NULL, NULL, "name", "amara", "password", PASSWORD, NULL);
    assert_int_equal(r.status, 403);                           /* no form token */
    ss_buf_free(&r.body);
    r = request(w, "POST", "/login", NULL, NULL, "name", "amara", "password", "wrong one here",
                "csrf", w->csrf, NULL);
    assert_int_equal(r.status, 401);
    assert_non_null(strstr(r.body.p, "do not match"));
    ss_buf_free(&r.body);
    r = request(w, "POST", "/login", NULL, NULL, "name", "amara", "password", PASSWORD,
                "csrf", w->csrf, NULL);
    assert_int_equal(r.status, 303);
    assert_string_equal(r.location, "/queue");
    assert_string_not_equal(w->cookie, before);                /* a new session */
    ss_buf_free(&r.body);
    r = request(w, "GET", "/queue", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.p, w->ref));
    assert_non_null(strstr(r.body.p, "Ms Amara Patel"));
    ss_buf_free(&r.body);
}

static void too_many_attempts_are_refused(void **state)
{
    world *w = *state;
    ss_web_resp r = request(w, "GET", "/", NULL, NULL, NULL);
    ss_buf_free(&r.body);
    for (int i = 0; i < 5; i++) {
        r = request(w, "POST", "/login", NULL, NULL, "name", "amara", "password", "guess guess",
                    "csrf", w->csrf, NULL);
        assert_int_equal(r.status, 401);
        ss_buf_free(&r.body);
    }
    r = request(w, "POST", "/login", NULL, NULL, "name", "amara", "password", PASSWORD,
                "csrf", w->csrf, NULL);
    assert_int_equal(r.status, 429);                 /* even the right password now */
    assert_non_null(strstr(r.body.p, "too many attempts"));
    ss_buf_free(&r.body);
}

static void held_mail_needs_sign_in(void **state)
{
    world *w = *state;
    char path[64];
    snprintf(path, sizeof path, "/message/%s", w->ref);
    ss_web_resp r = request(w, "GET", path, NULL, NULL, NULL);
    assert_int_equal(r.status, 303);
    assert_true(!strncmp(r.location, "/?next=/message/", 16));
    assert_null(strstr(r.body.p, "Child protection"));
    ss_buf_free(&r.body);
    r = request(w, "GET", "/queue", NULL, NULL, NULL);
    assert_int_equal(r.status, 303);
    ss_buf_free(&r.body);
    assert_int_equal(records_with(w->f, "\"event\":\"view\"", NULL), 0);
}

static void look_is_recorded_and_shows_no_identifier(void **state)
{
    world *w = *state;
    sign_in(w);
    char path[64];
    snprintf(path, sizeof path, "/message/%s", w->ref);
    ss_web_resp r = request(w, "GET", path, NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.p, "Child protection conference on Monday. NHS number "
                                     "[NHS number]."));
    assert_null(strstr(r.body.p, "943 476 5919"));
    assert_null(strstr(r.body.p, "9434765919"));
    assert_int_equal(records_with(w->f, "\"event\":\"view\"", w->ref,
                                  "\"reviewer\":\"Ms Amara Patel\"", "\"login\":\"amara\"",
                                  "\"source\":\"web\"", NULL), 1);
    ss_buf_free(&r.body);
}

static void forged_post_changes_nothing(void **state)
{
    world *w = *state;
    char path[64], other[65];
    snprintf(path, sizeof path, "/message/%s", w->ref);
    /* a form posted with no session at all */
    ss_web_resp r = request(w, "POST", path, NULL, NULL, "decision", "release", "reason", "x",
                            NULL);
    assert_int_equal(r.status, 403);
    ss_buf_free(&r.body);
    /* another visitor's token, then none, from a signed-in session */
    r = request(w, "GET", "/", NULL, NULL, NULL);
    snprintf(other, sizeof other, "%s", w->csrf);
    ss_buf_free(&r.body);
    w->cookie[0] = '\0';
    sign_in(w);
    r = request(w, "POST", path, NULL, NULL, "decision", "release", "reason", "forged",
                "csrf", other, NULL);
    assert_int_equal(r.status, 403);
    ss_buf_free(&r.body);
    r = request(w, "POST", path, NULL, NULL, "decision", "release", "reason", "forged", NULL);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body.p, "Nothing was changed"));
    ss_buf_free(&r.body);
    assert_int_equal(state_of(w->f, w->ref), SS_QS_HELD);
    assert_int_equal(records_with(w->f, "\"event\":\"release\"", NULL), 0);
}

static void decision_is_made_and_recorded(void **state)
{
    world *w = *state;
    sign_in(w);
    char path[64];
    snprintf(path, sizeof path, "/message/%s", w->ref);
    ss_web_resp r = request(w, "GET", path, NULL, NULL, NULL);
    ss_buf_free(&r.body);
    r = request(w, "POST", path, NULL, NULL, "decision", "refuse", "reason", "  ",
                "csrf", w->csrf, NULL);
    assert_int_equal(r.status, 400);                       /* a reason is required */
    assert_non_null(strstr(r.body.p, "Give your reason"));
    assert_non_null(strstr(r.body.p, "aria-invalid=\"true\""));
    ss_buf_free(&r.body);
    assert_int_equal(state_of(w->f, w->ref), SS_QS_HELD);
    r = request(w, "POST", path, NULL, NULL, "decision", "refuse", "reason",
                "Not to a personal address", "note", "Use her nhs.net address",
                "csrf", w->csrf, NULL);
    assert_int_equal(r.status, 303);
    assert_string_equal(r.location, "/queue");
    ss_buf_free(&r.body);
    assert_int_equal(state_of(w->f, w->ref), SS_QS_REFUSED);
    assert_int_equal(records_with(w->f, "\"event\":\"refuse\"", w->ref,
                                  "\"reviewer\":\"Ms Amara Patel\"", "\"source\":\"web\"",
                                  "\"reason\":\"Not to a personal address\"",
                                  "\"note\":\"Use her nhs.net address\"", NULL), 1);
    r = request(w, "GET", "/queue", NULL, NULL, NULL);
    assert_non_null(strstr(r.body.p, "was refused: it will not be sent"));
    assert_non_null(strstr(r.body.p, "Nothing is waiting"));
    ss_buf_free(&r.body);
}

static void token(world *w, ss_link_kind kind, time_t expires, char out[SS_LINK_MAX])
{
    unsigned char key[32];
    assert_int_equal(ss_link_key(w->f->st->cfg->release_key, w->f->st->cfg->release_key_len,
                                 key), 0);
    assert_int_equal(ss_link_make(key, kind, w->ref, expires, out), 0);
}

static void notice_link_still_needs_sign_in(void **state)
{
    world *w = *state;
    char t[SS_LINK_MAX], path[64];
    token(w, SS_LINK_DSL, time(NULL) + 600, t);
    snprintf(path, sizeof path, "/review/%s", w->ref);
    ss_web_resp r = request(w, "GET", path, t, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.p, "action=\"/login\""));
    assert_non_null(strstr(r.body.p, "name=\"next\" value=\"/review/"));
    assert_null(strstr(r.body.p, "Child protection"));
    ss_buf_free(&r.body);
    r = request(w, "GET", path, "v1.99999999999.00000000000000000000000000000000", NULL, NULL);
    assert_int_equal(r.status, 410);
    ss_buf_free(&r.body);
    token(w, SS_LINK_DSL, time(NULL) - 1, t);
    r = request(w, "GET", path, t, NULL, NULL);
    assert_int_equal(r.status, 410);                       /* expired */
    ss_buf_free(&r.body);
    token(w, SS_LINK_DSL, time(NULL) + 600, t);
    sign_in(w);
    r = request(w, "GET", path, t, NULL, NULL);
    assert_int_equal(r.status, 303);
    assert_true(!strncmp(r.location, "/message/", 9));
    ss_buf_free(&r.body);
}

static void sender_says_why_through_their_link(void **state)
{
    world *w = *state;
    char t[SS_LINK_MAX], dsl[SS_LINK_MAX], path[64];
    token(w, SS_LINK_SENDER, time(NULL) + 600, t);
    token(w, SS_LINK_DSL, time(NULL) + 600, dsl);
    snprintf(path, sizeof path, "/sender/%s", w->ref);
    ss_web_resp r = request(w, "GET", path, dsl, NULL, NULL);
    assert_int_equal(r.status, 410);                       /* the DSL's link is not theirs */
    ss_buf_free(&r.body);
    r = request(w, "GET", path, t, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.p, "an NHS number in the message body"));
    assert_null(strstr(r.body.p, "Child protection conference"));   /* never the content */
    ss_buf_free(&r.body);
    r = request(w, "POST", path, NULL, NULL, "t", t, "purpose", "Court tomorrow",
                "urgency", "urgent", NULL);
    assert_int_equal(r.status, 403);                       /* no form token */
    ss_buf_free(&r.body);
    r = request(w, "POST", path, NULL, NULL, "t", t, "purpose", "Court tomorrow, NHS 943 476 5919",
                "urgency", "urgent", "csrf", w->csrf, NULL);
    assert_int_equal(r.status, 303);
    ss_buf_free(&r.body);
    assert_int_equal(records_with(w->f, "\"event\":\"purpose\"",
                                  "\"purpose\":\"Court tomorrow, NHS [NHS number]\"",
                                  "\"urgency\":\"urgent\"", NULL), 1);
    r = request(w, "GET", path, t, NULL, NULL);
    assert_non_null(strstr(r.body.p, "Thank you."));
    ss_buf_free(&r.body);
}

static void proxy_sign_in_and_removed_reviewer(void **state)
{
    world *w = *state;
    ss_web_resp r = request(w, "GET", "/queue", NULL, "nobody", NULL);
    assert_int_equal(r.status, 303);                       /* not a reviewer */
    ss_buf_free(&r.body);
    r = request(w, "GET", "/queue", NULL, "tom", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.p, "Mr Tom Jones"));
    ss_buf_free(&r.body);
    char err[256];
    assert_int_equal(ss_reviewers_remove(w->f->st->cfg->review_users, "tom", err, sizeof err), 0);
    r = request(w, "GET", "/queue", NULL, NULL, NULL);
    assert_int_equal(r.status, 303);                       /* removed: signed out at once */
    ss_buf_free(&r.body);
}

/* A GET with a query (?next=, ?from=, ?to=), as the browser sends it. */
static ss_web_resp get(world *w, const char *path, const char *next, const char *from,
                       const char *to)
{
    ss_web_req rq = { .method = "GET", .path = path, .next = next, .from = from, .to = to,
                      .cookie = w->cookie, .client = "192.0.2.7" };
    return answer(w, &rq);
}

static void report_needs_sign_in(void **state)
{
    world *w = *state;
    ss_web_resp r = get(w, "/report", NULL, NULL, NULL);
    assert_int_equal(r.status, 303);
    assert_string_equal(r.location, "/?next=/report");
    assert_null(strstr(r.body.p, "Audit report"));
    ss_buf_free(&r.body);
    r = get(w, "/", "/report", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.p, "action=\"/login\""));
    assert_non_null(strstr(r.body.p, "name=\"next\" value=\"/report\""));
    assert_null(strstr(r.body.p, "Audit report"));
    ss_buf_free(&r.body);
    r = request(w, "POST", "/login", NULL, NULL, "name", "amara", "password", PASSWORD,
                "next", "/report", "csrf", w->csrf, NULL);
    assert_int_equal(r.status, 303);
    assert_string_equal(r.location, "/report");            /* back to the report */
    ss_buf_free(&r.body);
}

static void report_shows_figures_only(void **state)
{
    world *w = *state;
    sign_in(w);
    ss_web_resp r = request(w, "GET", "/queue", NULL, NULL, NULL);
    assert_non_null(strstr(r.body.p, "<a href=\"/report\">Report</a>"));   /* in the header */
    ss_buf_free(&r.body);
    r = get(w, "/report", NULL, NULL, NULL);               /* the last 30 days: the held one */
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.p, "<h1>Audit report</h1>"));
    assert_non_null(strstr(r.body.p, "<b>1</b><span>messages checked</span>"));
    assert_non_null(strstr(r.body.p, "<b>1</b><span>held for the DSL</span>"));
    assert_non_null(strstr(r.body.p, "<svg"));
    assert_non_null(strstr(r.body.p, "child data to an insecure address"));
    assert_non_null(strstr(r.body.p, "gmail.com"));
    assert_non_null(strstr(r.body.p, "href=\"/queue\""));
    assert_null(strstr(r.body.p, w->ref));
    assert_null(strstr(r.body.p, "943 476 5919"));
    assert_null(strstr(r.body.p, "9434765919"));
    assert_null(strstr(r.body.p, "<script"));
    /* its own policy: the report's inline style, and still no script */
    assert_non_null(r.csp);
    assert_non_null(strstr(r.csp, "default-src 'none'"));
    assert_non_null(strstr(r.csp, "style-src 'unsafe-inline'"));
    assert_null(strstr(r.csp, "script"));
    ss_buf_free(&r.body);
    r = get(w, "/report", NULL, "2020-01-01", "2020-01-31");   /* a period before it */
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.p, "2020-01-01 to 2020-01-31"));
    assert_non_null(strstr(r.body.p, "<b>0</b><span>held for the DSL</span>"));
    assert_non_null(strstr(r.body.p, "name=\"from\" value=\"2020-01-01\""));
    ss_buf_free(&r.body);
}

static void report_bad_dates_are_refused(void **state)
{
    world *w = *state;
    sign_in(w);
    static const char *const bad[][2] = {
        { "2026-02-30", NULL }, { "2026-05-02", "2026-05-01" }, { "<script>x</script>", NULL },
        { NULL, "yesterday" }, { "2026-05-01T00:00", "2026-05-02" }, { "-001-01-01", NULL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ss_web_resp r = get(w, "/report", NULL, bad[i][0], bad[i][1]);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body.p, "Those dates are not a period"));
        assert_null(strstr(r.body.p, "<script>"));         /* not echoed */
        assert_null(r.csp);                                /* the pages' own policy */
        ss_buf_free(&r.body);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(front_page_is_sign_in), T(sign_in_needs_token_and_password),
        T(too_many_attempts_are_refused), T(held_mail_needs_sign_in),
        T(look_is_recorded_and_shows_no_identifier), T(forged_post_changes_nothing),
        T(decision_is_made_and_recorded), T(notice_link_still_needs_sign_in),
        T(sender_says_why_through_their_link), T(proxy_sign_in_and_removed_reviewer),
        T(report_needs_sign_in), T(report_shows_figures_only), T(report_bad_dates_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
