/* The audit report for a period (safesharectl audit report; also for the
 * DSL's web page to serve): what was shared, with whom and on what basis;
 * what was refused or held, why and from where; what was found; how long
 * held mail waited for its review. Figures only: no identifier, no name,
 * no subject. Built from the trail in one walk, then printed as text,
 * JSON or one self-contained HTML page. */
#ifndef SS_REVIEW_REPORT_H
#define SS_REVIEW_REPORT_H

#include <stddef.h>
#include <glib.h>

/* Counts by a key, two columns (e.g. refused, held). */
typedef struct {
    GHashTable *h;             /* key (owned) -> long[2] */
} ss_tally;

typedef struct {
    const char *key;
    long n[2];
} ss_tally_row;

typedef struct {
    char from[11], to[11];     /* the period, local days, YYYY-MM-DD */
    gint64 start, end;         /* [start, end) Unix seconds */
    gint64 now;                /* when it was made: what "still waiting" is measured to */
    long overdue_hours;        /* held longer than this without a review is overdue */
    size_t files, records;     /* what was read */
    long messages;             /* decisions in the period */
    long accepted, refused, held, tempfailed;
    long shares;               /* accepted, identifying a child */
    long shares_with_purpose;
    ss_tally by_org;           /* "org\tbasis" -> {shares} */
    ss_tally by_reason;        /* rule -> {refused, held} */
    ss_tally by_sender;        /* sender domain -> {refused, held} */
    ss_tally types;            /* identifier type -> {messages, findings} */
    ss_tally insecure;         /* insecure recipient domain -> {messages refused or held} */
    /* review of mail held in the period */
    long reviewed, reviewed_late, waiting, waiting_overdue;
    gint64 median, longest;    /* seconds; -1 when nothing was reviewed */
    long waits[5];             /* reviewed within 1 h, 1-4 h, 4-24 h, later; waiting */
    GHashTable *held_at;       /* reference -> gint64 time held */
    GHashTable *reviewed_at;   /* reference -> gint64 first review (any time) */
} ss_report;

/* Today, or days_back days before it, as local YYYY-MM-DD. */
void ss_report_local_date(int days_back, char out[11]);
/* Whether from..to is a period: two dates as YYYY-MM-DD, the first not
 * after the second. */
int ss_report_period_ok(const char *from, const char *to);

/* Read files (oldest first) for the period from..to (local days,
 * inclusive). 0, or -1 (printed). Free with ss_report_free. */
int ss_report_build(char *const *files, size_t n, const char *from, const char *to,
                    long overdue_hours, ss_report *r);
void ss_report_free(ss_report *r);

/* A tally's rows, largest first (by column 0, then 1, then key); free
 * the array with g_free. */
ss_tally_row *ss_tally_rows(const ss_tally *t, size_t *n);

/* "no purpose stated" for "RequirePurpose": a rule in a few words. */
const char *ss_report_reason(const char *rule);
/* "2d 3h", "1h 20m", "5m", "40s" into out. */
void ss_report_duration(gint64 secs, char out[32]);

void ss_report_text(const ss_report *r, GString *out);
void ss_report_json(const ss_report *r, GString *out);
/* One HTML page, no external assets: styles inline, charts as inline SVG. */
void ss_report_html(const ss_report *r, GString *out);
/* The same with nav, trusted markup (links, a form to choose the period),
 * at the top of the page: how safeshare-review serves it. */
void ss_report_html_nav(const ss_report *r, const char *nav, GString *out);

#endif
