/* What a request to safeshare-review means: who is asking (a session, a
 * reviewer signed in with a password or through the proxy's single
 * sign-on), which page, and the rules every page keeps: a form is taken
 * only with its session's CSRF token, held mail is shown only to a
 * signed-in reviewer, sign-in attempts are limited. */
#include "web_ctx.h"
#include "base/log.h"
#include "certs/reviewers.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Which password (or sso) an account has now: a new one ends the
 * sessions of the old. */
static void fingerprint(const ss_reviewer *r, char out[24])
{
    size_t n = strlen(r->hash), k = n > 16 ? 16 : n;
    memcpy(out, r->hash + n - k, k);
    out[k] = '\0';
}

/* Who this visitor is: the proxy's word (from a trusted proxy, for a
 * listed reviewer), or their session's sign-in while its account and
 * password are unchanged. */
static void identify(ss_web_ctx *x)
{
    ss_reviewers rv;
    char err[512], fp[24];
    if (ss_reviewers_load(x->st->cfg->review_users, &rv, err, sizeof err) != 0) {
        ss_log(SS_LOG_ERR, "%s", err);
        memset(&rv, 0, sizeof rv);
    }
    const ss_reviewer *sso = x->rq->proxy_user && x->st->cfg->review_proxy_header
                             ? ss_reviewers_find(&rv, x->rq->proxy_user) : NULL;
    if (sso && strcmp(x->s.user, sso->name) != 0) {
        fingerprint(sso, fp);
        ss_session_login(x->app->sessions, x->s.id, sso->name, sso->full, fp, x->now, &x->s);
        snprintf(x->rs->session, sizeof x->rs->session, "%s", x->s.id);
    }
    const ss_reviewer *r = x->s.user[0] ? ss_reviewers_find(&rv, x->s.user) : NULL;
    if (r)
        fingerprint(r, fp);
    if (x->s.user[0] && (!r || strcmp(fp, x->s.fp) != 0)) {
        ss_session_end(x->app->sessions, x->s.id);
        ss_session_get(x->app->sessions, NULL, x->now, &x->s);
        snprintf(x->rs->session, sizeof x->rs->session, "%s", x->s.id);
    }
    ss_reviewers_free(&rv);
}

/* Only a page of ours to go to after signing in: no other site. */
static const char *safe_next(const char *next)
{
    static const char *const allowed[] = { "/queue", "/message/", "/review/", "/report" };
    size_t n = next ? strlen(next) : 0;
    if (n == 0 || n > 300 || strspn(next, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789/._?=-") != n)
        return NULL;
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        if (!strncmp(next, allowed[i], strlen(allowed[i])))
            return next;
    return NULL;
}

static void login_page(ss_web_ctx *x, int status, const char *error)
{
    const char *next = safe_next(ss_web_field(x->rq, "next"));
    x->rs->status = status;
    ss_page_login(&x->rs->body, ss_web_page(x, "Sign in to review held messages"),
                  next ? next : safe_next(x->rq->next), error);
}

static void front(ss_web_ctx *x)
{
    const char *next = safe_next(x->rq->next);
    if (x->s.user[0])
        ss_web_redirect(x, next ? next : "/queue");
    else
        login_page(x, 200, NULL);
}

/* The keys a sign-in attempt counts against: its address and its name. */
static long must_wait(ss_web_ctx *x, char by_addr[96], char by_name[96], const char *name)
{
    snprintf(by_addr, 96, "address %s", x->rq->client);
    snprintf(by_name, 96, "name %.64s", name);
    long a = ss_ratelimit_wait(x->app->limit, by_addr, x->now);
    long b = ss_ratelimit_wait(x->app->limit, by_name, x->now);
    return a > b ? a : b;
}

static int password_ok(ss_web_ctx *x, const char *name, const char *password,
                       ss_reviewer *who)
{
    ss_reviewers rv;
    char err[512];
    int ok = 0;
    if (ss_reviewers_load(x->st->cfg->review_users, &rv, err, sizeof err) != 0)
        ss_log(SS_LOG_ERR, "%s", err);
    else if ((ok = ss_reviewers_verify(&rv, name, password)))
        *who = *ss_reviewers_find(&rv, name);
    ss_reviewers_free(&rv);
    return ok;
}

void ss_web_login(ss_web_ctx *x)
{
    if (!ss_web_csrf(x))
        return;
    const char *name = ss_web_field(x->rq, "name"), *pw = ss_web_field(x->rq, "password");
    char by_addr[96], by_name[96], msg[200];
    long wait = must_wait(x, by_addr, by_name, name ? name : "");
    if (wait > 0) {
        snprintf(msg, sizeof msg, "There have been too many attempts to sign in. Please wait "
                 "%ld minute%s and try again.", (wait + 59) / 60, wait > 60 ? "s" : "");
        login_page(x, 429, msg);
        return;
    }
    ss_reviewer r;
    if (!name || !pw || !password_ok(x, name, pw, &r)) {
        ss_ratelimit_fail(x->app->limit, by_addr, x->now);
        ss_ratelimit_fail(x->app->limit, by_name, x->now);
        ss_log(SS_LOG_WARNING, "sign-in as %.64s from %s failed", name ? name : "", x->rq->client);
        login_page(x, 401, "That name and password do not match an account.");
        return;
    }
    ss_ratelimit_clear(x->app->limit, by_addr);
    ss_ratelimit_clear(x->app->limit, by_name);
    char fp[24];
    fingerprint(&r, fp);
    ss_session_login(x->app->sessions, x->s.id, r.name, r.full, fp, x->now, &x->s);
    snprintf(x->rs->session, sizeof x->rs->session, "%s", x->s.id);
    ss_log(SS_LOG_NOTICE, "%s signed in from %s", r.name, x->rq->client);
    const char *next = safe_next(ss_web_field(x->rq, "next"));
    ss_web_redirect(x, next ? next : "/queue");
}

static void logout(ss_web_ctx *x)
{
    if (!ss_web_csrf(x))
        return;
    ss_session_end(x->app->sessions, x->s.id);
    x->rs->end_session = 1;
    ss_web_redirect(x, "/");
}

static void css(ss_web_ctx *x)
{
    x->rs->status = 200;
    x->rs->type = "text/css; charset=utf-8";
    ss_buf_adds(&x->rs->body, ss_review_css);
}

/* GET or POST to one of our pages. */
static void route(ss_web_ctx *x)
{
    const char *path = x->rq->path;
    int post = !strcmp(x->rq->method, "POST");
    char ref[32];
    if (!post && !strcmp(path, "/style.css"))
        css(x);
    else if (!strcmp(path, "/"))
        post ? ss_web_text(x, 405, "Not here", "Nothing can be sent to this page.", "/",
                           "Start again") : front(x);
    else if (post && !strcmp(path, "/login"))
        ss_web_login(x);
    else if (post && !strcmp(path, "/logout"))
        logout(x);
    else if (!post && !strcmp(path, "/queue"))
        ss_web_queue(x);
    else if (!post && !strcmp(path, "/report"))
        ss_web_report(x);
    else if (ss_web_ref(x, "/message/", ref))
        post ? ss_web_decide(x, ref) : ss_web_message(x, ref);
    else if (!post && ss_web_ref(x, "/review/", ref))
        ss_web_link(x, ref);
    else if (ss_web_ref(x, "/sender/", ref))
        post ? ss_web_sender_says(x, ref) : ss_web_sender(x, ref);
    else
        ss_web_text(x, 404, "Page not found", "There is no page at this address.",
                    x->s.user[0] ? "/queue" : "/", x->s.user[0] ? "All held messages"
                                                                : "Sign in");
}

void ss_web_handle(ss_web_app *app, const ss_web_req *rq, ss_web_resp *rs)
{
    ss_web_ctx x = { .app = app, .rq = rq, .rs = rs, .now = time(NULL) };
    rs->status = 200;
    rs->type = "text/html; charset=utf-8";
    x.st = ss_state_get();
    if (!x.st) {
        rs->status = 503;
        ss_buf_adds(&rs->body, "safeshare-review is starting or stopping.\n");
        rs->type = "text/plain; charset=utf-8";
        return;
    }
    if (!ss_session_get(app->sessions, rq->cookie, x.now, &x.s))
        snprintf(rs->session, sizeof rs->session, "%s", x.s.id);
    identify(&x);
    if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD") && strcmp(rq->method, "POST"))
        ss_web_text(&x, 405, "Not here", "This page does not take that kind of request.", "/",
                    "Start again");
    else
        route(&x);
    ss_state_put(x.st);
}
