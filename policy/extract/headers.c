/* The raw values of one header field of a message, as the MTA would hand
 * them to the milter one by one: for front doors that read a message
 * from a file (safesharectl explain) rather than from the MTA. */
#include "extract_int.h"

#include <string.h>

size_t ss_header_values(const char *msg, size_t len, const char *name, size_t max,
                        char ***out)
{
    *out = NULL;
    ss_text_init();
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(msg, len);
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    GMimeParserOptions *opts = ssx_parser_options();
    g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
    GMimeMessage *m = g_mime_parser_construct_message(p, opts);
    size_t n = 0;
    if (m) {
        GMimeHeaderList *h = g_mime_object_get_header_list(GMIME_OBJECT(m));
        int count = g_mime_header_list_get_count(h);
        for (int i = 0; i < count && n < max; i++) {
            GMimeHeader *f = g_mime_header_list_get_header_at(h, i);
            if (g_ascii_strcasecmp(g_mime_header_get_name(f), name) != 0)
                continue;
            const char *v = g_mime_header_get_raw_value(f);
            *out = ss_xrealloc(*out, (n + 1) * sizeof **out);
            (*out)[n++] = g_strstrip(ss_xstrdup(v ? v : ""));
        }
        g_object_unref(m);
    }
    g_mime_parser_options_free(opts);
    g_object_unref(p);
    g_object_unref(s);
    return n;
}
