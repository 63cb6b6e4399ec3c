/* Header fields a recipient can see, each as a segment of its own.
 *
 * A mail client shows the To and Cc display names, group names and
 * comments, and any other field the user opens the headers to read
 * (Comments, Keywords, Organization, X-…). Each is text the sender typed,
 * so each is scanned, in every nested message and for every part's
 * Content-Description. Only fields that carry no typed text are left out
 * (routing, IDs, dates, MIME structure already read). The first Subject
 * is "the subject", as readers show the first; a second one is read too.
 * Values are decoded from the raw bytes (decode.c), not from GMime's
 * decoded string, which loses words and NULs. */
#include "extract_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const technical[] = {
    "received", "received-spf", "return-path", "delivered-to", "date",
    "message-id", "in-reply-to", "references", "mime-version",
    "content-type", "content-transfer-encoding", "content-disposition",
    "content-id", "content-length", "content-md5", "dkim-signature",
    "domainkey-signature", "authentication-results", "x-safeshare-ref",
    "x-safeshare-release",
    "x-share-purpose",        /* read by purpose.c, at SSX_PURPOSE_HEADER */
    NULL
};

static int is_technical(const char *name)
{
    if (g_ascii_strncasecmp(name, "arc-", 4) == 0 ||
        g_ascii_strncasecmp(name, "x-ms-exchange-", 14) == 0)
        return 1;
    for (const char *const *t = technical; *t; t++)
        if (g_ascii_strcasecmp(name, *t) == 0)
            return 1;
    return 0;
}

static char *field_location(const ssx_level *lv, const char *part_location,
                            const char *name, int *first_subject)
{
    if (!part_location && *first_subject && g_ascii_strcasecmp(name, "subject") == 0) {
        *first_subject = 0;
        return ssx_loc_make(lv, "the subject", NULL);
    }
    if (!part_location)
        return ssx_loc_make(lv, "the header", name);
    char *shown = ssx_clean_name(name);
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "%s \xe2\x80\xba the header \"%s\"", part_location, shown);
    free(shown);
    return ss_buf_steal(&b);
}

void ssx_read_fields(ssx_walker *w, const ssx_level *lv, GMimeObject *obj,
                     const char *part_location)
{
    GMimeHeaderList *h = g_mime_object_get_header_list(obj);
    int n = h ? g_mime_header_list_get_count(h) : 0;
    int first_subject = 1;
    for (int i = 0; i < n; i++) {
        GMimeHeader *f = g_mime_header_list_get_header_at(h, i);
        const char *name = g_mime_header_get_name(f);
        if (!name || is_technical(name))
            continue;
        ss_buf t = SS_BUF_INIT;
        ssx_header_text(&t, g_mime_header_get_raw_value(f));
        size_t len = t.len;
        char *loc = field_location(lv, part_location, name, &first_subject);
        ssx_add_segment(w->out, ss_buf_steal(&t), len, loc);
    }
}
