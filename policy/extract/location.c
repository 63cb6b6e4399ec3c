/* Locations a person reads, per message level ("forwarded message › " or
 * "attachment \"NAME.eml\" › " is prefixed for each nested message):
 *   the subject
 *   the message body          the only inline text/plain part
 *   the HTML body             the only inline text/html part
 *   part N (type/subtype)     any other unnamed part; N counts leaf parts
 *                             in order, from 1, within this message
 *   attachment "NAME"         a part with a file name
 *   the name of attachment "NAME"   the file name itself, as text
 * A NAME shown in a location has control characters removed, '"' turned
 * into '\'', is cut at 60 characters, and any run holding 6 or more digits
 * has its digits replaced by '#': locations are logged, identifiers never
 * are. */
#include "extract_int.h"

#include <stdlib.h>
#include <string.h>

/* prefix + text, or prefix + text + "NAME" when name is given. */
char *ssx_loc_make(const ssx_level *lv, const char *text, const char *name)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, lv->prefix);
    ss_buf_adds(&b, text);
    if (name) {
        char *shown = ssx_clean_name(name);
        ss_buf_printf(&b, " \"%s\"", shown);
        free(shown);
    }
    return ss_buf_steal(&b);
}

char *ssx_mime_type(GMimeObject *obj)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    char *t = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    char *low = g_ascii_strdown(t ? t : "application/octet-stream", -1);
    g_free(t);
    char *s = ssx_clean_name(low);
    g_free(low);
    return s;
}

/* "part N (type/subtype)" for the next leaf at this level. */
char *ssx_part_location(const ssx_level *lv, GMimeObject *obj)
{
    char *type = ssx_mime_type(obj);
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "%spart %zu (%s)", lv->prefix, lv->leaf, type);
    free(type);
    return ss_buf_steal(&b);
}

static int is_text(GMimeObject *obj, const char *subtype)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    return ct && g_mime_content_type_is_type(ct, "text", subtype);
}

char *ssx_leaf_location(const ssx_level *lv, GMimeObject *obj, const char *fname)
{
    if (fname)
        return ssx_loc_make(lv, "attachment", fname);
    if (is_text(obj, "plain") && lv->nplain == 1)
        return ssx_loc_make(lv, "the message body", NULL);
    if (is_text(obj, "html") && lv->nhtml == 1)
        return ssx_loc_make(lv, "the HTML body", NULL);
    return ssx_part_location(lv, obj);
}

char *ssx_nested_prefix(const char *location)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "%s \xe2\x80\xba ", location);
    return ss_buf_steal(&b);
}
