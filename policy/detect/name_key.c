/* A child's name in the one form its keyed hash is taken over
 * (value_key.h): the named-child detector and `safesharectl audit search`
 * both call this, so the two meet. Its own file because the detector
 * needs it and value_key.c runs the detectors. */
#include "value_key.h"

#include <glib.h>
#include <string.h>

static int dropped(gunichar c)
{
    return g_unichar_ismark(c) || c == 0x00AD || (c >= 0x200B && c <= 0x200D) || c == 0x2060
           || c == 0xFEFF;
}

static gunichar folded(gunichar c)
{
    if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212)
        return '-';
    if (c == 0x2018 || c == 0x2019 || c == 0x02BC || c == 0x0060 || c == 0x00B4)
        return '\'';
    return g_unichar_tolower(c);
}

int ss_named_child_key(const char *name, char *out, size_t outlen)
{
    out[0] = '\0';
    if (!g_utf8_validate(name, -1, NULL))
        return -1;
    gchar *nfkc = g_utf8_normalize(name, -1, G_NORMALIZE_NFKC);
    gchar *nfd = nfkc ? g_utf8_normalize(nfkc, -1, G_NORMALIZE_NFD) : NULL;
    GString *s = g_string_new(NULL);
    int space = 0;
    for (const gchar *p = nfd ? nfd : ""; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (dropped(c))
            continue;
        if (g_unichar_isspace(c)) {
            space = s->len > 0;
            continue;
        }
        if (space)
            g_string_append_c(s, ' ');
        space = 0;
        g_string_append_unichar(s, folded(c));
    }
    int rc = s->len > 0 && s->len < outlen ? 0 : -1;
    if (rc == 0)
        memcpy(out, s->str, s->len + 1);
    g_string_free(s, TRUE);
    g_free(nfd);
    g_free(nfkc);
    return rc;
}
