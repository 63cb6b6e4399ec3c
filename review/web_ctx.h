/* What the request handlers of safeshare-review share (web_app.c,
 * web_held.c, web_sender.c): one request's context and the small steps
 * every handler takes. */
#ifndef SS_REVIEW_WEB_CTX_H
#define SS_REVIEW_WEB_CTX_H

#include <time.h>
#include "engine/state.h"
#include "held/record.h"
#include "web.h"

typedef struct {
    ss_web_app *app;
    const ss_web_req *rq;
    ss_web_resp *rs;
    ss_state *st;             /* config, register, audit trail, notices */
    ss_session s;             /* this visitor's session (a copy) */
    char flash[400];
    ss_page page;
    time_t now;
} ss_web_ctx;

/* The page frame for title: the session's token, who is signed in, and a
 * message left for this page. */
const ss_page *ss_web_page(ss_web_ctx *x, const char *title);

void ss_web_redirect(ss_web_ctx *x, const char *to);
/* A short page with a status: text and a link onwards. */
void ss_web_text(ss_web_ctx *x, int status, const char *title, const char *text,
                 const char *href, const char *link_text);
/* Leave a message for the next page of this session. */
void ss_web_flash(ss_web_ctx *x, const char *text, int error);

/* Whether a reviewer is signed in; when not, the visitor is sent to sign
 * in (GET) or refused (POST), and 0 is returned. */
int ss_web_signed_in(ss_web_ctx *x);
/* Whether a POST carries this session's CSRF token; when not, refused
 * (403) and 0 is returned. */
int ss_web_csrf(ss_web_ctx *x);
/* The reviewer, as policy/held records them. */
void ss_web_who(const ss_web_ctx *x, ss_held_who *who);
/* The reference a path names after prefix, checked; NULL when it names none. */
const char *ss_web_ref(const ss_web_ctx *x, const char *prefix, char out[32]);

/* The handlers. */
void ss_web_login(ss_web_ctx *x);
void ss_web_queue(ss_web_ctx *x);
void ss_web_message(ss_web_ctx *x, const char *ref);
void ss_web_decide(ss_web_ctx *x, const char *ref);
void ss_web_link(ss_web_ctx *x, const char *ref);
void ss_web_sender(ss_web_ctx *x, const char *ref);
void ss_web_sender_says(ss_web_ctx *x, const char *ref);
void ss_web_report(ss_web_ctx *x);

#endif
