/* MIME message → UTF-8 text segments with a location a person can read.
 *
 * GMime parses; we walk the tree. Each text part becomes one segment, in
 * its own charset converted to UTF-8; each part we do not read becomes an
 * entry in skipped[], never silence. Conversion never fails: a charset we
 * cannot convert falls back to windows-1252, and bad bytes become U+FFFD
 * rather than vanishing, so a dropped byte can never join two digit groups
 * into one number (or split one).
 *
 * Locations, per message level ("forwarded message › " is prefixed for
 * each message/rfc822 level):
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
#include "extract.h"
#include "attach.h"
#include "buf.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#define FWD_PREFIX "forwarded message \xe2\x80\xba "

typedef struct {
    const ss_extract_limits *lim;
    ss_extract *out;
    size_t nparts;        /* MIME objects seen in the whole message */
    int stopped;          /* the part limit was hit: read nothing more */
} walker;

typedef struct {          /* one message level */
    const char *prefix;   /* "" or "forwarded message › "... */
    size_t leaf;          /* leaf parts numbered so far at this level */
    size_t nplain, nhtml; /* inline text/plain and text/html parts here */
} level;

/* ---- results ----------------------------------------------------------- */

/* Takes both strings. An empty text holds nothing to find: dropped. */
static void add_segment(ss_extract *x, char *text, size_t len, char *location)
{
    if (len == 0) {
        free(text);
        free(location);
        return;
    }
    if (x->nsegs == x->segcap) {
        x->segcap = x->segcap ? x->segcap * 2 : 8;
        x->segs = ss_xrealloc(x->segs, x->segcap * sizeof *x->segs);
    }
    x->segs[x->nsegs].text = text;
    x->segs[x->nsegs].len = len;
    x->segs[x->nsegs].location = location;
    x->nsegs++;
}

static void add_skipped(ss_extract *x, char *location, const char *why,
                        int unreadable)
{
    if (x->nskipped == x->skipcap) {
        x->skipcap = x->skipcap ? x->skipcap * 2 : 8;
        x->skipped = ss_xrealloc(x->skipped, x->skipcap * sizeof *x->skipped);
    }
    x->skipped[x->nskipped].location = location;
    x->skipped[x->nskipped].why = ss_xstrdup(why);
    x->skipped[x->nskipped].unreadable = unreadable;
    x->nskipped++;
}

void ss_extract_free(ss_extract *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->nsegs; i++) {
        free(x->segs[i].text);
        free(x->segs[i].location);
    }
    for (size_t i = 0; i < x->nskipped; i++) {
        free(x->skipped[i].location);
        free(x->skipped[i].why);
    }
    free(x->segs);
    free(x->skipped);
    free(x->message_id);
    free(x->subject);
    memset(x, 0, sizeof *x);
}

/* ---- charsets ---------------------------------------------------------- */

static const unsigned short cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

unsigned ss_cp1252_codepoint(unsigned char c)
{
    if (c >= 0x80 && c <= 0x9F)
        return cp1252_high[c - 0x80];
    return c;
}

static void put_cp(ss_buf *b, unsigned cp)
{
    char u[4];
    size_t n = (size_t)g_unichar_to_utf8((gunichar)cp, u);
    ss_buf_add(b, u, n);
}

/* Total by construction: every byte maps to something. */
static void from_cp1252(ss_buf *b, const char *s, size_t n)
{
    ss_buf_reserve(b, n + n / 2);
    for (size_t i = 0; i < n; i++) {
        unsigned cp = ss_cp1252_codepoint((unsigned char)s[i]);
        put_cp(b, cp ? cp : 0xFFFD);
    }
}

/* Valid UTF-8 is copied; each bad byte becomes U+FFFD, so nothing that
 * separated two digit groups is lost. */
static void from_utf8(ss_buf *b, const char *s, size_t n)
{
    ss_buf_reserve(b, n);
    size_t i = 0;
    while (i < n) {
        gunichar c = g_utf8_get_char_validated(s + i, (gssize)(n - i));
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            put_cp(b, 0xFFFD);
            i++;
            continue;
        }
        size_t k = (size_t)g_utf8_skip[(unsigned char)s[i]];
        ss_buf_add(b, s + i, k);
        i += k;
    }
}

/* iconv with U+FFFD for each byte it rejects. Returns -1 if the charset is
 * unknown to iconv (the caller falls back). */
static int from_iconv(ss_buf *b, const char *s, size_t n, const char *charset)
{
    iconv_t cd = g_mime_iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return -1;
    char *in = (char *)s;
    size_t inleft = n;
    char chunk[4096];
    while (inleft > 0) {
        char *o = chunk;
        size_t oleft = sizeof chunk;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        ss_buf_add(b, chunk, sizeof chunk - oleft);
        if (r != (size_t)-1 || errno == E2BIG)
            continue;
        put_cp(b, 0xFFFD);             /* EILSEQ or truncated at the end */
        in++;
        inleft--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    char *o = chunk;
    size_t oleft = sizeof chunk;
    iconv(cd, NULL, NULL, &o, &oleft);
    ss_buf_add(b, chunk, sizeof chunk - oleft);
    g_mime_iconv_close(cd);
    return 0;
}

static int charset_is(const char *canon, const char *const *names)
{
    for (; *names; names++)
        if (g_ascii_strcasecmp(canon, *names) == 0)
            return 1;
    return 0;
}

/* UTF-8 validity, where a NUL byte counts as valid (GLib says otherwise). */
static int valid_utf8(const char *s, size_t n)
{
    while (n > 0) {
        const char *nul = memchr(s, '\0', n);
        size_t run = nul ? (size_t)(nul - s) : n;
        if (run && !g_utf8_validate_len(s, run, NULL))
            return 0;
        if (!nul)
            break;
        s += run + 1;
        n -= run + 1;
    }
    return 1;
}

/* Bytes in the part's charset → UTF-8 with NULs turned into spaces (a NUL
 * would cut the C string a later reader sees). */
static void to_utf8(ss_buf *b, const char *s, size_t n, const char *charset)
{
    static const char *const ascii[] = { "us-ascii", "ascii",
                                         "ansi_x3.4-1968", NULL };
    static const char *const latin[] = { "iso-8859-1", "latin1",
                                         "windows-1252", "cp1252", NULL };
    const char *canon = charset ? g_mime_charset_canon_name(charset) : NULL;

    if (canon && (g_ascii_strcasecmp(canon, "utf-8") == 0 ||
                  g_ascii_strcasecmp(canon, "utf8") == 0)) {
        from_utf8(b, s, n);            /* declared: bad bytes become U+FFFD */
    } else if (!canon || charset_is(canon, ascii)) {
        /* undeclared, or "ASCII" with 8-bit bytes: UTF-8 if it is valid,
         * else what Windows mailers write */
        if (valid_utf8(s, n))
            from_utf8(b, s, n);
        else
            from_cp1252(b, s, n);
    } else if (charset_is(canon, latin)) {
        from_cp1252(b, s, n);  /* 1252 is a superset of 8859-1's printables */
    } else if (from_iconv(b, s, n, charset) < 0) {
        if (valid_utf8(s, n))
            from_utf8(b, s, n);
        else
            from_cp1252(b, s, n);
    }
    for (size_t i = 0; i < b->len; i++)
        if (b->p[i] == '\0')
            b->p[i] = ' ';
}

void ssx_to_utf8(ss_buf *out, const char *s, size_t n, const char *charset)
{
    ss_extract_global_init();          /* the charset tables need GMime */
    to_utf8(out, s, n, charset);
}

/* RFC 3676 format=flowed: a line ending in a space continues on the next
 * line. Mailers break long lines this way, often inside a number, so the
 * soft breaks are joined (quote markers and the stuffing space of the
 * continuation dropped); "-- " stays a hard line. */
static int soft_line(const char *line, size_t n, size_t body)
{
    if (n == 0 || line[n - 1] != ' ')
        return 0;
    return !(n - body == 3 && memcmp(line + body, "-- ", 3) == 0);
}

static void unflow(ss_buf *b, int delsp)
{
    ss_buf o = SS_BUF_INIT;
    size_t i = 0, prev_depth = 0;
    int joining = 0;
    while (i < b->len) {
        size_t e = i;
        while (e < b->len && b->p[e] != '\n')
            e++;
        const char *line = b->p + i;
        size_t n = e - i, depth = 0;
        while (depth < n && line[depth] == '>')
            depth++;
        size_t body = depth + (depth < n && line[depth] == ' ');
        if (joining && depth == prev_depth) {
            ss_buf_add(&o, line + body, n - body);
        } else {
            if (joining)
                ss_buf_addc(&o, '\n');
            ss_buf_add(&o, line, n);
        }
        joining = soft_line(line, n, body);
        if (joining && delsp)
            o.len--;
        else if (!joining && e < b->len)
            ss_buf_addc(&o, '\n');
        prev_depth = depth;
        i = e + 1;
    }
    if (o.p)
        o.p[o.len] = '\0';
    ss_buf_free(b);
    *b = o;
}

static int param_is(GMimeContentType *ct, const char *name, const char *value)
{
    const char *v = ct ? g_mime_content_type_get_parameter(ct, name) : NULL;
    return v && g_ascii_strcasecmp(v, value) == 0;
}

/* ---- labels ------------------------------------------------------------ */

/* Mask the digits of any run of digits and separators that holds six or
 * more digits: a file name can itself be an identifier. */
static void mask_digit_runs(char *s)
{
    size_t i = 0;
    while (s[i]) {
        size_t j = i, digits = 0;
        while (s[j] && (g_ascii_isdigit(s[j]) || strchr(" -./_", s[j]))) {
            digits += g_ascii_isdigit(s[j]) != 0;
            j++;
        }
        if (digits >= 6)
            for (size_t k = i; k < j; k++)
                if (g_ascii_isdigit(s[k]))
                    s[k] = '#';
        i = j > i ? j : i + 1;
    }
}

/* A file name made safe to show in a one-line location. */
static char *clean_name(const char *name)
{
    gchar *v = g_utf8_make_valid(name, -1);
    ss_buf b = SS_BUF_INIT;
    long chars = 0;
    const char *p = v;
    for (; *p && chars < 60; p = g_utf8_next_char(p), chars++) {
        gunichar c = g_utf8_get_char(p);
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))
            ss_buf_addc(&b, ' ');
        else if (c == '"')
            ss_buf_addc(&b, '\'');
        else
            ss_buf_add(&b, p, (size_t)(g_utf8_next_char(p) - p));
    }
    if (*p)
        ss_buf_adds(&b, "\xe2\x80\xa6");   /* cut: say so */
    g_free(v);
    char *s = ss_buf_steal(&b);
    mask_digit_runs(s);
    return s;
}

char *ssx_clean_name(const char *name)
{
    return clean_name(name ? name : "");
}

/* prefix + text, or prefix + text + "NAME" when name is given. */
static char *loc_make(const level *lv, const char *text, const char *name)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, lv->prefix);
    ss_buf_adds(&b, text);
    if (name) {
        char *shown = clean_name(name);
        ss_buf_printf(&b, " \"%s\"", shown);
        free(shown);
    }
    return ss_buf_steal(&b);
}

static char *mime_type_of(GMimeObject *obj)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    char *t = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    char *low = g_ascii_strdown(t ? t : "application/octet-stream", -1);
    g_free(t);
    char *s = clean_name(low);
    g_free(low);
    return s;
}

/* "part N (type/subtype)" for the next leaf at this level. */
static char *part_location(level *lv, GMimeObject *obj)
{
    char *type = mime_type_of(obj);
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "%spart %zu (%s)", lv->prefix, lv->leaf, type);
    free(type);
    return ss_buf_steal(&b);
}

/* ---- the walk ---------------------------------------------------------- */

static const char *part_filename(GMimeObject *obj)
{
    if (!GMIME_IS_PART(obj))
        return NULL;
    const char *f = g_mime_part_get_filename(GMIME_PART(obj));
    return (f && *f) ? f : NULL;
}

static int is_text(GMimeObject *obj, const char *subtype)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    return ct && g_mime_content_type_is_type(ct, "text", subtype);
}

/* Inline text/plain and text/html parts at this level (not inside nested
 * messages), to know whether "the message body" is unambiguous. Parts past
 * the depth limit count too, so a limit never changes another part's
 * name; GMime itself caps nesting (about 1,000), bounding the recursion. */
static void count_bodies(GMimeObject *obj, level *lv, size_t *budget)
{
    if (*budget == 0)
        return;
    (*budget)--;
    if (GMIME_IS_MULTIPART(obj) && !GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; i++)
            count_bodies(g_mime_multipart_get_part(mp, i), lv, budget);
    } else if (GMIME_IS_PART(obj) && !part_filename(obj)) {
        lv->nplain += is_text(obj, "plain");
        lv->nhtml += is_text(obj, "html");
    }
}

/* The transfer-decoded bytes of a part, or NULL if they cannot be read. */
static GByteArray *decode_content(GMimePart *part)
{
    GByteArray *ba = g_byte_array_new();
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    if (!dw)
        return ba;
    GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(ba);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    gssize r = g_mime_data_wrapper_write_to_stream(dw, mem);
    g_object_unref(mem);
    if (r < 0) {
        g_byte_array_unref(ba);
        return NULL;
    }
    return ba;
}

static void scan_part(walker *w, GMimePart *part, GByteArray *ba, char *location);

/* A text/... label on RTF, ZIP or PDF bytes: the bytes say what it is. */
static int not_really_text(const GByteArray *ba)
{
    ssx_kind k = ssx_sniff(ba->data, ba->len, NULL, NULL);
    return k == SSX_ZIP || k == SSX_PDF || k == SSX_RTF || k == SSX_OLE;
}

static void read_text_part(walker *w, GMimePart *part, char *location)
{
    GByteArray *ba = decode_content(part);
    if (!ba) {
        add_skipped(w->out, location, "the part could not be decoded", 1);
        return;
    }
    if (not_really_text(ba)) {
        scan_part(w, part, ba, location);
        return;
    }
    size_t max = w->lim->max_text;
    if (ba->len / 4 > max) {            /* no charset makes it shrink 4x */
        g_byte_array_unref(ba);
        add_skipped(w->out, location, "text part too large", 1);
        return;
    }
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    const char *charset = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
    ss_buf b = SS_BUF_INIT;
    ssx_text_decode(&b, ba->data, ba->len, charset);
    g_byte_array_unref(ba);
    if (is_text(GMIME_OBJECT(part), "plain") && param_is(ct, "format", "flowed"))
        unflow(&b, param_is(ct, "delsp", "yes"));
    if (b.len > max) {
        ss_buf_free(&b);
        add_skipped(w->out, location, "text part too large", 1);
        return;
    }
    if (is_text(GMIME_OBJECT(part), "html")) {
        size_t n;
        char *t = ss_html_to_text(b.p ? b.p : "", b.len, &n);
        ss_buf_free(&b);
        add_segment(w->out, t, n, location);
        return;
    }
    size_t n = b.len;
    add_segment(w->out, ss_buf_steal(&b), n, location);
}

static int is_encrypted_type(GMimeObject *obj)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    return ct && (g_mime_content_type_is_type(ct, "application", "pkcs7-mime") ||
                  g_mime_content_type_is_type(ct, "application", "x-pkcs7-mime") ||
                  g_mime_content_type_is_type(ct, "application", "pgp-encrypted"));
}

static int is_signature_type(GMimeObject *obj)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    return ct && (g_mime_content_type_is_type(ct, "application", "pkcs7-signature") ||
                  g_mime_content_type_is_type(ct, "application", "x-pkcs7-signature") ||
                  g_mime_content_type_is_type(ct, "application", "pgp-signature"));
}

/* ---- attachments through the readers --------------------------------- */

typedef struct {
    walker *w;
    const char *base;     /* the attachment's own location */
} scan_ctx;

/* The worker's words are not trusted either: valid UTF-8, no controls. */
static char *scan_location(const scan_ctx *sc, const char *sub)
{
    gchar *v = g_utf8_make_valid(sub, -1);
    for (char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = ' ';
    char *loc = ssx_sub_join(sc->base, v);
    g_free(v);
    return loc;
}

static void scan_text(ssx_out *o, const char *sub, const char *utf8, size_t len)
{
    scan_ctx *sc = o->ctx;
    char *loc = scan_location(sc, sub);
    if (len > sc->w->lim->max_text) {
        add_skipped(sc->w->out, loc, "text part too large", 1);
        return;
    }
    ss_buf b = SS_BUF_INIT;
    to_utf8(&b, utf8, len, "utf-8");
    size_t n = b.len;
    add_segment(sc->w->out, ss_buf_steal(&b), n, loc);
}

static void scan_skip(ssx_out *o, const char *sub, const char *why, int unreadable)
{
    scan_ctx *sc = o->ctx;
    add_skipped(sc->w->out, scan_location(sc, sub), why, unreadable);
}

/* Takes ba and location. */
static void scan_part(walker *w, GMimePart *part, GByteArray *ba, char *location)
{
    GMimeObject *obj = GMIME_OBJECT(part);
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    char *type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    const char *charset = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
    scan_ctx sc = { w, location };
    ssx_out o = { scan_text, scan_skip, &sc, 0 };
    ssx_scan(ba->data, ba->len, part_filename(obj), type, charset,
             &w->lim->attach, w->lim->worker, &o);
    g_free(type);
    g_byte_array_unref(ba);
    free(location);
}

static void read_attachment(walker *w, GMimePart *part, char *location)
{
    GByteArray *ba = decode_content(part);
    if (!ba) {
        add_skipped(w->out, location, "the part could not be decoded", 1);
        return;
    }
    scan_part(w, part, ba, location);
}

static char *leaf_location(level *lv, GMimeObject *obj, const char *fname)
{
    if (fname) {
        return loc_make(lv, "attachment", fname);
    }
    if (is_text(obj, "plain") && lv->nplain == 1)
        return loc_make(lv, "the message body", NULL);
    if (is_text(obj, "html") && lv->nhtml == 1)
        return loc_make(lv, "the HTML body", NULL);
    return part_location(lv, obj);
}

static void read_leaf(walker *w, level *lv, GMimePart *part)
{
    GMimeObject *obj = GMIME_OBJECT(part);
    const char *fname = part_filename(obj);

    if (fname) {                        /* the name is text a person typed */
        char *loc = loc_make(lv, "the name of attachment", fname);
        gchar *v = g_utf8_make_valid(fname, -1);
        char *t = ss_xstrdup(v);
        g_free(v);
        add_segment(w->out, t, strlen(t), loc);
    }
    char *loc = leaf_location(lv, obj, fname);
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    const char *media = ct ? g_mime_content_type_get_media_type(ct) : NULL;
    if (media && g_ascii_strcasecmp(media, "text") == 0)
        read_text_part(w, part, loc);
    else if (is_encrypted_type(obj))
        add_skipped(w->out, loc, "encrypted content cannot be read", 1);
    else if (is_signature_type(obj))
        add_skipped(w->out, loc, "a digital signature, which holds no text", 0);
    else if (GMIME_IS_MESSAGE_PARTIAL(obj))
        add_skipped(w->out, loc, "a message split into fragments cannot be read", 1);
    else
        read_attachment(w, part, loc);
}

static void read_message(walker *w, GMimeMessage *msg, const char *prefix,
                         size_t depth);
static void walk(walker *w, level *lv, GMimeObject *obj, size_t depth);

static void walk_children(walker *w, level *lv, GMimeMultipart *mp,
                          size_t depth)
{
    int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n && !w->stopped; i++)
        walk(w, lv, g_mime_multipart_get_part(mp, i), depth + 1);
}

/* Checks the limits for one MIME object; 0 if it may be read. */
static int over_limits(walker *w, level *lv, GMimeObject *obj, size_t depth)
{
    if (++w->nparts > w->lim->max_parts) {
        lv->leaf++;
        add_skipped(w->out, part_location(lv, obj),
                    "too many parts: this part and all after it were not read", 1);
        w->stopped = 1;
        return 1;
    }
    if (depth > w->lim->max_depth) {
        lv->leaf++;
        add_skipped(w->out, part_location(lv, obj), "nested too deeply", 1);
        return 1;
    }
    return 0;
}

static void walk(walker *w, level *lv, GMimeObject *obj, size_t depth)
{
    if (!obj || w->stopped || over_limits(w, lv, obj, depth))
        return;
    if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
        lv->leaf++;
        add_skipped(w->out, part_location(lv, obj),
                    "encrypted content cannot be read", 1);
    } else if (GMIME_IS_MULTIPART(obj)) {
        walk_children(w, lv, GMIME_MULTIPART(obj), depth);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        lv->leaf++;
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (inner) {
            char *prefix = loc_make(lv, FWD_PREFIX, NULL);
            read_message(w, inner, prefix, depth + 1);
            free(prefix);
        } else {
            add_skipped(w->out, part_location(lv, obj),
                        "the forwarded message could not be read", 1);
        }
    } else if (GMIME_IS_PART(obj)) {
        lv->leaf++;
        read_leaf(w, lv, GMIME_PART(obj));
    } else {
        lv->leaf++;
        add_skipped(w->out, part_location(lv, obj), "an unknown kind of part", 1);
    }
}

static void read_message(walker *w, GMimeMessage *msg, const char *prefix,
                         size_t depth)
{
    level lv = { prefix, 0, 0, 0 };
    const char *subject = g_mime_message_get_subject(msg);
    if (subject && *subject) {
        gchar *v = g_utf8_make_valid(subject, -1);
        char *t = ss_xstrdup(v);
        g_free(v);
        add_segment(w->out, t, strlen(t), loc_make(&lv, "the subject", NULL));
    }
    GMimeObject *root = g_mime_message_get_mime_part(msg);
    if (!root)
        return;
    size_t budget = w->lim->max_parts;
    count_bodies(root, &lv, &budget);
    walk(w, &lv, root, depth);
}

/* ---- entry points ------------------------------------------------------ */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_init_once(void)
{
    g_mime_init();
}

void ss_extract_global_init(void)
{
    pthread_once(&gmime_once, gmime_init_once);
}

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

static GMimeParserOptions *parser_options(void)
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

/* GMime moves Content-* fields from the message to its top part, so a
 * MIME-only header block is counted there. */
static int header_count(GMimeMessage *msg)
{
    GMimeObject *root = g_mime_message_get_mime_part(msg);
    int n = g_mime_header_list_get_count(
        g_mime_object_get_header_list(GMIME_OBJECT(msg)));
    if (root)
        n += g_mime_header_list_get_count(g_mime_object_get_header_list(root));
    return n;
}

static int extract_stream(GMimeStream *stream, const ss_extract_limits *lim,
                          ss_extract *out, char *err, size_t errlen)
{
    static const ss_extract_limits defaults = SS_EXTRACT_LIMITS_DEFAULT;
    GMimeParserOptions *opts = parser_options();
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
    int rc = -1;

    if (!msg) {
        set_err(err, errlen, "not an email message: no header block found");
    } else if (header_count(msg) == 0) {
        set_err(err, errlen, "not an email message: no header fields");
    } else {
        walker w = { lim ? lim : &defaults, out, 0, 0 };
        const char *id = g_mime_message_get_message_id(msg);
        const char *subject = g_mime_message_get_subject(msg);
        out->message_id = id ? ss_xstrdup(id) : NULL;
        if (subject) {
            gchar *v = g_utf8_make_valid(subject, -1);
            out->subject = ss_xstrdup(v);
            g_free(v);
        }
        read_message(&w, msg, "", 0);
        rc = 0;
    }
    if (msg)
        g_object_unref(msg);
    g_object_unref(parser);
    g_mime_parser_options_free(opts);
    return rc;
}

int ss_extract_mem(const char *msg, size_t len, const ss_extract_limits *lim,
                   ss_extract *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!msg || len == 0) {
        set_err(err, errlen, "empty message");
        return -1;
    }
    ss_extract_global_init();
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(msg, len);
    int rc = extract_stream(s, lim, out, err, errlen);
    g_object_unref(s);
    if (rc < 0)
        ss_extract_free(out);
    return rc;
}

int ss_extract_fd(int fd, const ss_extract_limits *lim,
                  ss_extract *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (fd < 0) {
        set_err(err, errlen, "no message file");
        return -1;
    }
    ss_extract_global_init();
    GMimeStream *s = g_mime_stream_fs_new(fd);
    g_mime_stream_fs_set_owner(GMIME_STREAM_FS(s), FALSE);
    if (g_mime_stream_length(s) == 0) {
        g_object_unref(s);
        set_err(err, errlen, "empty message");
        return -1;
    }
    int rc = extract_stream(s, lim, out, err, errlen);
    g_object_unref(s);
    if (rc < 0)
        ss_extract_free(out);
    return rc;
}
