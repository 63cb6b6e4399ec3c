/* The reviewer's pages: the queue, one held message (a look at child
 * data, recorded by policy/held before it is shown), the decision on it
 * (policy/held's release and refuse, the calls safesharectl makes), and
 * the signed link from the DSL's notice, which still asks for sign-in. */
#include "web_ctx.h"
#include "base/log.h"
#include "certs/link.h"
#include "held/act.h"
#include "held/queue.h"
#include "held/view.h"

#include <stdio.h>
#include <string.h>

void ss_web_queue(ss_web_ctx *x)
{
    if (!ss_web_signed_in(x))
        return;
    ss_held_queue q;
    char err[512] = "";
    ss_qerr r = ss_held_queue_load(x->st->cfg, x->st->reg, x->now, &q, err, sizeof err);
    if (r != SS_Q_OK && !q.unreadable) {
        ss_log(SS_LOG_ERR, "queue: %s", err);
        ss_web_text(x, 500, "The queue cannot be read", "The store of held messages cannot be "
                    "read just now. Please tell whoever looks after the mail server.", NULL, NULL);
    } else {
        ss_page_queue(&x->rs->body, ss_web_page(x, "Messages waiting for your review"),
                      x->st->cfg, &q, q.unreadable);
    }
    ss_held_queue_free(&q);
}

/* The message page, with what was typed into its form when that needs
 * putting right. Each showing is a recorded look. */
static void show(ss_web_ctx *x, const char *ref, const ss_decide_form *f, int status)
{
    ss_held_who who;
    ss_web_who(x, &who);
    ss_held_view v;
    char err[1024] = "", title[64];
    ss_qerr q = ss_held_view_open(x->st->cfg, x->st->reg, x->st->audit, ref, &who, &v, err,
                                  sizeof err);
    if (q == SS_Q_UNKNOWN_REF) {
        ss_web_text(x, 404, "No such message", "There is no held message with that reference.",
                    "/queue", "All held messages");
        return;
    }
    if (q != SS_Q_OK) {
        ss_log(SS_LOG_ERR, "%s", err);
        ss_web_text(x, 503, "This message cannot be shown just now", q == SS_Q_WRITE_FAILED
                    ? "Looking at it could not be recorded, and nothing is shown without a "
                      "record. Please tell whoever looks after the mail server."
                    : "It could not be read from the store. Please tell whoever looks after "
                      "the mail server.", "/queue", "All held messages");
        return;
    }
    x->rs->status = status;
    snprintf(title, sizeof title, "Message %s", ref);
    ss_page_message(&x->rs->body, ss_web_page(x, title), &v, f);
    ss_held_view_free(&v);
}

void ss_web_message(ss_web_ctx *x, const char *ref)
{
    if (ss_web_signed_in(x))
        show(x, ref, NULL, 200);
}

/* What the reviewer is told once the decision is made. */
static void outcome(ss_web_ctx *x, const char *ref, int release, const ss_held_result *r)
{
    char msg[1200];
    int n = snprintf(msg, sizeof msg, release ? "%s was released and sent on." :
                     "%s was refused: it will not be sent.", ref);
    if (r->told == 0)
        snprintf(msg + n, sizeof msg - (size_t)n, " %s has been told, with your reason.",
                 r->sender);
    else if (r->told < 0)
        snprintf(msg + n, sizeof msg - (size_t)n, " The sender could not be told: %s", r->warn);
    else
        snprintf(msg + n, sizeof msg - (size_t)n, " The sender was not told: notices are not "
                 "set up on this server.");
    ss_web_flash(x, msg, r->told < 0);
    ss_log(SS_LOG_NOTICE, "%s %s by %s", ref, release ? "released" : "refused", x->s.user);
    ss_web_redirect(x, "/queue");
}

static void decide_failed(ss_web_ctx *x, const char *ref, int release,
                          const ss_held_result *r)
{
    char msg[1400], to[64];
    if (release && r->decided)
        snprintf(msg, sizeof msg, "%s An administrator can send it again with: safesharectl "
                 "quarantine release %s --resend", r->err, ref);
    else
        snprintf(msg, sizeof msg, "Nothing was changed: %s", r->err);
    ss_web_flash(x, msg, 1);
    ss_log(SS_LOG_WARNING, "%s: decision by %s: %s", ref, x->s.user, r->err);
    snprintf(to, sizeof to, "/message/%s", ref);
    ss_web_redirect(x, to);
}

static int blank(const char *s)
{
    return !s || s[strspn(s, " \t\r\n")] == '\0';
}

void ss_web_decide(ss_web_ctx *x, const char *ref)
{
    if (!ss_web_signed_in(x) || !ss_web_csrf(x))
        return;
    ss_decide_form f = { ss_web_field(x->rq, "decision"), ss_web_field(x->rq, "reason"),
                         ss_web_field(x->rq, "note"), NULL, NULL };
    int release = f.decision && !strcmp(f.decision, "release");
    if (!release && !(f.decision && !strcmp(f.decision, "refuse"))) {
        f.error = "Choose whether to send it on or to stop it.";
        f.error_field = "decision";
    } else if (blank(f.reason)) {
        f.error = "Give your reason: it is kept on record, and the sender sees it.";
        f.error_field = "reason";
    }
    if (f.error) {
        show(x, ref, &f, 400);
        return;
    }
    ss_held_who who;
    ss_web_who(x, &who);
    ss_held_result r;
    int rc = release ? ss_held_release(x->st->cfg, x->st->audit, ref, &who, f.reason, f.note, &r)
                     : ss_held_refuse(x->st->cfg, x->st->audit, ref, &who, f.reason, f.note, &r);
    if (rc == 0)
        outcome(x, ref, release, &r);
    else
        decide_failed(x, ref, release, &r);
}

/* The link in the DSL's notice: signed for this message, not expired; it
 * opens the message page once the reviewer is signed in. */
void ss_web_link(ss_web_ctx *x, const char *ref)
{
    unsigned char key[32];
    char to[96];
    if (ss_link_key(x->st->cfg->release_key, x->st->cfg->release_key_len, key) != 0
        || ss_link_check(key, SS_LINK_DSL, ref, x->rq->t, x->now) != SS_LINK_OK) {
        ss_web_text(x, 410, "This link has expired", "The link from the notice has expired or "
                    "is not complete. You can still find the message in the queue once you "
                    "have signed in.", x->s.user[0] ? "/queue" : "/",
                    x->s.user[0] ? "All held messages" : "Sign in");
        return;
    }
    snprintf(to, sizeof to, "/message/%s", ref);
    if (x->s.user[0]) {
        ss_web_redirect(x, to);
        return;
    }
    char next[200];
    snprintf(next, sizeof next, "/review/%s?t=%s", ref, x->rq->t);
    ss_page_login(&x->rs->body, ss_web_page(x, "Sign in to read the held message"), next, NULL);
}
