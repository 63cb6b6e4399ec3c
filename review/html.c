#include "html.h"

#include <glib.h>
#include <stdarg.h>
#include <string.h>

void ss_html_esc(ss_buf *out, const char *text)
{
    const char *p = text ? text : "";
    while (*p) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x80) {
            gunichar u = g_utf8_get_char_validated(p, -1);
            if (u == (gunichar)-1 || u == (gunichar)-2) {
                ss_buf_adds(out, "\xef\xbf\xbd");
                p++;
                continue;
            }
            const char *next = g_utf8_next_char(p);
            ss_buf_add(out, p, (size_t)(next - p));
            p = next;
            continue;
        }
        switch (c) {
        case '&': ss_buf_adds(out, "&amp;"); break;
        case '<': ss_buf_adds(out, "&lt;"); break;
        case '>': ss_buf_adds(out, "&gt;"); break;
        case '"': ss_buf_adds(out, "&quot;"); break;
        case '\'': ss_buf_adds(out, "&#39;"); break;
        default:
            ss_buf_addc(out, (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? ' ' : (char)c);
        }
        p++;
    }
}

void ss_html_printf(ss_buf *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            ss_buf_addc(out, *p);
        } else if (p[1] == 's') {
            ss_html_esc(out, va_arg(ap, const char *));
            p++;
        } else if (p[1] == 'd') {
            ss_buf_printf(out, "%d", va_arg(ap, int));
            p++;
        } else if (p[1] == 'l' && p[2] == 'd') {
            ss_buf_printf(out, "%ld", va_arg(ap, long));
            p += 2;
        } else if (p[1] == 'z' && p[2] == 'u') {
            ss_buf_printf(out, "%zu", va_arg(ap, size_t));
            p += 2;
        } else {
            ss_buf_addc(out, '%');
            p += p[1] == '%';
        }
    }
    va_end(ap);
}

void ss_html_csrf(ss_buf *out, const ss_page *p)
{
    ss_html_printf(out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", p->csrf);
}

static void signed_in(ss_buf *out, const ss_page *p)
{
    ss_html_printf(out, "<nav aria-label=\"Account\"><p>Signed in as <strong>%s</strong>.</p>\n"
                   "<ul><li><a href=\"/queue\">All held messages</a></li>\n"
                   "<li><a href=\"/report\">Report</a></li>\n"
                   "<li><form method=\"post\" action=\"/logout\">\n", p->user);
    ss_html_csrf(out, p);
    ss_buf_adds(out, "<button type=\"submit\" class=\"link\">Sign out</button></form></li>"
                     "</ul></nav>\n");
}

void ss_html_start(ss_buf *out, const ss_page *p)
{
    ss_html_printf(out, "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n"
                   "<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>%s \xe2\x80\x93 safeshare</title>\n"
                   "<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n"
                   "<a class=\"skip\" href=\"#main\">Skip to the main content</a>\n"
                   "<header>\n<p class=\"brand\">safeshare<span>%s%s</span></p>\n",
                   p->title, p->site ? " \xc2\xb7 " : "", p->site);
    if (p->user)
        signed_in(out, p);
    ss_html_printf(out, "</header>\n<main id=\"main\">\n<h1>%s</h1>\n", p->title);
    if (p->flash)
        ss_html_printf(out, "<div class=\"%s\" role=\"%s\"><p>%s</p></div>\n",
                       p->flash_is_error ? "flash error" : "flash",
                       p->flash_is_error ? "alert" : "status", p->flash);
}

void ss_html_end(ss_buf *out)
{
    ss_buf_adds(out, "</main>\n</body>\n</html>\n");
}
