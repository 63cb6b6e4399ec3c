/* Form pieces every page uses: a labelled text area with its hint, a
 * radio choice, and errors, summarised at the top (each a link to its
 * field) and said again beside the field, which is marked invalid. */
#include "web.h"

#include <string.h>

void ss_page_error_summary(ss_buf *out, const char *field, const char *error)
{
    ss_html_printf(out, "<div class=\"errors\" role=\"alert\">\n<h2>There is a problem</h2>\n"
                   "<p><a href=\"#%s\">%s</a></p>\n</div>\n", field, error);
}

void ss_page_field_error(ss_buf *out, const char *id, const char *error)
{
    ss_html_printf(out, "<p class=\"error-text\" id=\"%s-error\">%s</p>\n", id, error);
}

void ss_page_textarea(ss_buf *out, const ss_widget *w, const char *value, int maxlength)
{
    ss_html_printf(out, "<label for=\"%s\">%s</label>\n<p class=\"hint\" id=\"%s-hint\">%s</p>\n",
                   w->id, w->label, w->id, w->hint);
    if (w->error)
        ss_page_field_error(out, w->id, w->error);
    ss_html_printf(out, "<textarea id=\"%s\" name=\"%s\" rows=\"4\" maxlength=\"%d\" "
                   "aria-describedby=\"%s-hint", w->id, w->id, maxlength, w->id);
    if (w->error)
        ss_html_printf(out, " %s-error\" aria-invalid=\"true", w->id);
    ss_buf_adds(out, w->required ? "\" required>" : "\">");
    ss_html_esc(out, value);
    ss_buf_adds(out, "</textarea>\n");
}

void ss_page_radio(ss_buf *out, const char *name, const char *value, const char *label,
                   const char *chosen, int required)
{
    ss_html_printf(out, "<div class=\"choice\"><input type=\"radio\" id=\"%s-%s\" name=\"%s\" "
                   "value=\"%s\"", name, value, name, value);
    if (chosen && !strcmp(chosen, value))
        ss_buf_adds(out, " checked");
    if (required)
        ss_buf_adds(out, " required");
    ss_html_printf(out, "><label for=\"%s-%s\">%s</label></div>\n", name, value, label);
}

void ss_page_fieldset(ss_buf *out, const ss_widget *w)
{
    ss_html_printf(out, "<fieldset aria-describedby=\"%s-hint", w->id);
    if (w->error)
        ss_html_printf(out, " %s-error", w->id);
    ss_html_printf(out, "\" id=\"%s\">\n<legend>%s</legend>\n<p class=\"hint\" id=\"%s-hint\">"
                   "%s</p>\n", w->id, w->label, w->id, w->hint);
    if (w->error)
        ss_page_field_error(out, w->id, w->error);
}
