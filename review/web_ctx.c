/* The steps every handler of safeshare-review takes (web_ctx.h): the page
 * frame, redirects and short pages, messages for the next page, and the
 * two checks every page of held mail makes, a signed-in reviewer and, on
 * a form, this session's CSRF token. */
#include "web_ctx.h"
#include "base/log.h"

#include <stdio.h>
#include <string.h>

const char *ss_web_field(const ss_web_req *rq, const char *name)
{
    for (size_t i = 0; i < rq->nform; i++)
        if (!strcmp(rq->form[i].name, name))
            return rq->form[i].value;
    return NULL;
}

const ss_page *ss_web_page(ss_web_ctx *x, const char *title)
{
    int error = 0;
    x->page = (ss_page){ .title = title, .site = x->st->cfg->site_name, .csrf = x->s.csrf,
                         .user = x->s.user[0] ? x->s.full : NULL };
    if (ss_session_take_flash(x->app->sessions, x->s.id, x->flash, sizeof x->flash, &error)) {
        x->page.flash = x->flash;
        x->page.flash_is_error = error;
    }
    return &x->page;
}

void ss_web_redirect(ss_web_ctx *x, const char *to)
{
    x->rs->status = 303;
    snprintf(x->rs->location, sizeof x->rs->location, "%s", to);
}

void ss_web_text(ss_web_ctx *x, int status, const char *title, const char *text,
                 const char *href, const char *link_text)
{
    x->rs->status = status;
    ss_page_text(&x->rs->body, ss_web_page(x, title), text, href, link_text);
}

void ss_web_flash(ss_web_ctx *x, const char *text, int error)
{
    ss_session_flash(x->app->sessions, x->s.id, text, error);
}

int ss_web_csrf(ss_web_ctx *x)
{
    if (ss_csrf_ok(&x->s, ss_web_field(x->rq, "csrf")))
        return 1;
    ss_log(SS_LOG_WARNING, "a %s to %s from %s without this session's form token: refused",
           x->rq->method, x->rq->path, x->rq->client);
    ss_web_text(x, 403, "That form was not accepted", "It did not come from this page, or the "
                "page was open for too long. Nothing was changed. Please open the page "
                "again and try once more.", "/", "Start again");
    return 0;
}

int ss_web_signed_in(ss_web_ctx *x)
{
    if (x->s.user[0])
        return 1;
    if (strcmp(x->rq->method, "POST") == 0) {
        ss_web_text(x, 403, "Please sign in", "You are not signed in, so nothing was changed.",
                    "/", "Sign in");
        return 0;
    }
    char to[512];
    snprintf(to, sizeof to, "/?next=%s", x->rq->path);
    ss_web_redirect(x, to);
    return 0;
}

void ss_web_who(const ss_web_ctx *x, ss_held_who *who)
{
    who->reviewer = x->s.full[0] ? x->s.full : x->s.user;
    who->login = x->s.user;
    who->source = "web";
}

const char *ss_web_ref(const ss_web_ctx *x, const char *prefix, char out[32])
{
    const char *p = x->rq->path + strlen(prefix);
    if (strncmp(x->rq->path, prefix, strlen(prefix)) || strlen(p) >= 32)
        return NULL;
    snprintf(out, 32, "%s", p);
    return ss_reference_ok(out) ? out : NULL;
}

