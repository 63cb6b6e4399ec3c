/* Internals of MIME extraction, shared by its files and by nothing else:
 *   extract.c      the walk over the MIME tree and the entry points
 *   extract_msg.c  bytes parsed as a message: the whole one, attached .eml
 *   location.c     the locations a person reads ("attachment \"x\" › …")
 *   html.c         HTML → visible and hidden text
 * Charsets are policy/text's job (text/charset.h). Not part of any
 * contract. */
#ifndef SS_EXTRACT_INT_H
#define SS_EXTRACT_INT_H

#include <stddef.h>
#include <time.h>

#include <gmime/gmime.h>

#include "base/buf.h"
#include "text/charset.h"
#include "extract.h"

typedef struct {          /* one message level */
    const char *prefix;   /* "", "forwarded message › ", "attachment \"a.eml\" › "... */
    size_t leaf;          /* leaf parts numbered so far at this level */
    size_t nplain, nhtml; /* inline text/plain and text/html parts here */
} ssx_level;

typedef struct {
    const ss_extract_limits *lim;
    ss_extract *out;
    size_t nparts;        /* MIME objects seen in the whole message */
    int stopped;          /* the part limit was hit: read nothing more */
    size_t attach_bytes;  /* decompressed attachment bytes so far (MaxTotalBytes) */
    size_t attach_at;     /* out->attach[] of the named leaf being read, or SIZE_MAX */
    struct timespec deadline;  /* MaxScanTime; tv_sec 0: none */
} ssx_walker;

/* ---- extract.c ---------------------------------------------------------- */

/* Take both strings. An empty text is dropped. */
void ssx_add_segment(ss_extract *x, char *text, size_t len, char *location);
void ssx_add_skipped(ss_extract *x, char *location, const char *why, int unreadable);
/* List a named part (copies of the strings are kept); returns its index.
 * size SIZE_MAX until the part is decoded. */
size_t ssx_add_attachment(ss_extract *x, const char *location, const char *name_location,
                          const char *type, size_t size);
/* Read a message (subject and MIME tree) at prefix, depth levels down. */
void ssx_read_message(ssx_walker *w, GMimeMessage *msg, const char *prefix,
                      size_t depth);
/* Milliseconds left before MaxScanTime: -1 when there is no deadline, 0
 * when it has passed. */
long ssx_ms_left(const ssx_walker *w);
#define SSX_WHY_SLOW "the message took too long to check"

/* ---- purpose.c ---------------------------------------------------------- */

/* The top-level message's X-Share-Purpose header, decoded and trimmed
 * (malloc'd), or NULL: the caller adds it as the segment
 * SSX_PURPOSE_HEADER, so it is scanned like the subject. */
#define SSX_PURPOSE_HEADER "the X-Share-Purpose header"
char *ssx_purpose_header(GMimeMessage *msg);

/* Where the sender states the purpose of the share, once the segments are
 * read: the SSX_PURPOSE_HEADER segment, else the subject's "[share: TEXT]"
 * tag ("share" in any case, spaces around it and its colon, TEXT not
 * empty and without brackets or line breaks). Fills x->purpose_*, and
 * x->subject_untagged when the subject has a tag. */
void ssx_read_purpose(ss_extract *x);

/* ---- extract_msg.c ------------------------------------------------------ */

/* A leaf part that holds a whole message (message/rfc822 with a name, a
 * .eml file, or bytes that are plainly an RFC 5322 message), parsed; NULL
 * when the part is not a message (read it as an ordinary attachment). */
GMimeMessage *ssx_attached_message(GMimePart *part, const GByteArray *ba);
/* The parser options every message is read with. */
GMimeParserOptions *ssx_parser_options(void);
/* Header fields of a parsed message; 0: it was not a message at all. */
int ssx_header_count(GMimeMessage *msg);

/* ---- repair.c ------------------------------------------------------------ */

/* The message as a lenient reader splits it: bare CRs as line ends, the
 * header block ended by its first non-header or whitespace-only line,
 * NULs in headers as U+2060. A malloc'd copy, or NULL when the bytes need
 * no repair. */
char *ssx_repair(const char *msg, size_t len, size_t *outlen);

/* ---- decode.c ------------------------------------------------------------ */

/* base64 read on past '=' padding and junk; a cut final quantum kept. */
void ssx_base64_lenient(const unsigned char *p, size_t n, GByteArray *out);
/* A header's raw value as a reader shows it, appended as UTF-8: unfolded,
 * each encoded-word decoded on its own. */
void ssx_header_text(ss_buf *out, const char *raw);

/* ---- readings.c ---------------------------------------------------------- */

/* A part's bytes as they stand in the message (still transfer-encoded). */
GByteArray *ssx_raw_content(GMimePart *part);
/* raw decoded by a Content-Transfer-Encoding value, leniently (base64 and
 * quoted-printable; anything else as it is). */
GByteArray *ssx_decode_as(const GByteArray *raw, const char *cte);
/* A part with two Content-Type or Content-Transfer-Encoding fields: a
 * segment for each other reading, at "location (read another way)". */
void ssx_other_readings(ssx_walker *w, GMimePart *part, const char *location);
/* The same for a multipart GMime found no parts in, whose body (its
 * prologue) a reader takes under another of its Content-Types. */
void ssx_prologue_readings(ssx_walker *w, GMimeObject *mp, const char *body,
                           const char *location);
/* A leaf GMime read under its last Content-Type that an earlier one makes
 * a multipart or a message: that structure, parsed (the caller walks and
 * unrefs it); NULL otherwise. */
GMimeObject *ssx_other_structure(GMimePart *part);
/* The parts a reader finds in a multipart body from its delimiter lines,
 * as a new multipart; NULL when there are none. */
GMimeObject *ssx_guess_parts(const char *body, size_t n);

/* ---- fields.c ------------------------------------------------------------ */

/* Every header field of obj a recipient can see, each as a segment:
 * "the subject" for the first Subject of a message, else
 * "the header \"NAME\"" (after the part's location for a part). */
void ssx_read_fields(ssx_walker *w, const ssx_level *lv, GMimeObject *obj,
                     const char *part_location);

/* ---- location.c --------------------------------------------------------- */

/* prefix + text, or prefix + text + " \"NAME\"" when name is given. */
char *ssx_loc_make(const ssx_level *lv, const char *text, const char *name);
/* The part's type/subtype, lower case, safe to show (malloc'd). */
char *ssx_mime_type(GMimeObject *obj);
/* "part N (type/subtype)" for the current leaf at this level. */
char *ssx_part_location(const ssx_level *lv, GMimeObject *obj);
/* Where a leaf's text is: the message body, the HTML body, an attachment
 * (fname not NULL), or part N. */
char *ssx_leaf_location(const ssx_level *lv, GMimeObject *obj, const char *fname);
/* "LOCATION › ", the prefix for a message read inside an attachment. */
char *ssx_nested_prefix(const char *location);

#endif
