/* The purpose of a share, as the sender states it (extract_int.h). The
 * guidance asks that a share be recorded with what, with whom and for
 * what purpose; the sender can say it without leaving their mail client. */
#include "extract_int.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HEADER "X-Share-Purpose"

static size_t skip_blank(const char *s, size_t i)
{
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    return i;
}

/* The first "[share: TEXT]" in s: the whole tag and TEXT (trimmed). */
static int find_tag(const char *s, size_t *tag, size_t *tag_len, size_t *in, size_t *in_len)
{
    for (const char *b = strchr(s, '['); b; b = strchr(b + 1, '[')) {
        size_t i = skip_blank(s, (size_t)(b - s) + 1);
        if (strncasecmp(s + i, "share", 5) != 0)
            continue;
        i = skip_blank(s, i + 5);
        if (s[i] != ':')
            continue;
        size_t start = skip_blank(s, i + 1), end = start;
        while (s[end] && !strchr("[]\r\n", s[end]))
            end++;
        if (s[end] != ']')
            continue;
        size_t last = end;
        while (last > start && isspace((unsigned char)s[last - 1]))
            last--;
        if (last == start)
            continue;
        *tag = (size_t)(b - s);
        *tag_len = end + 1 - *tag;
        *in = start;
        *in_len = last - start;
        return 1;
    }
    return 0;
}

/* The subject without its tag, one space where it was, none at the ends,
 * as a header value (RFC 2047 words where it is not ASCII). */
static char *untagged(const char *subject, size_t tag, size_t tag_len)
{
    size_t before = tag, after = tag + tag_len;
    while (before > 0 && subject[before - 1] == ' ')
        before--;
    after = skip_blank(subject, after);
    GString *s = g_string_new_len(subject, (gssize)before);
    if (before > 0 && subject[after])
        g_string_append_c(s, ' ');
    g_string_append(s, subject + after);
    char *v = g_mime_utils_header_encode_text(NULL, s->str, "utf-8");
    g_string_free(s, TRUE);
    char *out = ss_xstrdup(v ? v : "");
    g_free(v);
    return out;
}

static size_t segment_at(const ss_extract *x, const char *location)
{
    for (size_t i = 0; i < x->nsegs; i++)
        if (!strcmp(x->segs[i].location, location))
            return i;
    return SIZE_MAX;
}

char *ssx_purpose_header(GMimeMessage *msg)
{
    const char *h = g_mime_object_get_header(GMIME_OBJECT(msg), HEADER);
    if (!h)
        return NULL;
    gchar *v = g_utf8_make_valid(h, -1);
    g_strstrip(v);
    char *r = *v ? ss_xstrdup(v) : NULL;
    g_free(v);
    return r;
}

void ssx_read_purpose(ss_extract *x)
{
    size_t seg = segment_at(x, SSX_PURPOSE_HEADER);
    if (seg != SIZE_MAX) {
        x->purpose_from = "header";
        x->purpose_seg = seg;
        x->purpose_off = 0;
        x->purpose_len = x->segs[seg].len;
    }
    size_t tag, tag_len, in, in_len;
    seg = segment_at(x, "the subject");
    if (seg == SIZE_MAX || !find_tag(x->segs[seg].text, &tag, &tag_len, &in, &in_len))
        return;
    x->subject_untagged = untagged(x->segs[seg].text, tag, tag_len);
    if (x->purpose_from)
        return;                  /* the header says it; the tag still goes */
    x->purpose_from = "subject";
    x->purpose_seg = seg;
    x->purpose_off = in;
    x->purpose_len = in_len;
}
