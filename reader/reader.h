/* Attachments: telling formats apart and reading each one's text.
 *
 * Complex formats (ZIP, Office, PDF) are parsed in a worker process with
 * memory and CPU limits (reader/worker.c, program safeshare-extract), so a
 * hostile file can crash or hang only the worker, never the milter. The
 * format readers below are plain functions so they can be unit-tested in
 * process; the worker calls them and streams their output back.
 *
 * Two libraries: libsafeshare.a (linked by every program) holds only what
 * is safe in-process — sniffing, plain-text decoding and the worker's
 * parent side; libssread.a holds the parsers (libarchive, poppler) and is
 * linked by safeshare-extract and the reader tests, never by the milter. */
#ifndef SS_ATTACH_H
#define SS_ATTACH_H

#include <stddef.h>
#include "base/buf.h"
#include "text/charset.h"

typedef struct {
    size_t max_archive_bytes;   /* decompressed bytes from one archive */
    size_t max_total_bytes;     /* decompressed bytes in all (ssx_out.total
                                   counts them across calls) */
    size_t max_archive_depth;   /* archives (and Office files) inside archives */
    size_t max_entries;         /* entries read from one archive */
    unsigned max_seconds;       /* CPU seconds for one worker */
    size_t max_memory;          /* address space for one worker, bytes */
    unsigned long wall_ms;      /* wall clock left for the whole message, ms
                                   (parent side only); 0: no limit */
} ss_attach_limits;

#define SS_ATTACH_LIMITS_DEFAULT { 100u << 20, 200u << 20, 3, 10000, 10, 512u << 20, 0 }

/* Where a reader's results go. `sub` is a location relative to the
 * attachment, e.g. "sheet \"Pupils\"", "\"notes.docx\" › the document",
 * or "" for the attachment as a whole. */
typedef struct ssx_out ssx_out;
struct ssx_out {
    void (*text)(ssx_out *o, const char *sub, const char *utf8, size_t len);
    void (*skip)(ssx_out *o, const char *sub, const char *why, int unreadable);
    void *ctx;
    size_t total;               /* decompressed bytes so far, across every
                                   attachment of the message (readers add
                                   to it; ssx_scan carries it over) */
};

/* Every reader has this shape. Returns 0 when the input was read (even if
 * some inner parts were skipped and reported), -1 when the input as a whole
 * could not be read (the reader has called o->skip(..., unreadable=1)). */
typedef int ssx_reader(const unsigned char *data, size_t len, const char *sub,
                       const ss_attach_limits *lim, int depth, ssx_out *o);

ssx_reader ssx_read_pdf;        /* reader/fmt_pdf.c (poppler-glib); compiled
                                   in when pdf.am defines SS_HAVE_PDF */
ssx_reader ssx_read_docx;       /* reader/fmt_ooxml.c */
ssx_reader ssx_read_xlsx;
ssx_reader ssx_read_pptx;
ssx_reader ssx_read_odf;        /* reader/fmt_odf.c: ODT, ODS, ODP */
ssx_reader ssx_read_rtf;        /* reader/fmt_rtf.c */

/* ---- sniffing (reader/sniff.c, in libsafeshare) ------------------------ */

typedef enum {
    SSX_EMPTY,       /* nothing to read */
    SSX_TEXT,        /* text/ *, CSV: read in-process */
    SSX_ZIP,         /* ZIP family: plain ZIP, OOXML, ODF (told apart inside) */
    SSX_PDF,
    SSX_RTF,
    SSX_OLE,         /* legacy Office or password-protected OOXML */
    SSX_TNEF,        /* winmail.dat (application/ms-tnef) */
    SSX_OTHER        /* images, audio, unknown binary: not read */
} ssx_kind;

/* Magic bytes first, then content type, then file name extension. name
 * and ctype may be NULL. */
ssx_kind ssx_sniff(const unsigned char *data, size_t len,
                   const char *ctype, const char *name);
/* An RFC 5322 message saved as a file (.eml): header fields from the
 * first line (an mbox "From " line may come first), two of them fields
 * every mailer writes, ended by a blank line. */
int ssx_looks_like_message(const unsigned char *data, size_t len);
/* A short, lowercase description for "this kind of file is not read (…)":
 * the content type when it is given, else a name for the magic bytes. */
void ssx_describe(const unsigned char *data, size_t len, const char *ctype,
                  char *out, size_t outlen);

/* ---- dispatch (reader/attach.c, in libssread) -------------------------- */

/* Read one attachment or archive entry of any kind. name/ctype may be NULL. */
typedef int ssx_any_reader(const unsigned char *data, size_t len, const char *sub,
                           const char *name, const char *ctype,
                           const ss_attach_limits *lim, int depth, ssx_out *o);
ssx_any_reader ssx_read_any;

/* reader/fmt_archive.c: a plain ZIP archive, each entry read by member
 * (the dispatcher, passed down rather than called by name). */
int ssx_read_archive(const unsigned char *data, size_t len, const char *sub,
                     const ss_attach_limits *lim, int depth, ssx_out *o,
                     ssx_any_reader *member);

/* reader/fmt_tnef.c: winmail.dat, its bodies and each attached file read
 * by member (the dispatcher, passed down as for archives). */
int ssx_read_tnef(const unsigned char *data, size_t len, const char *sub,
                  const ss_attach_limits *lim, int depth, ssx_out *o,
                  ssx_any_reader *member);
/* Bytes that cannot hold text a person reads (images, audio, video, by
 * their magic or declared type): skipping them loses nothing. Any other
 * kind that is not read is unreadable (fail closed). */
int ssx_media_only(const unsigned char *data, size_t len, const char *ctype);

/* ---- shared helpers (reader/sub.c) ----------------------------------- */

/* reader/sub.c: a name made safe for a location: control characters
 * removed, '"' → '\'', cut at 60 characters, runs of 6+ digits masked '#'. */
char *ssx_clean_name(const char *name);
/* "12 MB", "3 KB", "10 bytes". */
void ssx_size_words(size_t n, char *out, size_t outlen);
/* The reason given when MaxTotalBytes stops a read. */
void ssx_why_total(size_t limit, char *out, size_t outlen);
/* "a › b" (either may be empty). Returns malloc'd. */
char *ssx_sub_join(const char *a, const char *b);
/* o->text at "sub › child", unless text is empty or only whitespace. */
void ssx_emit(ssx_out *o, const char *sub, const char *child, ss_buf *text);

/* ---- containment (reader/worker.c, in libsafeshare) -------------------- */

/* Read an attachment: plain text in-process, everything else by a reader
 * of the pool given to ssx_use_pool, or, when there is none, by a
 * safeshare-extract started for it at `worker` (NULL: $SAFESHARE_EXTRACT,
 * else the installed path). A reader that crashes, is killed, times out,
 * breaks the protocol or says it failed makes the attachment unreadable,
 * with a plain reason.
 * Unknown binary formats are reported skipped without starting a worker.
 * o->total on entry is what the message's earlier attachments used; on
 * return it includes this one. lim->wall_ms, when set, bounds the worker
 * by the message's clock ("the message took too long to check"). */
void ssx_scan(const unsigned char *data, size_t len, const char *name,
              const char *ctype, const char *charset,
              const ss_attach_limits *lim, const char *worker, ssx_out *o);

/* Start-up's check that attachments can be read at all: the reader at
 * ssx_worker_path(worker) exists, this user may run it, and it reads a
 * small RTF document back. 0, or -1 with why ("PATH: No such file or
 * directory", "PATH does not read a small RTF document: the reader
 * crashed"). */
int ssx_worker_probe(const char *worker, char *why, size_t whylen);

/* The reader program ssx_scan starts: worker, else $SAFESHARE_EXTRACT,
 * else the installed one. */
const char *ssx_worker_path(const char *worker);

/* The pool ssx_scan uses from now on (reader/pool.h; NULL: none). Set
 * once, before the threads that scan start (the milter does). */
typedef struct ss_pool ss_pool;
void ssx_use_pool(ss_pool *p);

/* The reader's side of the protocol (reader/frames.c): an ssx_out that
 * frames each record onto fd. */
void ssx_frame_out(ssx_out *o, int *fd);
void ssx_frame_total(int fd, size_t total);
void ssx_frame_end(int fd, int rc);

#endif
