/* MIME message → UTF-8 text segments with a location a person can read.
 *
 * GMime parses; we walk the tree. Each text part becomes one segment, in
 * its own charset converted to UTF-8 (charset.c); each part we do not read
 * becomes an entry in skipped[], never silence. Locations are named in
 * location.c; attached .eml files are read as messages (extract_msg.c);
 * HTML gives two segments, what the reader sees and what is hidden
 * (html.c), so digit groups never join across the two.
 *
 * Two limits span the whole message: MaxTotalBytes counts decompressed
 * attachment bytes across all attachments, and MaxScanTime bounds the wall
 * clock. An attachment that cannot start (or is cut off) because of either
 * is unreadable, never skipped in silence. */
#include "extract_int.h"
#include "reader/reader.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FWD_PREFIX "forwarded message \xe2\x80\xba "
#define HIDDEN_SUFFIX " (hidden text)"

/* ---- the clock --------------------------------------------------------- */

static void set_deadline(ssx_walker *w, unsigned seconds)
{
    memset(&w->deadline, 0, sizeof w->deadline);
    if (seconds == 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &w->deadline);
    w->deadline.tv_sec += seconds;
}

long ssx_ms_left(const ssx_walker *w)
{
    if (w->deadline.tv_sec == 0)
        return -1;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (long)(w->deadline.tv_sec - now.tv_sec) * 1000L +
              (w->deadline.tv_nsec - now.tv_nsec) / 1000000L;
    return ms > 0 ? ms : 0;
}

/* ---- text parts -------------------------------------------------------- */

static int param_is(GMimeContentType *ct, const char *name, const char *value)
{
    const char *v = ct ? g_mime_content_type_get_parameter(ct, name) : NULL;
    return v && g_ascii_strcasecmp(v, value) == 0;
}

static const char *part_filename(GMimeObject *obj)
{
    if (!GMIME_IS_PART(obj))
        return NULL;
    const char *f = g_mime_part_get_filename(GMIME_PART(obj));
    return (f && *f) ? f : NULL;
}

/* The file name of a part that is not a GMimePart (a message/rfc822
 * attachment): Content-Disposition filename, else Content-Type name. */
static const char *object_filename(GMimeObject *obj)
{
    const char *f = part_filename(obj);
    if (f)
        return f;
    GMimeContentDisposition *d = g_mime_object_get_content_disposition(obj);
    f = d ? g_mime_content_disposition_get_parameter(d, "filename") : NULL;
    if (!f || !*f) {
        GMimeContentType *ct = g_mime_object_get_content_type(obj);
        f = ct ? g_mime_content_type_get_parameter(ct, "name") : NULL;
    }
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
static void count_bodies(GMimeObject *obj, ssx_level *lv, size_t *budget)
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

/* The transfer-decoded bytes of a part, or NULL if they cannot be read.
 * base64 is decoded leniently (decode.c): GMime stops at a mid-stream
 * '=' and drops a cut final quantum, readers do not. */
static GByteArray *decode_content(GMimePart *part)
{
    if (g_mime_part_get_content_encoding(part) == GMIME_CONTENT_ENCODING_BASE64) {
        GByteArray *raw = ssx_raw_content(part);
        GByteArray *ba = ssx_decode_as(raw, "base64");
        g_byte_array_unref(raw);
        return ba;
    }
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

static void scan_part(ssx_walker *w, GMimePart *part, GByteArray *ba,
                      char *location);

/* A leaf's bytes, and (for a named part) its decoded size in the list. */
static GByteArray *decode_leaf(ssx_walker *w, GMimePart *part)
{
    GByteArray *ba = decode_content(part);
    if (ba && w->attach_at < w->out->nattach)
        w->out->attach[w->attach_at].size = ba->len;
    w->attach_at = SIZE_MAX;
    return ba;
}

/* A text/... label on RTF, ZIP or PDF bytes: the bytes say what it is. */
static int not_really_text(const GByteArray *ba)
{
    ssx_kind k = ssx_sniff(ba->data, ba->len, NULL, NULL);
    return k == SSX_ZIP || k == SSX_PDF || k == SSX_RTF || k == SSX_OLE;
}

/* HTML: what the reader sees at location, what is hidden from them (and
 * still delivered) at "location (hidden text)". Takes b and location. */
static void add_html(ssx_walker *w, ss_buf *b, char *location)
{
    size_t n, hn;
    char *hidden;
    char *t = ss_html_split(b->p ? b->p : "", b->len, &n, &hidden, &hn);
    ss_buf_free(b);
    ss_buf hl = SS_BUF_INIT;
    ss_buf_printf(&hl, "%s%s", location, HIDDEN_SUFFIX);
    ssx_add_segment(w->out, t, n, location);
    ssx_add_segment(w->out, hidden, hn, ss_buf_steal(&hl));
}

static void read_text_part(ssx_walker *w, GMimePart *part, char *location)
{
    GByteArray *ba = decode_leaf(w, part);
    if (!ba) {
        ssx_add_skipped(w->out, location, "the part could not be decoded", 1);
        return;
    }
    if (not_really_text(ba)) {
        scan_part(w, part, ba, location);
        return;
    }
    size_t max = w->lim->max_text;
    if (ba->len / 4 > max) {            /* no charset makes it shrink 4x */
        g_byte_array_unref(ba);
        ssx_add_skipped(w->out, location, "text part too large", 1);
        return;
    }
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    const char *charset = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
    ss_buf b = SS_BUF_INIT;
    ssx_text_decode(&b, ba->data, ba->len, charset);
    g_byte_array_unref(ba);
    if (is_text(GMIME_OBJECT(part), "plain") && param_is(ct, "format", "flowed"))
        ssx_unflow(&b, param_is(ct, "delsp", "yes"));
    if (ssx_is_directory_text(ct ? g_mime_content_type_get_media_subtype(ct) : NULL,
                              part_filename(GMIME_OBJECT(part))))
        ssx_unfold_directory(&b);
    if (b.len > max) {
        ss_buf_free(&b);
        ssx_add_skipped(w->out, location, "text part too large", 1);
        return;
    }
    if (is_text(GMIME_OBJECT(part), "html")) {
        add_html(w, &b, location);
        return;
    }
    size_t n = b.len;
    ssx_add_segment(w->out, ss_buf_steal(&b), n, location);
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
    ssx_walker *w;
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
        ssx_add_skipped(sc->w->out, loc, "text part too large", 1);
        return;
    }
    ss_buf b = SS_BUF_INIT;
    ssx_charset_utf8(&b, utf8, len, "utf-8");
    size_t n = b.len;
    ssx_add_segment(sc->w->out, ss_buf_steal(&b), n, loc);
}

static void scan_skip(ssx_out *o, const char *sub, const char *why, int unreadable)
{
    scan_ctx *sc = o->ctx;
    ssx_add_skipped(sc->w->out, scan_location(sc, sub), why, unreadable);
}

/* The attachment limits for one attachment: the message's clock. */
static void attach_limits(const ssx_walker *w, ss_attach_limits *al)
{
    *al = w->lim->attach;
    long left = ssx_ms_left(w);
    al->wall_ms = left < 0 ? 0 : left > 0 ? (unsigned long)left : 1;
}

/* Takes ba and location. */
static void scan_part(ssx_walker *w, GMimePart *part, GByteArray *ba,
                      char *location)
{
    GMimeObject *obj = GMIME_OBJECT(part);
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    char *type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    const char *charset = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
    scan_ctx sc = { w, location };
    ssx_out o = { scan_text, scan_skip, &sc, w->attach_bytes };
    ss_attach_limits al;
    attach_limits(w, &al);
    ssx_scan(ba->data, ba->len, part_filename(obj), type, charset,
             &al, w->lim->worker, &o);
    w->attach_bytes = o.total;
    g_free(type);
    g_byte_array_unref(ba);
    free(location);
}

static void read_attachment(ssx_walker *w, GMimePart *part, char *location,
                            size_t depth)
{
    GByteArray *ba = decode_leaf(w, part);
    if (!ba) {
        ssx_add_skipped(w->out, location, "the part could not be decoded", 1);
        return;
    }
    GMimeMessage *msg = ssx_attached_message(part, ba);
    if (msg) {
        /* read as the message it is, one MIME level deeper */
        char *prefix = ssx_nested_prefix(location);
        ssx_read_message(w, msg, prefix, depth + 1);
        free(prefix);
        free(location);
        g_object_unref(msg);
        g_byte_array_unref(ba);
        return;
    }
    scan_part(w, part, ba, location);
}

/* The file name is text a person typed: a segment of its own. */
static void add_name(ssx_walker *w, const ssx_level *lv, const char *fname)
{
    char *loc = ssx_loc_make(lv, "the name of attachment", fname);
    gchar *v = g_utf8_make_valid(fname, -1);
    char *t = ss_xstrdup(v);
    g_free(v);
    ssx_add_segment(w->out, t, strlen(t), loc);
}

/* Add a named part to the attachment list; returns its index. */
static size_t list_attachment(ssx_walker *w, const ssx_level *lv, GMimeObject *obj,
                              const char *loc, const char *fname, size_t size)
{
    char *name_loc = ssx_loc_make(lv, "the name of attachment", fname);
    char *type = ssx_mime_type(obj);
    size_t at = ssx_add_attachment(w->out, loc, name_loc, type, size);
    free(name_loc);
    free(type);
    return at;
}

/* Bytes a whole message takes written out: an attached message's size. */
static size_t message_size(GMimeMessage *msg)
{
    GMimeStream *null = g_mime_stream_null_new();
    gssize n = g_mime_object_write_to_stream(GMIME_OBJECT(msg), NULL, null);
    g_object_unref(null);
    return n < 0 ? SIZE_MAX : (size_t)n;
}

/* A named text/... part that is really a saved message ("x.eml" sent as
 * text/plain) is read as the message it is. */
static int named_message(const char *fname)
{
    const char *dot = fname ? strrchr(fname, '.') : NULL;
    return dot && g_ascii_strcasecmp(dot, ".eml") == 0;
}

static void walk(ssx_walker *w, ssx_level *lv, GMimeObject *obj, size_t depth);

static void read_leaf(ssx_walker *w, ssx_level *lv, GMimePart *part,
                      size_t depth)
{
    GMimeObject *obj = GMIME_OBJECT(part);
    const char *fname = part_filename(obj);

    if (fname)
        add_name(w, lv, fname);
    char *loc = ssx_leaf_location(lv, obj, fname);
    w->attach_at = fname ? list_attachment(w, lv, obj, loc, fname, SIZE_MAX) : SIZE_MAX;
    ssx_read_fields(w, lv, obj, loc);
    ssx_other_readings(w, part, loc);
    GMimeObject *alt = ssx_other_structure(part);
    if (alt) {                       /* as a reader taking the first type sees it */
        walk(w, lv, alt, depth + 1);
        g_object_unref(alt);
    }
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    const char *media = ct ? g_mime_content_type_get_media_type(ct) : NULL;
    if (ssx_ms_left(w) == 0)
        ssx_add_skipped(w->out, loc, SSX_WHY_SLOW, 1);
    else if (media && g_ascii_strcasecmp(media, "text") == 0 && !named_message(fname))
        read_text_part(w, part, loc);
    else if (is_encrypted_type(obj))
        ssx_add_skipped(w->out, loc, "encrypted content cannot be read", 1);
    else if (is_signature_type(obj))
        ssx_add_skipped(w->out, loc, "a digital signature, which holds no text", 0);
    else if (GMIME_IS_MESSAGE_PARTIAL(obj))
        ssx_add_skipped(w->out, loc, "a message split into fragments cannot be read", 1);
    else
        read_attachment(w, part, loc, depth);
}

/* ---- the walk ---------------------------------------------------------- */


/* Text around the parts (prologue, epilogue) is delivered and shown by
 * some readers: a segment of its own. */
static void add_around(ssx_walker *w, ssx_level *lv, const char *text, const char *where)
{
    if (!text || !*text)
        return;
    ss_buf b = SS_BUF_INIT;
    ssx_text_decode(&b, (const unsigned char *)text, strlen(text), NULL);
    size_t n = b.len;
    ssx_add_segment(w->out, ss_buf_steal(&b), n, ssx_loc_make(lv, where, NULL));
}

/* No parts found: the body sits in the prologue. It was scanned as text;
 * read the parts its delimiter lines give, or record it unread. */
static void walk_broken(ssx_walker *w, ssx_level *lv, GMimeMultipart *mp, size_t depth)
{
    const char *body = g_mime_multipart_get_prologue(mp);
    if (body) {
        char *loc = ssx_loc_make(lv, "the text before the first part", NULL);
        ssx_prologue_readings(w, GMIME_OBJECT(mp), body, loc);
        free(loc);
    }
    GMimeObject *guess = body ? ssx_guess_parts(body, strlen(body)) : NULL;
    if (!guess) {
        lv->leaf++;
        ssx_add_skipped(w->out, ssx_part_location(lv, GMIME_OBJECT(mp)),
                        "a multipart whose parts could not be found", 1);
        return;
    }
    GMimeMultipart *g = GMIME_MULTIPART(guess);
    int n = g_mime_multipart_get_count(g);
    for (int i = 0; i < n && !w->stopped; i++)
        walk(w, lv, g_mime_multipart_get_part(g, i), depth + 1);
    g_object_unref(guess);
}

static void walk_children(ssx_walker *w, ssx_level *lv, GMimeMultipart *mp,
                          size_t depth)
{
    add_around(w, lv, g_mime_multipart_get_prologue(mp), "the text before the first part");
    int n = g_mime_multipart_get_count(mp);
    if (n == 0)
        walk_broken(w, lv, mp, depth);
    for (int i = 0; i < n && !w->stopped; i++)
        walk(w, lv, g_mime_multipart_get_part(mp, i), depth + 1);
    add_around(w, lv, g_mime_multipart_get_epilogue(mp), "the text after the last part");
}

/* Checks the limits for one MIME object; 0 if it may be read. */
static int over_limits(ssx_walker *w, ssx_level *lv, GMimeObject *obj, size_t depth)
{
    if (++w->nparts > w->lim->max_parts) {
        lv->leaf++;
        ssx_add_skipped(w->out, ssx_part_location(lv, obj),
                        "too many parts: this part and all after it were not read", 1);
        w->stopped = 1;
        return 1;
    }
    if (depth > w->lim->max_depth) {
        lv->leaf++;
        ssx_add_skipped(w->out, ssx_part_location(lv, obj), "nested too deeply", 1);
        return 1;
    }
    return 0;
}

/* message/rfc822: "forwarded message › …", or "attachment "NAME" › …"
 * when the sender attached it as a file. */
static void walk_message_part(ssx_walker *w, ssx_level *lv, GMimeObject *obj,
                              size_t depth)
{
    const char *fname = object_filename(obj);
    GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
    if (fname)
        add_name(w, lv, fname);
    char *where = fname ? ssx_loc_make(lv, "attachment", fname)
                        : ssx_part_location(lv, obj);
    if (fname)
        list_attachment(w, lv, obj, where, fname, inner ? message_size(inner) : SIZE_MAX);
    if (!inner) {
        ssx_add_skipped(w->out, where, "the forwarded message could not be read", 1);
        return;
    }
    char *prefix = fname ? ssx_nested_prefix(where) : ssx_loc_make(lv, FWD_PREFIX, NULL);
    ssx_read_message(w, inner, prefix, depth + 1);
    free(prefix);
    free(where);
}

static void walk(ssx_walker *w, ssx_level *lv, GMimeObject *obj, size_t depth)
{
    if (!obj || w->stopped || over_limits(w, lv, obj, depth))
        return;
    if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
        lv->leaf++;
        ssx_add_skipped(w->out, ssx_part_location(lv, obj),
                        "encrypted content cannot be read", 1);
    } else if (GMIME_IS_MULTIPART(obj)) {
        walk_children(w, lv, GMIME_MULTIPART(obj), depth);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        lv->leaf++;
        walk_message_part(w, lv, obj, depth);
    } else if (GMIME_IS_PART(obj)) {
        lv->leaf++;
        read_leaf(w, lv, GMIME_PART(obj), depth);
    } else {
        lv->leaf++;
        ssx_add_skipped(w->out, ssx_part_location(lv, obj), "an unknown kind of part", 1);
    }
}

void ssx_read_message(ssx_walker *w, GMimeMessage *msg, const char *prefix,
                      size_t depth)
{
    ssx_level lv = { prefix, 0, 0, 0 };
    ssx_read_fields(w, &lv, GMIME_OBJECT(msg), NULL);
    GMimeObject *root = g_mime_message_get_mime_part(msg);
    if (!root)
        return;
    size_t budget = w->lim->max_parts;
    count_bodies(root, &lv, &budget);
    walk(w, &lv, root, depth);
}

/* ---- entry points ------------------------------------------------------ */

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

static int extract_stream(GMimeStream *stream, const ss_extract_limits *lim,
                          ss_extract *out, char *err, size_t errlen)
{
    static const ss_extract_limits defaults = SS_EXTRACT_LIMITS_DEFAULT;
    if (lim) {
        out->on_segment = lim->on_segment;
        out->on_segment_arg = lim->on_segment_arg;
    }
    GMimeParserOptions *opts = ssx_parser_options();
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
    int rc = -1;

    if (!msg) {
        set_err(err, errlen, "not an email message: no header block found");
    } else if (ssx_header_count(msg) == 0) {
        set_err(err, errlen, "not an email message: no header fields");
    } else {
        ssx_walker w = { lim ? lim : &defaults, out, 0, 0, 0, SIZE_MAX, { 0, 0 } };
        set_deadline(&w, w.lim->max_seconds);
        const char *id = g_mime_message_get_message_id(msg);
        const char *subject = g_mime_message_get_subject(msg);
        out->message_id = id ? ss_xstrdup(id) : NULL;
        if (subject) {
            gchar *v = g_utf8_make_valid(subject, -1);
            out->subject = ss_xstrdup(v);
            g_free(v);
        }
        ssx_read_message(&w, msg, "", 0);
        char *purpose = ssx_purpose_header(msg);
        if (purpose)
            ssx_add_segment(out, purpose, strlen(purpose), ss_xstrdup(SSX_PURPOSE_HEADER));
        ssx_read_purpose(out);
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
    ss_text_init();
    size_t rlen = 0;
    char *fixed = ssx_repair(msg, len, &rlen);   /* as a lenient reader splits it */
    GMimeStream *s = fixed ? g_mime_stream_mem_new_with_buffer(fixed, rlen)
                           : g_mime_stream_mem_new_with_buffer(msg, len);
    free(fixed);
    int rc = extract_stream(s, lim, out, err, errlen);
    g_object_unref(s);
    if (rc < 0)
        ss_extract_free(out);
    return rc;
}

/* A spilled message that needs repair (repair.c) is read from memory;
 * the usual one straight from the file. 1: done here, rc set. */
static int extract_fd_repaired(int fd, const ss_extract_limits *lim, ss_extract *out,
                               char *err, size_t errlen, int *rc)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0)
        return 0;
    off_t at = lseek(fd, 0, SEEK_CUR);
    if (at < 0 || at >= st.st_size)
        return 0;
    size_t len = (size_t)(st.st_size - at);
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return 0;
    size_t rlen = 0;
    char *fixed = ssx_repair((const char *)map + at, len, &rlen);
    munmap(map, (size_t)st.st_size);
    if (!fixed)
        return 0;
    *rc = ss_extract_mem(fixed, rlen, lim, out, err, errlen);
    free(fixed);
    return 1;
}

int ss_extract_fd(int fd, const ss_extract_limits *lim,
                  ss_extract *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (fd < 0) {
        set_err(err, errlen, "no message file");
        return -1;
    }
    ss_text_init();
    int rc;
    if (extract_fd_repaired(fd, lim, out, err, errlen, &rc))
        return rc;
    GMimeStream *s = g_mime_stream_fs_new(fd);
    g_mime_stream_fs_set_owner(GMIME_STREAM_FS(s), FALSE);
    if (g_mime_stream_length(s) == 0) {
        g_object_unref(s);
        set_err(err, errlen, "empty message");
        return -1;
    }
    rc = extract_stream(s, lim, out, err, errlen);
    g_object_unref(s);
    if (rc < 0)
        ss_extract_free(out);
    return rc;
}
