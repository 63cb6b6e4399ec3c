#include "guidance.h"
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void line(ss_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Every line passes through here, so the limits hold whatever the inputs
 * (an attachment name or a register org can be long or hostile). */
static void line(ss_reply *r, const char *fmt, ...)
{
    if (r->n >= SS_REPLY_MAX_LINES)
        return;
    ss_buf b = SS_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ss_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char)b.p[i] < 0x20 || b.p[i] == 0x7f)
            b.p[i] = ' ';
    if (b.len > SS_REPLY_MAX_LINE) {
        /* cut on a UTF-8 character boundary and mark the cut */
        size_t cut = SS_REPLY_MAX_LINE - 3;
        while (cut > 0 && ((unsigned char)b.p[cut] & 0xC0) == 0x80)
            cut--;
        b.len = cut;
        b.p[cut] = '\0';
        ss_buf_adds(&b, "...");
    }
    r->lines = ss_xrealloc(r->lines, (r->n + 1) * sizeof *r->lines);
    r->lines[r->n++] = ss_buf_steal(&b);
}

/* What a practitioner is told was found: a named child says why it
 * counts, since a name alone is no reason to stop a message (§9.3). */
static const char *what_phrase(const ss_finding *g)
{
    if (g->type != SS_T_NAMED_CHILD)
        return ss_type_phrase(g->type);
    return g->flags & SS_F_KEYWORD ? "a child's name with safeguarding details"
                                   : "a child's name with details about the child";
}

/* "an NHS number in the message body" for each distinct (type, location),
 * identifiers first; context signals only as a supporting line. */
static void what_found(ss_reply *r, const ss_findings *f, const ss_extract *x)
{
    ss_buf seen = SS_BUF_INIT;
    int shown = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < f->n; i++) {
            const ss_finding *g = &f->v[i];
            if (ss_type_is_identifier(g->type) != (pass == 0))
                continue;
            const char *where = x && g->seg < x->nsegs ? x->segs[g->seg].location : "the message";
            char key[512];
            snprintf(key, sizeof key, "\n%d|%s\n", (int)g->type, where);
            if (seen.p && strstr(seen.p, key))
                continue;
            ss_buf_adds(&seen, key);
            if (shown++ == 6) {
                line(r, "  - and more (the full list is in the record for %s)", "the reference below");
                break;
            }
            line(r, "  - %s in %s", what_phrase(g), where);
        }
    }
    ss_buf_free(&seen);
}

static void who_insecure(ss_reply *r, const ss_party *p, size_t np)
{
    for (size_t i = 0; i < np; i++) {
        if (p[i].m.secure)
            continue;
        if (p[i].is_sender)
            line(r, "  - your own address %s: %s", p[i].address, p[i].m.why);
        else if (p[i].m.alt[0])
            line(r, "  - %s: %s (their secure address is at %s)", p[i].address, p[i].m.why, p[i].m.alt);
        else
            line(r, "  - %s: %s", p[i].address, p[i].m.why);
    }
}

/* "LEAD Ms Patel (Designated Safeguarding Lead): contact", or the name
 * alone and END when there is no contact. */
static void ask_dsl(ss_reply *r, const ss_config *c, const char *lead, const char *end)
{
    if (c->dsl_contact)
        line(r, "%s %s (Designated Safeguarding Lead): %s", lead, c->dsl_name, c->dsl_contact);
    else
        line(r, "%s %s%s", lead, c->dsl_name, end);
}

static void what_to_do(ss_reply *r, const ss_config *c, int sender_insecure)
{
    line(r, "What to do instead:");
    if (sender_insecure)
        line(r, "  - send it from your organisation's secure email account");
    line(r, "  - send it to the recipient's secure email address (for example an nhs.net, council or police.uk address)");
    if (c->portal_url)
        line(r, "  - or share it through the secure portal: %s", c->portal_url);
    ask_dsl(r, c, "  - if you are unsure, ask", "");
    line(r, "Please do not delay: sharing to keep a child safe is the right thing to do, and this only asks you to share it securely.");
}

static void insecure_reply(ss_reply *r, const ss_config *c, const ss_verdict *v,
                           const ss_findings *f, const ss_extract *x,
                           const ss_party *p, size_t np)
{
    int sender_insecure = np > 0 && p[0].is_sender && !p[0].m.secure;
    if (v->why & SS_WHY_CHILD_DATA)
        line(r, "Your message has not been sent. It contains information that identifies a child, and it was going to an address that is not secure.");
    else
        line(r, "Your message has not been sent. It contains a number that looks like a personal identifier (we cannot tell whose), and it was going to an address that is not secure.");
    line(r, "What we found (we never repeat the information itself):");
    what_found(r, f, x);
    line(r, "Not secure:");
    who_insecure(r, p, np);
    what_to_do(r, c, sender_insecure);
}

static void unscannable_reply(ss_reply *r, const ss_config *c, const ss_verdict *v,
                              const ss_extract *x, const ss_party *p, size_t np)
{
    if (v->why & SS_WHY_OVERSIZE)
        line(r, "Your message has not been sent. It is too large for us to check for information about children, and it was going to an address that is not secure.");
    else
        line(r, "Your message has not been sent. Part of it could not be checked for information about children, and it was going to an address that is not secure.");
    for (size_t i = 0; x && i < x->nskipped; i++)
        if (x->skipped[i].unreadable)
            line(r, "  - could not check %s: %s", x->skipped[i].location, x->skipped[i].why);
    line(r, "Not secure:");
    who_insecure(r, p, np);
    what_to_do(r, c, np > 0 && p[0].is_sender && !p[0].m.secure);
}

/* The register is out of date: nobody can be confirmed secure. The sender
 * did nothing wrong and must not be told an address of theirs is the
 * problem; they are told what is wrong, whom to tell, and the safe ways
 * that do not depend on the register. */
static void stale_reply(ss_reply *r, const ss_config *c, const ss_verdict *v)
{
    const char *what = v->why & SS_WHY_CHILD_DATA ? "information that identifies a child"
                     : v->why & SS_WHY_UNCERTAIN ? "a number that looks like a personal identifier"
                     : "something we could not check for information about children";
    line(r, "Your message has not been sent yet. It contains %s, and just now safeshare cannot confirm that any address is secure, because its list of secure email addresses (the secure-domain register) is out of date.", what);
    line(r, "This is not something you did wrong, and there is nothing to change in your message.");
    if (c->admin_address)
        line(r, "Please tell your IT team (%s) that the secure-domain register is out of date, and quote the reference below.", c->admin_address);
    else
        line(r, "Please tell your IT team that the secure-domain register is out of date, and quote the reference below.");
    if (v->action == SS_ACT_TEMPFAIL)
        line(r, "Your email program will try again by itself; it will go once the register is up to date.");
    if (c->portal_url)
        line(r, "If it cannot wait, share it through the secure portal: %s", c->portal_url);
    ask_dsl(r, c, "If you are unsure what to do, ask", ".");
}

/* RequirePurpose: a secure share of child data that does not say why.
 * Nothing is wrong with where it is going; the sender only has to add a
 * few words, and is shown exactly how. */
static void purpose_reply(ss_reply *r, const ss_config *c, const ss_findings *f,
                          const ss_extract *x)
{
    line(r, "Your message has not been sent yet. It contains information that identifies a child, and it is going to a secure address, which is right.");
    line(r, "Before it goes, please say why you are sharing it: the purpose is kept with the record of this share.");
    line(r, "Add it to the subject in square brackets, for example:");
    line(r, "  [share: section 47 enquiry]");
    line(r, "  [share: referral to early help]");
    line(r, "and send the message again.%s", c->remove_purpose_tag
         ? " The recipient will not see the brackets: they are taken out of the subject before it is delivered." : "");
    line(r, "What we found (we never repeat the information itself):");
    what_found(r, f, x);
    ask_dsl(r, c, "If you are unsure what to write, ask", ".");
}

void ss_reply_build(const ss_config *c, const ss_verdict *v, const ss_findings *f,
                    const ss_extract *x, const ss_party *p, size_t np, ss_reply *r)
{
    r->lines = NULL;
    r->n = 0;
    if (v->action == SS_ACT_ACCEPT)
        return;
    if (v->action == SS_ACT_TEMPFAIL && !(v->why & SS_WHY_INSECURE)) {
        line(r, "We could not check your message just now, so it has not been sent yet.");
        line(r, "Your email program will try again; if this keeps happening, tell your IT team and quote %s.", v->reference);
        return;
    }
    if (v->why & SS_WHY_NO_PURPOSE)
        purpose_reply(r, c, f, x);
    else if (v->why & SS_WHY_STALE)
        stale_reply(r, c, v);
    else if (v->why & (SS_WHY_CHILD_DATA | SS_WHY_UNCERTAIN))
        insecure_reply(r, c, v, f, x, p, np);
    else
        unscannable_reply(r, c, v, x, p, np);
    if (v->action == SS_ACT_TEMPFAIL && !(v->why & SS_WHY_STALE))
        line(r, "It is being held back for now rather than refused; change how you send it as above.");
    /* The reference goes last, and always fits: trim to make room. */
    if (r->n >= SS_REPLY_MAX_LINES) {
        free(r->lines[--r->n]);
    }
    line(r, "Reference: %s (quote this if you ask about this message).", v->reference);
}

void ss_reply_free(ss_reply *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->lines[i]);
    free(r->lines);
    r->lines = NULL;
    r->n = 0;
}

const char *ss_reply_rcode(ss_action a)
{
    return a == SS_ACT_REJECT ? "550" : "451";
}

const char *ss_reply_xcode(ss_action a)
{
    return a == SS_ACT_REJECT ? "5.7.1" : "4.7.1";
}

char *ss_reply_escape(const char *s, char *out, size_t n)
{
    size_t j = 0;
    for (; *s && j + 2 < n; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '%') {
            out[j++] = '%';
            out[j++] = '%';
        } else {
            out[j++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
        }
    }
    out[j] = '\0';
    return out;
}
