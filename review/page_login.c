/* The sign-in page (the page at /) and the short pages that only say
 * something and point onwards. */
#include "web.h"
#include "held/queue.h"
#include "notify/notify.h"

void ss_page_when(ss_buf *out, time_t t, time_t now)
{
    char when[64];
    ss_notify_when(t, when, sizeof when);
    ss_buf ago = SS_BUF_INIT;
    ss_held_waited(now > t ? (long)(now - t) : 0, &ago);
    ss_html_printf(out, "%s (%s ago)", when, ago.p);
    ss_buf_free(&ago);
}

void ss_page_login(ss_buf *out, const ss_page *p, const char *next, const char *error)
{
    ss_html_start(out, p);
    ss_buf_adds(out, "<p class=\"lede\">Messages that may hold information about a child, "
                     "and were going to an address that is not secure, wait here for you "
                     "to read and decide.</p>\n");
    if (error)
        ss_html_printf(out, "<div class=\"errors\" role=\"alert\">\n<h2>There is a problem"
                       "</h2>\n<p>%s</p>\n</div>\n", error);
    ss_buf_adds(out, "<form method=\"post\" action=\"/login\" class=\"say\">\n"
                     "<label for=\"name\">Your reviewer name</label>\n"
                     "<input type=\"text\" id=\"name\" name=\"name\" autocomplete=\"username\" "
                     "autocapitalize=\"none\" spellcheck=\"false\" required>\n"
                     "<label for=\"password\">Password</label>\n"
                     "<input type=\"password\" id=\"password\" name=\"password\" "
                     "autocomplete=\"current-password\" required>\n");
    ss_html_csrf(out, p);
    if (next)
        ss_html_printf(out, "<input type=\"hidden\" name=\"next\" value=\"%s\">\n", next);
    ss_buf_adds(out, "<button type=\"submit\">Sign in</button>\n</form>\n"
                     "<p>If you cannot sign in, ask whoever looks after your mail server: "
                     "they can give you an account or a new password.</p>\n");
    ss_html_end(out);
}

void ss_page_text(ss_buf *out, const ss_page *p, const char *text, const char *href,
                  const char *link_text)
{
    ss_html_start(out, p);
    ss_html_printf(out, "<p class=\"lede\">%s</p>\n", text);
    if (href)
        ss_html_printf(out, "<p><a href=\"%s\">%s</a></p>\n", href, link_text);
    ss_html_end(out);
}
