/* iCalendar (RFC 5545) and vCard (RFC 6350) text as a calendar or address
 * book shows it. Both fold long lines by inserting a line break and one
 * space or tab, anywhere, even inside a number ("943 4\r\n 76 5919"), and
 * escape commas, semicolons and newlines with a backslash. Read as plain
 * text the folds would split what the reader shows whole. */
#include "charset.h"

#include <string.h>

#include <glib.h>

int ssx_is_directory_text(const char *subtype, const char *fname)
{
    static const char *const types[] = { "calendar", "vcard", "x-vcard", "directory", NULL };
    static const char *const exts[] = { ".ics", ".ical", ".ifb", ".vcf", ".vcard", NULL };
    for (const char *const *t = types; subtype && *t; t++)
        if (g_ascii_strcasecmp(subtype, *t) == 0)
            return 1;
    const char *dot = fname ? strrchr(fname, '.') : NULL;
    for (const char *const *e = exts; dot && *e; e++)
        if (g_ascii_strcasecmp(dot, *e) == 0)
            return 1;
    return 0;
}

void ssx_unfold_directory(ss_buf *b)
{
    size_t w = 0;
    for (size_t r = 0; r < b->len; r++) {
        char c = b->p[r];
        size_t nl = (c == '\r' && r + 1 < b->len && b->p[r + 1] == '\n') ? 2 : c == '\n';
        if (nl && r + nl < b->len && (b->p[r + nl] == ' ' || b->p[r + nl] == '\t')) {
            r += nl;                      /* the fold and its one space */
            continue;
        }
        if (c == '\\' && r + 1 < b->len && strchr("nN,;\\", b->p[r + 1])) {
            char e = b->p[++r];
            b->p[w++] = (e == 'n' || e == 'N') ? '\n' : e;
            continue;
        }
        b->p[w++] = c;
    }
    b->len = w;
    if (b->p)
        b->p[w] = '\0';
}
