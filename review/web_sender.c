/* The sender's page about their one held message: opened by the signed
 * link in their "being checked" notice (no sign-in; the link is the key,
 * for that message only, until it expires). They may say why it needs to
 * go and how urgent it is; policy/held keeps it with the message and
 * records it as the purpose of the share. */
#include "web_ctx.h"
#include "base/log.h"
#include "certs/link.h"
#include "held/act.h"
#include "held/purpose.h"

#include <stdio.h>
#include <string.h>

/* The link's token is good for this message's sender page. */
static int link_ok(ss_web_ctx *x, const char *ref, const char *token)
{
    unsigned char key[32];
    if (ss_link_key(x->st->cfg->release_key, x->st->cfg->release_key_len, key) == 0
        && ss_link_check(key, SS_LINK_SENDER, ref, token, x->now) == SS_LINK_OK)
        return 1;
    ss_web_text(x, 410, "This link has expired", "The link in your email has expired or is "
                "not complete. If you still need to say something about your message, reply "
                "to that email or contact your Designated Safeguarding Lead, quoting your "
                "reference.", NULL, NULL);
    return 0;
}

static void page(ss_web_ctx *x, const char *ref, const char *token, const ss_sender_form *f,
                 int status)
{
    ss_qentry e;
    char err[512], title[64];
    ss_qerr q = ss_quarantine_get(x->st->cfg->quarantine_dir, ref, ss_held_key(x->st->cfg),
                                  x->st->cfg->quarantine_key_len, &e, NULL, err, sizeof err);
    if (q != SS_Q_OK) {
        ss_log(SS_LOG_ERR, "sender page: %s", err);
        ss_web_text(x, q == SS_Q_UNKNOWN_REF ? 404 : 503, "This message cannot be shown",
                    "There is nothing to show about it just now. Please contact your "
                    "Designated Safeguarding Lead, quoting your reference.", NULL, NULL);
        return;
    }
    x->rs->status = status;
    snprintf(title, sizeof title, "Your message %s", ref);
    ss_page_sender(&x->rs->body, ss_web_page(x, title), x->st->cfg, &e, token, f);
    ss_qentry_free(&e);
}

void ss_web_sender(ss_web_ctx *x, const char *ref)
{
    if (link_ok(x, ref, x->rq->t))
        page(x, ref, x->rq->t, NULL, 200);
}

void ss_web_sender_says(ss_web_ctx *x, const char *ref)
{
    const char *token = ss_web_field(x->rq, "t");
    if (!link_ok(x, ref, token) || !ss_web_csrf(x))
        return;
    ss_sender_form f = { ss_web_field(x->rq, "purpose"), ss_web_field(x->rq, "urgency"),
                         NULL, NULL };
    char err[1024], to[160];
    if (!f.purpose || !f.purpose[strspn(f.purpose, " \t\r\n")]) {
        f.error = "Say why it needs to be shared.";
        f.error_field = "purpose";
    } else if (ss_qurgency_ok(f.urgency) != 0) {
        f.error = "Choose how urgent it is.";
        f.error_field = "urgency";
    } else {
        ss_qerr q = ss_held_purpose(x->st->cfg, x->st->audit, ref, f.purpose, f.urgency, err,
                                    sizeof err);
        if (q == SS_Q_OK) {
            snprintf(err, sizeof err, "Thank you. %s can now see why it needs to go and how "
                     "urgent it is.", x->st->cfg->dsl_name);
            ss_web_flash(x, err, 0);
        } else {
            ss_log(SS_LOG_WARNING, "%s: purpose not kept: %s", ref, err);
            ss_web_flash(x, q == SS_Q_ALREADY_RELEASED || q == SS_Q_ALREADY_REFUSED
                         || q == SS_Q_ALREADY_DELIVERED ? "It has already been decided, so "
                         "what you wrote was not kept." : "What you wrote could not be kept "
                         "just now. Please try again in a minute.", 1);
        }
        snprintf(to, sizeof to, "/sender/%s?t=%s", ref, token);
        ss_web_redirect(x, to);
        return;
    }
    page(x, ref, token, &f, 400);
}
