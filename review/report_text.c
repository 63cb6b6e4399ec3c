/* The audit report as plain text, for a terminal or an email. */
#include "report.h"
#include "audit_out.h"
#include "base/types.h"
#include "engine/mask.h"

#include <string.h>

#define TOP 10   /* rows per table; the JSON has them all */

static void clean(GString *out, const char *s, int width)
{
    ss_buf b = SS_BUF_INIT;
    ss_out_clean(&b, s);
    ss_buf_adds(&b, "");
    glong n = g_utf8_strlen(b.p, -1);
    g_string_append(out, b.p);
    for (glong i = n; i < width; i++)
        g_string_append_c(out, ' ');
    ss_buf_free(&b);
}

static void count_line(GString *out, const char *what, long n, const char *more)
{
    g_string_append_printf(out, "  %-34s %6ld%s\n", what, n, more ? more : "");
}

/* A table: title, one or two numbers a row, at most TOP rows and a line
 * for the rest. label(key) gives the words for a key. */
static void table(GString *out, const char *title, const char *cols, const ss_tally *t,
                  int two, const char *(*label)(const char *))
{
    size_t n;
    ss_tally_row *rows = ss_tally_rows(t, &n);
    g_string_append_printf(out, "\n%s\n", title);
    if (!n)
        g_string_append(out, "  none\n");
    else if (cols)
        g_string_append_printf(out, "  %-52s %s\n", "", cols);
    for (size_t i = 0; i < n && i < TOP; i++) {
        g_string_append(out, "  ");
        clean(out, label ? label(rows[i].key) : rows[i].key, 52);
        g_string_append_printf(out, two ? " %7ld %7ld\n" : " %7ld\n", rows[i].n[0], rows[i].n[1]);
    }
    if (n > TOP)
        g_string_append_printf(out, "  ... and %zu more (--json has them all)\n", n - TOP);
    g_free(rows);
}

static const char *org_basis(const char *key)
{
    static char buf[512];
    const char *tab = strchr(key, '\t');
    snprintf(buf, sizeof buf, "%.*s (%s)", tab ? (int)(tab - key) : (int)strlen(key), key,
             tab ? tab + 1 : "?");
    return buf;
}

static const char *type_label(const char *name)
{
    ss_type t;
    return ss_type_parse(name, &t) == 0 ? ss_mask_label(t) : name;
}

static const char *reason(const char *rule)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s", ss_report_reason(rule));
    return buf;
}

static void reviews(GString *out, const ss_report *r)
{
    char med[32], longest[32];
    g_string_append_printf(out, "\nReview of held mail (overdue after %ld hours)\n",
                           r->overdue_hours);
    if (r->reviewed) {
        ss_report_duration(r->median, med);
        ss_report_duration(r->longest, longest);
        g_string_append_printf(out, "  reviewed %ld: median wait %s, longest %s\n", r->reviewed,
                               med, longest);
    } else {
        g_string_append(out, "  none reviewed\n");
    }
    count_line(out, "reviewed after it was overdue", r->reviewed_late, NULL);
    count_line(out, "still waiting", r->waiting, NULL);
    count_line(out, "still waiting, overdue", r->waiting_overdue, NULL);
}

void ss_report_text(const ss_report *r, GString *out)
{
    g_string_append_printf(out, "safeshare audit report, %s to %s (local time)\n", r->from, r->to);
    g_string_append_printf(out, "from %zu record%s in %zu file%s\n\n", r->records,
                           r->records == 1 ? "" : "s", r->files, r->files == 1 ? "" : "s");
    count_line(out, "Messages checked", r->messages, NULL);
    char more[64];
    snprintf(more, sizeof more, "   (a purpose stated for %ld)", r->shares_with_purpose);
    count_line(out, "Shares of child data", r->shares, more);
    count_line(out, "Refused", r->refused, NULL);
    count_line(out, "Held for the DSL", r->held, NULL);
    count_line(out, "Not checked (tried again later)", r->tempfailed, NULL);
    table(out, "Shares by recipient organisation (basis)", NULL, &r->by_org, 0, org_basis);
    table(out, "Refused and held, by reason", "refused    held", &r->by_reason, 1, reason);
    table(out, "Refused and held, by sender domain", "refused    held", &r->by_sender, 1, NULL);
    table(out, "Identifier types found", "messages findings", &r->types, 1, type_label);
    table(out, "Top insecure destinations (messages refused or held)", NULL, &r->insecure, 0,
          NULL);
    reviews(out, r);
}
