/* safeshare-review: the Designated Safeguarding Lead's web page for held
 * mail (man safeshare-review(8)). libmicrohttpd does HTTP (web_mhd.c);
 * what a request means is decided here, over plain structs, so the pages
 * and the rules (sign-in, sessions, CSRF) can be tested without a socket.
 * Every decision is policy/held's, the same calls safesharectl makes. */
#ifndef SS_REVIEW_WEB_H
#define SS_REVIEW_WEB_H

#include <stddef.h>
#include <time.h>
#include "config/config.h"
#include "held/queue.h"
#include "held/view.h"
#include "html.h"
#include "ratelimit.h"
#include "session.h"

extern const char ss_review_css[];

/* One form field, as the browser sent it. */
typedef struct {
    char *name;
    char *value;
} ss_field;

typedef struct {
    const char *method;       /* "GET", "HEAD" or "POST" */
    const char *path;         /* without the query */
    const char *t;            /* ?t=, a signed link's token */
    const char *next;         /* ?next=, where to go after signing in */
    const char *from, *to;    /* ?from= ?to=, the report's period (YYYY-MM-DD) */
    const char *cookie;       /* the session cookie's value */
    const char *proxy_user;   /* ReviewProxyHeader, only from a trusted proxy */
    const char *client;       /* the client's address, for the sign-in limit */
    const ss_field *form;     /* POST fields */
    size_t nform;
} ss_web_req;

typedef struct {
    int status;
    const char *type;         /* Content-Type */
    const char *csp;          /* Content-Security-Policy, or NULL: the pages' own */
    ss_buf body;
    char location[512];       /* a redirect's target, or "" */
    char session[65];         /* a session id to set in the cookie, or "" */
    int end_session;          /* clear the cookie */
} ss_web_resp;

typedef struct {
    ss_sessions *sessions;
    ss_ratelimit *limit;
} ss_web_app;

/* The sign-in limit: so many failures per client address and per name
 * within the window, then nothing is checked until it has passed. */
#define SS_LOGIN_MAX_FAILURES 5
#define SS_LOGIN_WINDOW (15 * 60)

/* Answer one request (rs->body starts empty; the caller frees it). */
void ss_web_handle(ss_web_app *app, const ss_web_req *rq, ss_web_resp *rs);

/* A form field's value, or NULL. */
const char *ss_web_field(const ss_web_req *rq, const char *name);

/* ---- pages: from what they are given to HTML, nothing else ---- */

void ss_page_login(ss_buf *out, const ss_page *p, const char *next, const char *error);
/* A short page: text, and a link onwards (href NULL for none). */
void ss_page_text(ss_buf *out, const ss_page *p, const char *text, const char *href,
                  const char *link_text);
void ss_page_queue(ss_buf *out, const ss_page *p, const ss_config *c, const ss_held_queue *q,
                   size_t unreadable);

typedef struct {
    const char *decision;     /* "release", "refuse" or NULL */
    const char *reason;
    const char *note;
    const char *error;        /* what to put right, or NULL */
    const char *error_field;  /* "decision" or "reason": where the error is */
} ss_decide_form;

void ss_page_message(ss_buf *out, const ss_page *p, const ss_held_view *v,
                     const ss_decide_form *f);
/* The decision form of a held message (f: what was typed, and what to
 * put right; may be NULL). */
void ss_page_decide_form(ss_buf *out, const ss_page *p, const char *ref,
                         const ss_decide_form *f);
/* Form pieces (page_form.c). A radio group's fieldset names the group
 * with its id, legend (label) and hint; its error, when it has one. */
typedef struct {
    const char *id;
    const char *label;
    const char *hint;
    const char *error;        /* NULL when there is nothing to put right */
    int required;
} ss_widget;

void ss_page_textarea(ss_buf *out, const ss_widget *w, const char *value, int maxlength);
void ss_page_fieldset(ss_buf *out, const ss_widget *w);
void ss_page_radio(ss_buf *out, const char *name, const char *value, const char *label,
                   const char *chosen, int required);
void ss_page_field_error(ss_buf *out, const char *id, const char *error);
void ss_page_error_summary(ss_buf *out, const char *field, const char *error);

typedef struct {
    const char *purpose;
    const char *urgency;
    const char *error;
    const char *error_field;  /* "purpose" or "urgency" */
} ss_sender_form;

void ss_page_sender(ss_buf *out, const ss_page *p, const ss_config *c, const ss_qentry *e,
                    const char *token, const ss_sender_form *f);

/* Shared by the pages: "Tue 5 Nov 2024 at 14:02 (3 hours ago)". */
void ss_page_when(ss_buf *out, time_t t, time_t now);

#endif
