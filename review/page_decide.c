/* The decision on a held message: send it on or stop it, a reason that is
 * required (kept on record, and the sender sees it), an optional note to
 * the sender. */
#include "web.h"
#include "held/act.h"

#include <string.h>

static const char *error_for(const ss_decide_form *f, const char *field)
{
    return f && f->error && f->error_field && !strcmp(f->error_field, field) ? f->error : NULL;
}

void ss_page_decide_form(ss_buf *out, const ss_page *p, const char *ref,
                         const ss_decide_form *f)
{
    ss_buf_adds(out, "<h2 id=\"decide\">Your decision</h2>\n");
    if (f && f->error)
        ss_page_error_summary(out, f->error_field ? f->error_field : "decision", f->error);
    ss_html_printf(out, "<form method=\"post\" action=\"/message/%s\" class=\"decide\">\n", ref);
    ss_widget d = { "decision", "What should happen to it?",
                    "Either way the sender is told, with your reason.",
                    error_for(f, "decision"), 1 };
    ss_page_fieldset(out, &d);
    ss_page_radio(out, "decision", "release", "Send it on as it is (release)",
                  f ? f->decision : NULL, 1);
    ss_page_radio(out, "decision", "refuse", "Stop it: it will not be sent (refuse)",
                  f ? f->decision : NULL, 1);
    ss_buf_adds(out, "</fieldset>\n");
    ss_widget r = { "reason", "Your reason", "Required. It is kept on record with your name, "
                    "and the sender sees it.", error_for(f, "reason"), 1 };
    ss_page_textarea(out, &r, f ? f->reason : NULL, SS_HELD_REASON_MAX);
    ss_widget n = { "note", "A note to the sender (optional)", "For example, the recipient's "
                    "secure address to use next time.", NULL, 0 };
    ss_page_textarea(out, &n, f ? f->note : NULL, SS_HELD_REASON_MAX);
    ss_html_csrf(out, p);
    ss_buf_adds(out, "<button type=\"submit\">Record my decision</button>\n</form>\n");
}
