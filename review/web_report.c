/* The audit report on the review page (issue 19): the page
 * `safesharectl audit report --html` writes (report.h), made the same way
 * from AuditLog and its rotated copies, for a signed-in reviewer. Figures
 * and organisations only: no identifier, name, subject or reference. */
#include "web_ctx.h"
#include "audit/trail.h"
#include "base/log.h"
#include "report.h"

#include <string.h>

/* The report keeps its style inline (so the page written to a file stands
 * alone): this page may use inline style, and nothing else: no script, no
 * image, no frame. */
static const char REPORT_CSP[] = "default-src 'none'; style-src 'unsafe-inline'; "
                                 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/* Back to the held messages, and a form for another period. */
static void nav(ss_buf *out, const ss_report *r)
{
    ss_html_printf(out, "<nav aria-label=\"Report\"><a href=\"/queue\">All held messages</a>"
                   "<form method=\"get\" action=\"/report\">"
                   "<label>From <input type=\"date\" name=\"from\" value=\"%s\" required>"
                   "</label><label>to <input type=\"date\" name=\"to\" value=\"%s\" required>"
                   "</label><button type=\"submit\">Show this period</button></form></nav>",
                   r->from, r->to);
}

/* When held mail counts as overdue: RemindAfter, in whole hours. */
static long overdue_hours(const ss_config *c)
{
    long h = (long)((c->remind_after + 3599) / 3600);
    return h > 0 ? h : 1;
}

static void page(ss_web_ctx *x, const ss_report *r)
{
    ss_buf n = SS_BUF_INIT;
    nav(&n, r);
    GString *g = g_string_new(NULL);
    ss_report_html_nav(r, n.p, g);
    ss_buf_add(&x->rs->body, g->str, g->len);
    g_string_free(g, TRUE);
    ss_buf_free(&n);
    x->rs->csp = REPORT_CSP;
}

void ss_web_report(ss_web_ctx *x)
{
    if (!ss_web_signed_in(x))
        return;
    char today[11], month_ago[11], err[1024];
    ss_report_local_date(0, today);
    ss_report_local_date(30, month_ago);
    const char *from = x->rq->from && *x->rq->from ? x->rq->from : month_ago;
    const char *to = x->rq->to && *x->rq->to ? x->rq->to : today;
    if (!ss_report_period_ok(from, to)) {
        ss_web_text(x, 400, "Those dates are not a period", "Please give two dates as "
                    "YYYY-MM-DD, the first not after the second.", "/report",
                    "The report for the last 30 days");
        return;
    }
    char **files = NULL;
    long n = ss_trail_files(x->st->cfg->audit_log, &files, err, sizeof err);
    ss_report r = { 0 };
    if (n < 0 || ss_report_build(files, (size_t)n, from, to, overdue_hours(x->st->cfg),
                                 &r) != 0) {
        ss_log(SS_LOG_ERR, "audit report for %s: %s", x->s.user,
               n < 0 ? err : "the audit trail could not be read (see above)");
        ss_web_text(x, 500, "The report could not be made", "The audit trail could not be "
                    "read. Your mail administrator can see why in the log.", "/queue",
                    "All held messages");
    } else {
        ss_log(SS_LOG_INFO, "%s opened the audit report for %s to %s", x->s.user, from, to);
        page(x, &r);
    }
    ss_report_free(&r);
    if (n >= 0)
        ss_trail_free(files, (size_t)n);
}
