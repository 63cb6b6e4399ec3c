/* The queue: every held message, the ones whose sender says they are
 * urgent first, then the oldest; each with how long it has waited
 * (overdue past RemindAfter), who sent it, each insecure recipient and
 * why, what was found and where (never a value), and what the sender says. */
#include "web.h"
#include "held/purpose.h"

#include <string.h>

static void tags(ss_buf *out, const ss_held_item *it, const char *limit)
{
    if (!(it->e.urgency && !strcmp(it->e.urgency, "urgent")) && !it->overdue)
        return;
    ss_buf_adds(out, "<p>");
    if (it->e.urgency && !strcmp(it->e.urgency, "urgent"))
        ss_buf_adds(out, "<strong class=\"tag urgent\">Sender says urgent</strong>");
    if (it->overdue)
        ss_html_printf(out, "<strong class=\"tag overdue\">Overdue: waiting longer than %s"
                       "</strong>", limit);
    ss_buf_adds(out, "</p>\n");
}

static void recipients(ss_buf *out, const ss_held_item *it)
{
    ss_buf_adds(out, "<dt>To, and not secure</dt>\n<dd><ul>\n");
    for (size_t i = 0; i < it->e.nrecipients; i++) {
        ss_html_printf(out, "<li>%s: %s", it->e.recipients[i], it->why[i].why);
        if (it->why[i].alt[0])
            ss_html_printf(out, " (its secure address is at %s)", it->why[i].alt);
        ss_buf_adds(out, "</li>\n");
    }
    ss_buf_adds(out, "</ul></dd>\n");
}

static void item(ss_buf *out, const ss_held_item *it, const char *limit)
{
    const ss_qentry *e = &it->e;
    ss_buf waited = SS_BUF_INIT;
    ss_held_waited(it->age, &waited);
    ss_html_printf(out, "<li class=\"item%s%s\">\n<h2><a href=\"/message/%s\">%s</a></h2>\n",
                   e->urgency && !strcmp(e->urgency, "urgent") ? " urgent" : "",
                   it->overdue ? " overdue" : "", e->reference, e->reference);
    tags(out, it, limit);
    ss_html_printf(out, "<dl>\n<dt>Waiting</dt>\n<dd>%s</dd>\n<dt>From</dt>\n<dd>%s</dd>\n",
                   waited.p, e->sender[0] ? e->sender : "(no sender address)");
    recipients(out, it);
    ss_html_printf(out, "<dt>What was found</dt>\n<dd>%s</dd>\n", e->summary);
    if (e->purpose)
        ss_html_printf(out, "<dt>Sender says</dt>\n<dd><strong>%s.</strong>"
                       "<p class=\"says\">%s</p></dd>\n",
                       ss_held_urgency_phrase(e->urgency), e->purpose);
    ss_buf_adds(out, "</dl>\n</li>\n");
    ss_buf_free(&waited);
}

void ss_page_queue(ss_buf *out, const ss_page *p, const ss_config *c, const ss_held_queue *q,
                   size_t unreadable)
{
    ss_buf limit = SS_BUF_INIT;
    ss_held_waited((long)c->remind_after, &limit);
    ss_html_start(out, p);
    if (q->n == 0)
        ss_buf_adds(out, "<p class=\"lede\">Nothing is waiting for review.</p>\n");
    else
        ss_html_printf(out, "<p class=\"lede\">%zu %s waiting. Those whose sender says they "
                       "are urgent come first, then the oldest.</p>\n"
                       "<p>Nothing here shows an identifier: what was found is named by kind "
                       "and place. Open a message to read it and decide.</p>\n",
                       q->n, q->n == 1 ? "message is" : "messages are");
    if (unreadable)
        ss_html_printf(out, "<div class=\"errors\" role=\"alert\"><p>%zu held %s could not "
                       "be read and %s not listed. Ask whoever looks after the mail server to "
                       "check the quarantine store.</p></div>\n", unreadable,
                       unreadable == 1 ? "message" : "messages", unreadable == 1 ? "is" : "are");
    if (q->n) {
        ss_buf_adds(out, "<ol class=\"queue\">\n");
        for (size_t i = 0; i < q->n; i++)
            item(out, &q->v[i], limit.p);
        ss_buf_adds(out, "</ol>\n");
    }
    ss_html_end(out);
    ss_buf_free(&limit);
}
