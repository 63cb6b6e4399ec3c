#include "purpose.h"
#include "mask.h"
#include "base/buf.h"

#include <glib.h>
#include <string.h>

/* One space for any run of white space or control characters, none at
 * either end, at most SS_PURPOSE_MAX characters. */
static char *tidy(const char *s)
{
    GString *out = g_string_new(NULL);
    int blank = 0;
    glong n = 0;
    for (const char *p = s; *p && n < SS_PURPOSE_MAX; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c) || g_unichar_iscntrl(c)) {
            blank = out->len > 0;
            continue;
        }
        if (blank)
            g_string_append_c(out, ' '), n++;
        blank = 0;
        g_string_append_unichar(out, c);
        n++;
    }
    char *r = out->len ? ss_xstrdup(out->str) : NULL;
    g_string_free(out, TRUE);
    return r;
}

char *ss_engine_purpose(const ss_extract *x, const ss_findings *f)
{
    if (!x->purpose_from || x->purpose_seg >= x->nsegs)
        return NULL;
    ss_buf m = SS_BUF_INIT;
    ss_mask_span(x, f, x->purpose_seg, x->purpose_off, x->purpose_len, &m);
    ss_buf_adds(&m, "");
    gchar *valid = g_utf8_make_valid(m.p, -1);
    char *r = tidy(valid);
    g_free(valid);
    ss_buf_free(&m);
    return r;
}

char *ss_engine_untagged_subject(const ss_config *c, const ss_extract *x)
{
    return c->remove_purpose_tag && x->subject_untagged ? ss_xstrdup(x->subject_untagged)
                                                        : NULL;
}
