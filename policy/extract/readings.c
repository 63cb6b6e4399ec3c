/* Where GMime and a mail client read the same bytes differently, the
 * other readings too (spec: scan every reading).
 *
 *   Two Content-Type or Content-Transfer-Encoding fields on one part:
 *   GMime takes the last, readers the first. The part's raw bytes are
 *   read under every declared type and encoding, each reading a segment
 *   at "LOCATION (read another way)".
 *
 *   A multipart whose delimiters GMime could not find (boundary missing,
 *   empty, given twice, not matching the body): GMime leaves its whole
 *   body in the prologue. The walk scans the prologue as text and asks
 *   here for the parts a reader would find from the delimiter lines the
 *   body does have. */
#include "extract_int.h"

#include <stdlib.h>
#include <string.h>

#define MAX_READINGS 4          /* distinct values of each field tried */
#define ANOTHER_WAY " (read another way)"

GByteArray *ssx_raw_content(GMimePart *part)
{
    GByteArray *ba = g_byte_array_new();
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    GMimeStream *src = dw ? g_mime_data_wrapper_get_stream(dw) : NULL;
    if (!src)
        return ba;
    GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(ba);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    g_mime_stream_reset(src);
    g_mime_stream_write_to_stream(src, mem);
    g_mime_stream_reset(src);
    g_object_unref(mem);
    return ba;
}

/* quoted-printable as readers take it: "=XX", soft breaks, anything
 * else literal. */
static void qp_decode(const unsigned char *p, size_t n, GByteArray *out)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '=' && i + 1 < n && (p[i + 1] == '\n' || p[i + 1] == '\r')) {
            i += (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n') ? 2 : 1;
            continue;
        }
        if (c == '=' && i + 2 < n && g_ascii_isxdigit(p[i + 1]) && g_ascii_isxdigit(p[i + 2])) {
            c = (unsigned char)(g_ascii_xdigit_value((char)p[i + 1]) * 16 +
                                g_ascii_xdigit_value((char)p[i + 2]));
            i += 2;
        }
        g_byte_array_append(out, &c, 1);
    }
}

GByteArray *ssx_decode_as(const GByteArray *raw, const char *cte)
{
    GByteArray *out = g_byte_array_new();
    if (cte && g_ascii_strncasecmp(cte, "base64", 6) == 0)
        ssx_base64_lenient(raw->data, raw->len, out);
    else if (cte && g_ascii_strncasecmp(cte, "quoted-printable", 16) == 0)
        qp_decode(raw->data, raw->len, out);
    else
        g_byte_array_append(out, raw->data, raw->len);
    return out;
}

/* The distinct trimmed values of every field called name, at most max. */
static size_t field_values(GMimeObject *obj, const char *name, char **v, size_t max)
{
    GMimeHeaderList *h = g_mime_object_get_header_list(obj);
    int n = h ? g_mime_header_list_get_count(h) : 0;
    size_t k = 0;
    for (int i = 0; i < n && k < max; i++) {
        GMimeHeader *f = g_mime_header_list_get_header_at(h, i);
        if (g_ascii_strcasecmp(g_mime_header_get_name(f), name) != 0)
            continue;
        const char *raw = g_mime_header_get_raw_value(f);
        char *t = g_strstrip(ss_xstrdup(raw ? raw : ""));
        int dup = 0;
        for (size_t j = 0; j < k && !dup; j++)
            dup = g_ascii_strcasecmp(v[j], t) == 0;
        if (dup)
            free(t);
        else
            v[k++] = t;
    }
    return k;
}

/* One reading: bytes decoded by cte, as text in ctype's charset (HTML as
 * what it shows). Non-text types add nothing: readers do not show them. */
static void add_reading(ssx_walker *w, const GByteArray *raw, const char *ctype,
                        const char *cte, const char *location)
{
    GMimeParserOptions *opts = ssx_parser_options();
    GMimeContentType *ct = g_mime_content_type_parse(opts, ctype);
    g_mime_parser_options_free(opts);
    const char *media = ct ? g_mime_content_type_get_media_type(ct) : NULL;
    int html = ct && g_mime_content_type_is_type(ct, "text", "html");
    if (media && *media && g_ascii_strcasecmp(media, "text") != 0 &&
        g_ascii_strcasecmp(media, "multipart") != 0 &&
        g_ascii_strcasecmp(media, "message") != 0) {
        g_object_unref(ct);
        return;
    }
    GByteArray *d = ssx_decode_as(raw, cte);
    ss_buf b = SS_BUF_INIT;
    ssx_text_decode(&b, d->data, d->len > w->lim->max_text ? w->lim->max_text : d->len,
                    ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL);
    g_byte_array_unref(d);
    char *loc = g_strconcat(location, ANOTHER_WAY, NULL);
    char *l = ss_xstrdup(loc);
    g_free(loc);
    if (html) {
        size_t n;
        char *t = ss_html_to_text(b.p ? b.p : "", b.len, &n);
        ss_buf_free(&b);
        ssx_add_segment(w->out, t, n, l);
    } else {
        size_t n = b.len;
        ssx_add_segment(w->out, ss_buf_steal(&b), n, l);
    }
    if (ct)
        g_object_unref(ct);
}

/* Every reading of raw under each declared type and encoding of obj. */
static void readings_of(ssx_walker *w, GMimeObject *obj, const GByteArray *raw,
                        const char *location, int always)
{
    char *types[MAX_READINGS], *ctes[MAX_READINGS + 1];
    size_t nt = field_values(obj, "Content-Type", types, MAX_READINGS);
    size_t ne = field_values(obj, "Content-Transfer-Encoding", ctes, MAX_READINGS);
    if (always || nt > 1 || ne > 1) {
        if (nt == 0)
            types[nt++] = ss_xstrdup("text/plain");
        if (ne == 0 || ne > 1)
            ctes[ne++] = ss_xstrdup("7bit");    /* and the bytes as they are */
        for (size_t i = 0; i < nt; i++)
            for (size_t k = 0; k < ne; k++)
                add_reading(w, raw, types[i], ctes[k], location);
    }
    for (size_t i = 0; i < nt; i++)
        free(types[i]);
    for (size_t k = 0; k < ne; k++)
        free(ctes[k]);
}

void ssx_other_readings(ssx_walker *w, GMimePart *part, const char *location)
{
    GByteArray *raw = ssx_raw_content(part);
    readings_of(w, GMIME_OBJECT(part), raw, location, 0);
    g_byte_array_unref(raw);
}

void ssx_prologue_readings(ssx_walker *w, GMimeObject *mp, const char *body,
                           const char *location)
{
    GByteArray *raw = g_byte_array_new();
    g_byte_array_append(raw, (const guint8 *)body, (guint)strlen(body));
    char *types[2];
    size_t nt = field_values(mp, "Content-Type", types, 2);
    for (size_t i = 0; i < nt; i++)
        free(types[i]);
    if (nt > 1)                   /* readers took a type GMime did not */
        readings_of(w, mp, raw, location, 1);
    g_byte_array_unref(raw);
}

static GMimeObject *parse_part(const char *ctype, const char *cte, const char *body, size_t n)
{
    ss_buf m = SS_BUF_INIT;
    ss_buf_printf(&m, "Content-Type: %s\n", ctype);
    if (cte)
        ss_buf_printf(&m, "Content-Transfer-Encoding: %s\n", cte);
    ss_buf_adds(&m, "\n");
    ss_buf_add(&m, body, n);
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(m.p, m.len);
    GMimeParser *parser = g_mime_parser_new_with_stream(s);
    GMimeParserOptions *opts = ssx_parser_options();
    GMimeObject *obj = g_mime_parser_construct_part(parser, opts);
    g_mime_parser_options_free(opts);
    g_object_unref(parser);
    g_object_unref(s);
    ss_buf_free(&m);
    return obj;
}

GMimeObject *ssx_other_structure(GMimePart *part)
{
    char *types[MAX_READINGS], *ctes[1];
    GMimeObject *obj = GMIME_OBJECT(part);
    size_t nt = field_values(obj, "Content-Type", types, MAX_READINGS);
    size_t ne = field_values(obj, "Content-Transfer-Encoding", ctes, 1);
    GMimeObject *alt = NULL;
    /* GMime read the last type as a leaf; a reader that takes an earlier
     * multipart or message type sees parts */
    for (size_t i = 0; nt > 1 && i + 1 < nt && !alt; i++) {
        if (g_ascii_strncasecmp(types[i], "multipart/", 10) != 0 &&
            g_ascii_strncasecmp(types[i], "message/rfc822", 14) != 0)
            continue;
        GByteArray *raw = ssx_raw_content(part);
        alt = parse_part(types[i], ne ? ctes[0] : NULL, (const char *)raw->data, raw->len);
        g_byte_array_unref(raw);
    }
    for (size_t i = 0; i < nt; i++)
        free(types[i]);
    for (size_t k = 0; k < ne; k++)
        free(ctes[k]);
    return alt;
}

/* ---- multiparts with no parts found ------------------------------------ */

/* The delimiter a reader would take: the most frequent "--TOKEN" line
 * (a trailing "--" and whitespace removed). NULL when there is none. */
static char *guess_boundary(const char *p, size_t n)
{
    GHashTable *count = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char *best = NULL;
    guint best_n = 0;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        size_t s = i, l = e - i;
        while (l > 0 && (p[s + l - 1] == '\r' || p[s + l - 1] == ' ' || p[s + l - 1] == '\t'))
            l--;
        if (l > 2 && p[s] == '-' && p[s + 1] == '-') {
            size_t tl = l - 2;
            if (tl > 2 && p[s + 2 + tl - 1] == '-' && p[s + 2 + tl - 2] == '-')
                tl -= 2;
            if (tl > 0 && tl <= 200) {
                char *tok = g_strndup(p + s + 2, tl);
                guint c = GPOINTER_TO_UINT(g_hash_table_lookup(count, tok)) + 1;
                g_hash_table_insert(count, tok, GUINT_TO_POINTER(c));
                if (c > best_n) {
                    best_n = c;
                    g_free(best);
                    best = g_strndup(p + s + 2, tl);
                }
            }
        }
        i = e + 1;
    }
    g_hash_table_destroy(count);
    return best;
}

GMimeObject *ssx_guess_parts(const char *body, size_t n)
{
    char *b = guess_boundary(body, n);
    if (!b)
        return NULL;
    char *ct = g_strdup_printf("multipart/mixed; boundary=\"%s\"", b);
    g_free(b);
    GMimeObject *obj = parse_part(ct, NULL, body, n);
    g_free(ct);
    if (obj && (!GMIME_IS_MULTIPART(obj) || g_mime_multipart_get_count(GMIME_MULTIPART(obj)) == 0)) {
        g_object_unref(obj);
        obj = NULL;
    }
    return obj;
}
