/* Attachments: telling formats apart and reading each one's text.
 *
 * Complex formats (ZIP, Office, PDF) are parsed in a worker process with
 * memory and CPU limits (policy/worker.c, program safeshare-extract), so a
 * hostile file can crash or hang only the worker, never the milter. The
 * format readers below are plain functions so they can be unit-tested in
 * process; the worker calls them and streams their output back. */
#ifndef SS_ATTACH_H
#define SS_ATTACH_H

#include <stddef.h>

typedef struct {
    size_t max_archive_bytes;   /* decompressed bytes from one archive */
    size_t max_total_bytes;     /* decompressed bytes in one attachment tree */
    size_t max_archive_depth;   /* archives (and Office files) inside archives */
    size_t max_entries;         /* entries read from one archive */
    unsigned max_seconds;       /* CPU seconds for one worker */
    size_t max_memory;          /* address space for one worker, bytes */
} ss_attach_limits;

#define SS_ATTACH_LIMITS_DEFAULT { 100u << 20, 200u << 20, 3, 10000, 10, 512u << 20 }

/* Where a reader's results go. `sub` is a location relative to the
 * attachment, e.g. "sheet \"Pupils\"", "\"notes.docx\" › the document",
 * or "" for the attachment as a whole. */
typedef struct ssx_out ssx_out;
struct ssx_out {
    void (*text)(ssx_out *o, const char *sub, const char *utf8, size_t len);
    void (*skip)(ssx_out *o, const char *sub, const char *why, int unreadable);
    void *ctx;
    size_t total;               /* decompressed bytes so far (readers add to it) */
};

/* Every reader has this shape. Returns 0 when the input was read (even if
 * some inner parts were skipped and reported), -1 when the input as a whole
 * could not be read (the reader has called o->skip(..., unreadable=1)). */
typedef int ssx_reader(const unsigned char *data, size_t len, const char *sub,
                       const ss_attach_limits *lim, int depth, ssx_out *o);

ssx_reader ssx_read_pdf;        /* policy/fmt_pdf.c (poppler-glib) */

#endif
