/* Event records (audit.h): one line per thing that happened to a message
 * after its decision, in the field names safeshare-audit(5) lists. */
#include "audit.h"
#include "base/buf.h"

static void member(ss_buf *b, const char *k, const char *v)
{
    if (!v)
        return;
    ss_buf_printf(b, ",\"%s\":", k);
    ss_buf_json_quoted(b, v);
}

char *ss_audit_event_record(const ss_audit_event *e)
{
    char now[32];
    ss_audit_now(now);
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "{\"time\":\"%s\"", now);
    member(&b, "source", e->source);
    member(&b, "event", e->event);
    member(&b, "reference", e->reference);
    member(&b, "reviewer", e->reviewer);
    member(&b, "reason", e->reason);
    member(&b, "purpose", e->purpose);
    member(&b, "detail", e->detail);
    member(&b, "login", e->login);
    member(&b, "note", e->note);
    member(&b, "urgency", e->urgency);
    member(&b, "sender", e->sender);
    ss_buf_addc(&b, '}');
    return ss_buf_steal(&b);
}
