/* The audit report as one HTML page a DSL would rather look at than read:
 * headline figures, then a bar chart for each table, drawn as inline SVG,
 * with the figures beneath for a screen reader. No script, no external
 * asset, so it can be mailed, archived or served as it is. Every string
 * from the trail or the register is escaped. */
#include "report.h"
#include "base/types.h"
#include "engine/mask.h"

#include <stdio.h>
#include <string.h>

#define TOP 10
#define W 720            /* the chart's width in SVG units */
#define LABEL 350        /* the label column */
#define CUT 42           /* characters of a label that fit in it */
#define BAR (W - LABEL - 70)
#define ROW 30

static const char *const STYLE =
    ":root{--ink:#1d2433;--muted:#586174;--line:#dde2ea;--bg:#f4f6f9;--card:#fff}"
    "body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
    "color:var(--ink);background:var(--bg)}"
    "main{max-width:980px;margin:0 auto;padding:28px 24px}"
    "h1{font-size:27px;margin:0 0 4px}.sub{color:var(--muted);margin:0 0 22px}"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(165px,1fr));gap:12px;"
    "margin:0 0 18px}"
    ".tile{background:var(--card);border:1px solid var(--line);border-radius:10px;"
    "padding:14px 16px;border-top:5px solid var(--c)}"
    ".tile b{display:block;font-size:30px;line-height:1.15}.tile span{color:var(--muted);"
    "font-size:14px}"
    "section{background:var(--card);border:1px solid var(--line);border-radius:10px;"
    "padding:16px 20px;margin:0 0 16px}"
    "h2{font-size:19px;margin:0 0 4px}p.note{color:var(--muted);margin:0 0 10px;font-size:14px}"
    "svg{display:block;max-width:100%;height:auto}.none{color:var(--muted)}"
    ".legend{font-size:14px;margin:0 0 6px}.legend i{display:inline-block;width:12px;"
    "height:12px;border-radius:2px;margin:0 6px 0 14px;vertical-align:-1px}"
    "details{margin-top:6px;font-size:14px}summary{color:var(--muted);cursor:pointer}"
    "table{border-collapse:collapse}th,td{padding:2px 14px 2px 0;text-align:left}"
    "td.n{text-align:right}footer{color:var(--muted);font-size:13px;margin-top:18px}"
    "nav{margin:0 0 18px}nav form{margin-top:8px}nav label{margin-right:12px}"
    "nav input,nav button{font:inherit}";

static const char *const GREEN = "#1b7f5f", *const RED = "#b3261e", *const AMBER = "#b36200",
                         *const BLUE = "#2f5fa7", *const PURPLE = "#6b3fa0";

static void esc(GString *o, const char *s)
{
    gchar *e = g_markup_escape_text(s ? s : "", -1);
    g_string_append(o, e);
    g_free(e);
}

/* What a row is called: "NHSmail (nhsmail)", "NHS number", a domain, a
 * reason in words. */
static char *label_of(const char *kind, const char *key)
{
    const char *tab = strchr(key, '\t');
    ss_type t;
    if (!strcmp(kind, "org") && tab)
        return g_strdup_printf("%.*s (%s)", (int)(tab - key), key, tab + 1);
    if (!strcmp(kind, "type") && ss_type_parse(key, &t) == 0)
        return g_strdup(ss_mask_label(t));
    if (!strcmp(kind, "reason"))
        return g_strdup(ss_report_reason(key));
    return g_strdup(key);
}

static void tile(GString *o, const char *colour, const char *figure, const char *what)
{
    g_string_append_printf(o, "<div class=\"tile\" style=\"--c:%s\"><b>", colour);
    esc(o, figure);
    g_string_append(o, "</b><span>");
    esc(o, what);
    g_string_append(o, "</span></div>");
}

/* One bar row: the label cut to fit, one or two stacked segments, the total. */
static void bar_row(GString *o, int y, const char *label, const long n[2], int two, long max,
                    const char *const colour[2])
{
    int long_label = g_utf8_strlen(label, -1) > CUT;
    gchar *cut = long_label ? g_strdup_printf("%.*s\xe2\x80\xa6",
        (int)(g_utf8_offset_to_pointer(label, CUT - 1) - label), label) : g_strdup(label);
    g_string_append_printf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL - 10,
                           y + 15);
    esc(o, cut);
    if (long_label) {   /* the whole label when the pointer rests on it */
        g_string_append(o, "<title>");
        esc(o, label);
        g_string_append(o, "</title>");
    }
    g_string_append(o, "</text>");
    int x = LABEL;
    for (int s = 0; s < (two ? 2 : 1); s++) {
        int w = max ? (int)((double)n[s] * BAR / (double)max + 0.5) : 0;
        if (w > 0)
            g_string_append_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" "
                                   "rx=\"3\" fill=\"%s\"/>", x, y, w, colour[s]);
        x += w;
    }
    g_string_append_printf(o, "<text x=\"%d\" y=\"%d\" fill=\"#1d2433\">%ld</text>", x + 8,
                           y + 15, n[0] + (two ? n[1] : 0));
    g_free(cut);
}

static void figures(GString *o, ss_tally_row *rows, size_t n, const char *kind, int two,
                    const char *c0, const char *c1)
{
    g_string_append(o, "<details><summary>The figures</summary><table><tr><th></th>");
    g_string_append_printf(o, "<th>%s</th>%s%s%s</tr>", c0, two ? "<th>" : "", two ? c1 : "",
                           two ? "</th>" : "");
    for (size_t i = 0; i < n; i++) {
        char *l = label_of(kind, rows[i].key);
        g_string_append(o, "<tr><td>");
        esc(o, l);
        g_string_append_printf(o, "</td><td class=\"n\">%ld</td>", rows[i].n[0]);
        if (two)
            g_string_append_printf(o, "<td class=\"n\">%ld</td>", rows[i].n[1]);
        g_string_append(o, "</tr>");
        g_free(l);
    }
    g_string_append(o, "</table></details>");
}

typedef struct {
    const char *title, *note, *kind;
    int two;
    const char *colour[2], *col[2];
} chart;

/* A section: heading, note, legend, the bars (the first TOP rows), the
 * figures. */
static void section_rows(GString *o, const chart *c, ss_tally_row *rows, size_t n)
{
    g_string_append(o, "<section><h2>");
    esc(o, c->title);
    g_string_append(o, "</h2><p class=\"note\">");
    esc(o, c->note);
    g_string_append(o, "</p>");
    if (!n) {
        g_string_append(o, "<p class=\"none\">None in this period.</p></section>");
        return;
    }
    if (c->two)
        g_string_append_printf(o, "<p class=\"legend\"><i style=\"background:%s\"></i>%s"
                               "<i style=\"background:%s\"></i>%s</p>", c->colour[0],
                               c->col[0], c->colour[1], c->col[1]);
    size_t shown = n < TOP ? n : TOP;
    long max = 1;
    for (size_t i = 0; i < shown; i++)
        max = MAX(max, rows[i].n[0] + (c->two ? rows[i].n[1] : 0));
    g_string_append_printf(o, "<svg viewBox=\"0 0 %d %zu\" role=\"img\" aria-label=\"", W,
                           shown * ROW + 6);
    esc(o, c->title);
    g_string_append(o, "\" font-size=\"14\" fill=\"#1d2433\">");
    for (size_t i = 0; i < shown; i++) {
        char *l = label_of(c->kind, rows[i].key);
        bar_row(o, (int)(i * ROW) + 4, l, rows[i].n, c->two, max, c->colour);
        g_free(l);
    }
    g_string_append(o, "</svg>");
    figures(o, rows, n, c->kind, c->two, c->col[0], c->col[1]);
    g_string_append(o, "</section>");
}

/* The same for a tally, largest first. */
static void section(GString *o, const chart *c, const ss_tally *t)
{
    size_t n;
    ss_tally_row *rows = ss_tally_rows(t, &n);
    section_rows(o, c, rows, n);
    g_free(rows);
}

/* The wait for a DSL's review, in buckets, in order. */
static void waits(GString *o, const ss_report *r)
{
    static const char *const names[5] = { "under an hour", "1 to 4 hours", "4 to 24 hours",
                                          "more than a day", "still waiting" };
    ss_tally_row rows[5];
    size_t n = 0;
    for (int i = 0; i < 5; i++)
        if (r->waits[i])
            rows[n++] = (ss_tally_row){ names[i], { r->waits[i], 0 } };
    char note[240], med[32], lng[32];
    ss_report_duration(r->median, med);
    ss_report_duration(r->longest, lng);
    int used = r->reviewed ? snprintf(note, sizeof note, "Median wait %s, longest %s. ", med, lng)
                           : snprintf(note, sizeof note, "None reviewed yet. ");
    /* "still waiting" is also a bar: say how many of those are overdue, so
     * the two figures are not read as one that disagrees with itself */
    snprintf(note + used, sizeof note - (size_t)used, "Overdue after %ld hours: %ld reviewed "
             "late; %ld of the %ld still waiting are overdue.", r->overdue_hours,
             r->reviewed_late, r->waiting_overdue, r->waiting);
    chart c = { "How long held mail waited for the DSL", note, "wait", 0, { AMBER, AMBER },
                { "messages", "" } };
    section_rows(o, &c, rows, n);
}

static void tiles(GString *o, const ss_report *r)
{
    char a[32], b[32], c[32], d[32], e[32], shares[96];
    snprintf(a, sizeof a, "%ld", r->messages);
    snprintf(b, sizeof b, "%ld", r->shares);
    snprintf(c, sizeof c, "%ld", r->refused);
    snprintf(d, sizeof d, "%ld", r->held);
    if (r->reviewed)
        ss_report_duration(r->median, e);
    else
        snprintf(e, sizeof e, "none yet");
    snprintf(shares, sizeof shares, "shares of child data (a purpose given for %ld)",
             r->shares_with_purpose);
    g_string_append(o, "<div class=\"tiles\">");
    tile(o, "#586174", a, "messages checked");
    tile(o, GREEN, b, shares);
    tile(o, RED, c, "refused");
    tile(o, AMBER, d, "held for the DSL");
    tile(o, BLUE, e, "median wait for a review");
    g_string_append(o, "</div>");
}

void ss_report_html(const ss_report *r, GString *o)
{
    ss_report_html_nav(r, NULL, o);
}

void ss_report_html_nav(const ss_report *r, const char *nav, GString *o)
{
    static const chart org = { "Shares of child data, by organisation",
        "Each share, counted once for each recipient organisation, with the basis the "
        "secure-domain register gives for it; a recipient not on the register, sent to "
        "because the DSL released the message, is shown by its domain.", "org", 0, { GREEN, GREEN },
        { "shares", "" } };
    static const chart why = { "Refused and held, by reason", "What stopped each message.",
        "reason", 1, { RED, AMBER }, { "refused", "held" } };
    static const chart from = { "Refused and held, by sender domain",
        "Where the messages that were stopped came from.", "domain", 1, { RED, AMBER },
        { "refused", "held" } };
    static const chart types = { "What was found", "Messages in which each kind of "
        "identifier was found (never the identifier itself).", "type", 0, { BLUE, BLUE },
        { "messages", "" } };
    static const chart dest = { "Top insecure destinations",
        "Domains that are not secure, that messages refused or held were going to.",
        "domain", 0, { PURPLE, PURPLE }, { "messages", "" } };
    g_string_append(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                       "<title>Audit report ");
    esc(o, r->from);
    g_string_append(o, " to ");
    esc(o, r->to);
    g_string_append_printf(o, " - safeshare</title><style>%s</style></head><body><main>"
                              "<h1>Audit report</h1><p class=\"sub\">", STYLE);
    esc(o, r->from);
    g_string_append(o, " to ");
    esc(o, r->to);
    g_string_append_printf(o, " (local time) &middot; from %zu records in %zu file%s</p>",
                           r->records, r->files, r->files == 1 ? "" : "s");
    if (nav)
        g_string_append(o, nav);
    tiles(o, r);
    section(o, &org, &r->by_org);
    section(o, &why, &r->by_reason);
    section(o, &from, &r->by_sender);
    section(o, &types, &r->types);
    section(o, &dest, &r->insecure);
    waits(o, r);
    g_string_append(o, "<footer>Figures only: no identifier, name or subject is in this "
                       "report. Made by safeshare from the audit trail; check the trail "
                       "with safesharectl audit verify.</footer>"
                       "</main></body></html>\n");
}
