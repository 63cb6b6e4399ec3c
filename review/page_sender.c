/* The sender's page about their one held message, reached through the
 * signed link in their "being checked" notice, without signing in. It
 * says what the notice says (where it was going, what was found, never
 * the message itself) and, while the message is held, lets the sender say
 * why it needs to go and how urgent it is. */
#include "web.h"
#include "held/purpose.h"
#include "notify/notify.h"

#include <string.h>

static const char *outcome(ss_qstate s)
{
    switch (s) {
    case SS_QS_HELD: return "has not gone yet: it is waiting to be checked.";
    case SS_QS_RELEASED:
    case SS_QS_DELIVERED: return "has been checked and sent on.";
    case SS_QS_REFUSED: return "was checked and not sent. You have been emailed why.";
    default: return "";
    }
}

static void about(ss_buf *out, const ss_config *c, const ss_qentry *e)
{
    char when[64];
    ss_notify_when(e->received, when, sizeof when);
    ss_buf to = SS_BUF_INIT, found = SS_BUF_INIT;
    for (size_t i = 0; i < e->nrecipients; i++)
        ss_buf_printf(&to, "%s%s", i ? ", " : "", e->recipients[i]);
    ss_notify_plain_found(e->summary, &found);
    ss_html_printf(out, "<p class=\"lede\">Your message to %s (sent %s) %s</p>\n"
                   "<h2>Why it is being checked</h2>\n<p>It was going to an address that is "
                   "not on the list of secure addresses, and it may hold information about a "
                   "child. What we noticed: %s.</p>\n<p>This page never shows your message "
                   "itself.</p>\n", to.p, when, outcome(e->state), found.p);
    if (e->state == SS_QS_HELD)
        ss_html_printf(out, "<p>%s will look at it as soon as they can. You do not need to "
                       "send it again.</p>\n", c->dsl_name);
    ss_buf_free(&to);
    ss_buf_free(&found);
}

static const char *error_for(const ss_sender_form *f, const char *field)
{
    return f && f->error && f->error_field && !strcmp(f->error_field, field) ? f->error : NULL;
}

static void say_form(ss_buf *out, const ss_page *p, const ss_config *c, const ss_qentry *e,
                     const char *token, const ss_sender_form *f)
{
    ss_html_printf(out, "<h2 id=\"say\">Tell %s why it needs to go</h2>\n", c->dsl_name);
    if (e->purpose)
        ss_html_printf(out, "<p>You said (%s):</p>\n<p class=\"says\">%s</p>\n<p>You can "
                       "change it here.</p>\n", ss_held_urgency_phrase(e->urgency), e->purpose);
    if (f && f->error)
        ss_page_error_summary(out, f->error_field ? f->error_field : "purpose", f->error);
    ss_html_printf(out, "<form method=\"post\" action=\"/sender/%s\" class=\"say\">\n",
                   e->reference);
    ss_widget w = { "purpose", "Why does it need to be shared?", "For example, who needs it "
                    "and what for. There is no need to repeat the child's details.",
                    error_for(f, "purpose"), 1 };
    ss_page_textarea(out, &w, f ? f->purpose : NULL, SS_HELD_PURPOSE_MAX);
    ss_widget u = { "urgency", "How urgent is it?", "Urgent ones are looked at first.",
                    error_for(f, "urgency"), 1 };
    ss_page_fieldset(out, &u);
    const char *chosen = f && f->urgency ? f->urgency : e->urgency;
    ss_page_radio(out, "urgency", "urgent", "Urgent: a child may be at risk", chosen, 1);
    ss_page_radio(out, "urgency", "soon", "Soon: in the next day or two", chosen, 1);
    ss_page_radio(out, "urgency", "routine", "Not urgent", chosen, 1);
    ss_buf_adds(out, "</fieldset>\n");
    ss_html_printf(out, "<input type=\"hidden\" name=\"t\" value=\"%s\">\n", token);
    ss_html_csrf(out, p);
    ss_html_printf(out, "<button type=\"submit\">Send this to %s</button>\n</form>\n",
                   c->dsl_name);
}

static void at_risk(ss_buf *out, const ss_config *c)
{
    ss_html_printf(out, "<h2>If a child may be at risk</h2>\n<p>Please do not wait for this "
                   "check: talk to %s now", c->dsl_name);
    if (c->dsl_contact)
        ss_html_printf(out, " (%s)", c->dsl_contact);
    ss_buf_adds(out, ", or send the information to the recipient's secure email address");
    if (c->portal_url)
        ss_html_printf(out, " or through the secure portal, <a href=\"%s\">%s</a>",
                       c->portal_url, c->portal_url);
    ss_buf_adds(out, ".</p>\n");
}

void ss_page_sender(ss_buf *out, const ss_page *p, const ss_config *c, const ss_qentry *e,
                    const char *token, const ss_sender_form *f)
{
    ss_html_start(out, p);
    about(out, c, e);
    at_risk(out, c);
    if (e->state == SS_QS_HELD)
        say_form(out, p, c, e, token, f);
    ss_html_printf(out, "<p>Your reference is <strong>%s</strong>. Please quote it if you ask "
                   "about this message.</p>\n", e->reference);
    ss_html_end(out);
}
