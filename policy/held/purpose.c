#include "purpose.h"
#include "act.h"
#include "mask.h"
#include "record.h"
#include "base/buf.h"

#include <stdio.h>
#include <string.h>

const char *ss_held_urgency_phrase(const char *urgency)
{
    if (!urgency)
        return "";
    if (!strcmp(urgency, "urgent"))
        return "Urgent: a child may be at risk";
    if (!strcmp(urgency, "soon"))
        return "Soon: in the next day or two";
    if (!strcmp(urgency, "routine"))
        return "Not urgent";
    return "";
}

/* Nothing but white space. */
static int empty(const char *s)
{
    return !s || s[strspn(s, " \t\r\n")] == '\0';
}

ss_qerr ss_held_purpose(const ss_config *c, ss_audit *a, const char *ref, const char *text,
                        const char *urgency, char *err, size_t errlen)
{
    if (empty(text) || strlen(text) > SS_HELD_PURPOSE_MAX || ss_qurgency_ok(urgency) != 0) {
        snprintf(err, errlen, "%s: say why it is needed (at most %d characters) and how "
                 "urgent it is", ref, SS_HELD_PURPOSE_MAX);
        return SS_Q_INVALID;
    }
    ss_buf m = SS_BUF_INIT;
    ss_held_mask_text(c, text, &m);
    ss_qerr q = ss_quarantine_set_purpose(c->quarantine_dir, ref, m.p, urgency, 0,
                                          ss_held_key(c), c->quarantine_key_len, err, errlen);
    ss_qentry e;
    if (q == SS_Q_OK)
        q = ss_quarantine_get(c->quarantine_dir, ref, ss_held_key(c), c->quarantine_key_len,
                              &e, NULL, err, errlen);
    if (q == SS_Q_OK) {
        ss_audit_event ev = { .event = "purpose", .reference = ref, .sender = e.sender,
                              .purpose = m.p, .urgency = urgency };
        char why[512];
        if (ss_held_record(c, a, NULL, ev, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s: kept, but not recorded on the audit trail: %s", ref, why);
            q = SS_Q_WRITE_FAILED;
        }
        ss_qentry_free(&e);
    }
    ss_buf_free(&m);
    return q;
}
