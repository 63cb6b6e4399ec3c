/* HTML for safeshare-review: one escaping function for every value a page
 * shows, and the frame every page shares. A value from a held message,
 * an envelope, the register or a person's typing only ever reaches a page
 * through ss_html_esc, directly or as a %s of ss_html_printf, so no
 * subject, file name or address can become markup: & < > " ' are
 * written as entities, invalid UTF-8 as U+FFFD, and control characters
 * other than line feed and tab as spaces. */
#ifndef SS_REVIEW_HTML_H
#define SS_REVIEW_HTML_H

#include "base/buf.h"

/* Append text, escaped for an element's content or a quoted attribute. */
void ss_html_esc(ss_buf *out, const char *text);

/* Append fmt, whose own text is trusted markup, with each %s argument
 * escaped by ss_html_esc (NULL as nothing); %d, %ld, %zu and %% as
 * printf. No other conversion is allowed. */
void ss_html_printf(ss_buf *out, const char *fmt, ...);

/* What every page says around its main content. */
typedef struct {
    const char *title;        /* the <title> and the first heading */
    const char *site;         /* SiteName, or NULL */
    const char *user;         /* the reviewer signed in (full name), or NULL */
    const char *csrf;         /* this session's form token */
    const char *flash;        /* a one-time message after an action, or NULL */
    int flash_is_error;
} ss_page;

void ss_html_start(ss_buf *out, const ss_page *p);
void ss_html_end(ss_buf *out);

/* The hidden form field carrying the session's CSRF token. */
void ss_html_csrf(ss_buf *out, const ss_page *p);

#endif
