/* Attached .eml files: a message saved to a file and attached again, most
 * often as application/octet-stream. Read as plain text, its
 * quoted-printable body would hide a number behind soft line breaks
 * ("99900=\n95922") and its base64 attachments would be noise, so it is
 * parsed and read as the message it is: its subject, bodies and
 * attachments, at "attachment "NAME.eml" › …", one MIME level deeper
 * (MaxMimeDepth counts it, so .eml inside .eml inside … stops there).
 *
 * A part is taken for a message when it says so (message/rfc822 that GMime
 * left as a leaf, e.g. because it was base64-encoded; a ".eml" name) or,
 * with no useful type, when its bytes plainly are one. Bytes that do not
 * parse as a message are read as an ordinary attachment instead: trying
 * never reads less than before. */
#include "extract_int.h"
#include "reader/reader.h"

#include <stdlib.h>
#include <string.h>

static int has_eml_name(GMimePart *part)
{
    const char *f = g_mime_part_get_filename(part);
    const char *dot = f ? strrchr(f, '.') : NULL;
    return dot && g_ascii_strcasecmp(dot, ".eml") == 0;
}

/* The declared type says "a message", or says nothing useful. */
static int type_is(GMimePart *part, const char *type, const char *subtype)
{
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    return ct && g_mime_content_type_is_type(ct, type, subtype);
}

static int is_message(GMimePart *part, const GByteArray *ba)
{
    ssx_kind k = ssx_sniff(ba->data, ba->len, NULL, NULL);
    if (k == SSX_ZIP || k == SSX_PDF || k == SSX_RTF || k == SSX_OLE)
        return 0;                   /* the bytes say it is something else */
    if (type_is(part, "message", "rfc822") || type_is(part, "message", "global") ||
        has_eml_name(part))
        return 1;
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    int untyped = !ct || type_is(part, "application", "octet-stream");
    return untyped && ssx_looks_like_message(ba->data, ba->len);
}

/* GMime moves Content-* fields from the message to its top part, so a
 * MIME-only header block is counted there. */
int ssx_header_count(GMimeMessage *msg)
{
    GMimeObject *root = g_mime_message_get_mime_part(msg);
    int n = g_mime_header_list_get_count(
        g_mime_object_get_header_list(GMIME_OBJECT(msg)));
    if (root)
        n += g_mime_header_list_get_count(g_mime_object_get_header_list(root));
    return n;
}

static GMimeMessage *parse(const GByteArray *ba)
{
    size_t rlen = 0;
    char *fixed = ssx_repair((const char *)ba->data, ba->len, &rlen);
    GMimeStream *s = fixed ? g_mime_stream_mem_new_with_buffer(fixed, rlen)
                           : g_mime_stream_mem_new_with_buffer((const char *)ba->data, ba->len);
    free(fixed);
    GMimeParserOptions *opts = ssx_parser_options();
    GMimeParser *parser = g_mime_parser_new_with_stream(s);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
    g_object_unref(parser);
    g_mime_parser_options_free(opts);
    g_object_unref(s);
    if (msg && ssx_header_count(msg) == 0) {
        g_object_unref(msg);
        msg = NULL;
    }
    return msg;
}

GMimeMessage *ssx_attached_message(GMimePart *part, const GByteArray *ba)
{
    if (ba->len == 0 || !is_message(part, ba))
        return NULL;
    return parse(ba);
}

GMimeParserOptions *ssx_parser_options(void)
{
    /* 8-bit header text with no declared charset: UTF-8 if it is valid,
     * else what Windows mailers write */
    static const char *fallback[] = { "utf-8", "windows-1252", NULL };
    GMimeParserOptions *o = g_mime_parser_options_new();
    g_mime_parser_options_set_fallback_charsets(o, fallback);
    g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
    return o;
}
