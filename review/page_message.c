/* One held message, as `safesharectl quarantine show` gives it, for a
 * signed-in reviewer: who it was going to and what the register says of
 * each, what the sender says, what was found where, the attachments, the
 * headers, every part's text with identifiers masked, the history, and
 * (while it is held) the decision form. Every value goes through the
 * escaper (html.h). */
#include "web.h"
#include "held/purpose.h"
#include "notify/notify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *state_words(ss_qstate s)
{
    switch (s) {
    case SS_QS_HELD: return "It has not been sent. It is waiting for a decision.";
    case SS_QS_RELEASED: return "It has been released and is on its way.";
    case SS_QS_REFUSED: return "It was refused and will not be sent.";
    case SS_QS_DELIVERED: return "It was released and has been delivered.";
    default: return "";
    }
}

static void recipients(ss_buf *out, const ss_held_view *v)
{
    ss_buf_adds(out, "<h2>Who it was going to</h2>\n<ul>\n");
    for (size_t i = 0; i < v->nrcpts; i++) {
        const ss_held_rcpt *r = &v->rcpts[i];
        ss_html_printf(out, "<li><strong>%s</strong>: <span class=\"%s\">%s</span>, %s.",
                       r->address, r->m.secure ? "secure" : "insecure",
                       r->m.secure ? "secure" : "not secure", r->m.why);
        if (r->m.alt[0])
            ss_html_printf(out, " The organisation's secure address is at <strong>%s</strong>.",
                           r->m.alt);
        if (r->insecure)
            ss_buf_adds(out, " The message was held because of this address.");
        ss_buf_adds(out, "</li>\n");
    }
    ss_buf_adds(out, "</ul>\n");
}

static void purpose(ss_buf *out, const ss_qentry *e)
{
    if (!e->purpose)
        return;
    char when[64];
    ss_notify_when(e->purpose_time, when, sizeof when);
    ss_html_printf(out, "<h2>What the sender says</h2>\n<p><strong>%s.</strong> Said on %s."
                   "</p>\n<p class=\"says\">%s</p>\n", ss_held_urgency_phrase(e->urgency),
                   when, e->purpose);
}

/* How many findings are the same as finding i (kind, confidence, place,
 * redacted form); 0 when an earlier one was, so it is said once. */
static size_t times(const ss_held_view *v, size_t i)
{
    const ss_held_finding *g = &v->found[i];
    size_t n = 0;
    for (size_t j = 0; j < v->nfound; j++) {
        const ss_held_finding *h = &v->found[j];
        int same = h->type == g->type && h->confidence == g->confidence
                   && !strcmp(h->location, g->location) && !strcmp(h->redacted, g->redacted);
        if (same && j < i)
            return 0;
        n += same;
    }
    return n;
}

static void found(ss_buf *out, const ss_held_view *v)
{
    ss_buf_adds(out, "<h2>What was found</h2>\n<ul>\n");
    for (size_t i = 0; i < v->nfound; i++) {
        size_t n = times(v, i);
        if (!n)
            continue;
        ss_html_printf(out, "<li>%s, %s confidence, in %s (recorded as %s)",
                       ss_type_phrase(v->found[i].type), ss_conf_name(v->found[i].confidence),
                       v->found[i].location, v->found[i].redacted);
        if (n > 1)
            ss_html_printf(out, ", %zu times", n);
        ss_buf_adds(out, "</li>\n");
    }
    for (size_t i = 0; i < v->nunread; i++)
        ss_html_printf(out, "<li>%s could not be read: %s</li>\n", v->unread[i].location,
                       v->unread[i].why);
    if (v->nfound + v->nunread == 0)
        ss_html_printf(out, "<li>%s</li>\n", v->e.summary);
    ss_buf_adds(out, "</ul>\n");
}

static void attachments(ss_buf *out, const ss_held_view *v)
{
    if (!v->nattach)
        return;
    ss_buf_adds(out, "<h2>Attachments</h2>\n<ul>\n");
    for (size_t i = 0; i < v->nattach; i++) {
        const ss_held_attach *a = &v->attach[i];
        ss_html_printf(out, "<li><strong>%s</strong> (%s, ", a->name, a->type);
        if (a->size == SIZE_MAX)
            ss_buf_adds(out, "size unknown)");
        else
            ss_html_printf(out, "%zu bytes)", a->size);
        ss_html_printf(out, ": %s</li>\n", a->found[0] ? a->found : "nothing found in it");
    }
    ss_buf_adds(out, "</ul>\n");
}

/* One part under its place as a heading: "The message body". */
static void part(ss_buf *out, const ss_held_part *p)
{
    char *heading = ss_xstrdup(p->location);
    if (heading[0] >= 'a' && heading[0] <= 'z')
        heading[0] = (char)(heading[0] - 'a' + 'A');
    ss_html_printf(out, "<h3>%s</h3>\n<div class=\"part\">%s</div>\n", heading, p->text);
    free(heading);
}

static void content(ss_buf *out, const ss_held_view *v)
{
    ss_buf_adds(out, "<h2>The message</h2>\n<p>Identifiers are replaced by their kind, "
                     "such as [NHS number].</p>\n<dl>\n");
    for (size_t i = 0; i < v->nheaders; i++)
        ss_html_printf(out, "<dt>%s</dt>\n<dd>%s</dd>\n", v->headers[i].name,
                       v->headers[i].value);
    ss_buf_adds(out, "</dl>\n");
    if (v->problem[0])
        ss_html_printf(out, "<p class=\"error-text\">%s</p>\n", v->problem);
    for (size_t i = 0; i < v->nparts; i++)
        if (!v->parts[i].listed)
            part(out, &v->parts[i]);
}

static void history(ss_buf *out, const ss_qentry *e)
{
    static const char *const said[SS_QS__COUNT] = { "Held", "Released", "Refused",
                                                    "Delivered" };
    ss_buf_adds(out, "<h2>What has happened to it</h2>\n<ol>\n");
    for (size_t i = 0; i < e->nhistory; i++) {
        const ss_qevent *ev = &e->history[i];
        char when[64];
        ss_notify_when(ev->time, when, sizeof when);
        ss_html_printf(out, "<li>%s on %s", said[ev->state % SS_QS__COUNT], when);
        if (ev->state == SS_QS_RELEASED || ev->state == SS_QS_REFUSED)
            ss_html_printf(out, " by %s. Reason: %s", ev->by, ev->reason);
        else if (ev->state == SS_QS_HELD)
            ss_html_printf(out, ", for %s", ev->reason);
        ss_buf_adds(out, ".</li>\n");
    }
    ss_buf_adds(out, "</ol>\n");
}

void ss_page_message(ss_buf *out, const ss_page *p, const ss_held_view *v,
                     const ss_decide_form *f)
{
    const ss_qentry *e = &v->e;
    char when[64];
    ss_notify_when(e->received, when, sizeof when);
    ss_html_start(out, p);
    ss_html_printf(out, "<p class=\"lede\">From <strong>%s</strong>, held on %s. %s</p>\n",
                   e->sender[0] ? e->sender : "(no sender address)", when, state_words(e->state));
    if (e->state == SS_QS_HELD)
        ss_buf_adds(out, "<p><a href=\"#decide\">Go to your decision</a></p>\n");
    recipients(out, v);
    purpose(out, e);
    found(out, v);
    attachments(out, v);
    content(out, v);
    history(out, e);
    if (e->state == SS_QS_HELD)
        ss_page_decide_form(out, p, e->reference, f);
    ss_html_end(out);
}
