/* MIME message → UTF-8 text segments, each with a location a person can read.
 * Nothing matches across segments (spec §0.1): each Subject, text part and
 * (later) attachment is its own segment. */
#ifndef SS_EXTRACT_H
#define SS_EXTRACT_H

#include <stddef.h>
#include "reader/reader.h"

struct ss_segment {
    char *text;       /* UTF-8, NUL-terminated, decoded and charset-converted */
    size_t len;
    char *location;   /* "the subject", "the message body", "the HTML body",
                         "the HTML body (hidden text)",
                         "forwarded message › the message body",
                         "attachment \"a.eml\" › the message body" */
};

/* A part we did not (or could not) read. Never silently skipped: the
 * decision records it and, where the policy says so, acts on it. */
typedef struct {
    char *location;   /* "attachment \"referral.docx\"" */
    char *why;        /* "attachments are not scanned yet", "corrupt base64" */
    int unreadable;   /* 1: could not be decoded (fail closed); 0: not scanned by design */
} ss_unscanned;
typedef struct ss_segment ss_segment;

/* Called with each segment as soon as it is read, in order (index is its
 * place in segs[]). Returning 1 lets its text go (it becomes ""), so a
 * large message never holds every part's text at once: the caller has
 * read what it needs (the engine detects there and then). The subject and
 * the purpose header keep their text whatever it returns: the purpose is
 * read from them after the walk. */
typedef int ss_segment_fn(void *arg, const ss_segment *s, size_t index);

typedef struct {
    size_t max_depth;     /* MIME nesting; deeper parts become unscanned (unreadable) */
    size_t max_parts;     /* parts beyond this become unscanned (unreadable) */
    size_t max_text;      /* bytes of decoded text per segment; beyond: unreadable */
    ss_attach_limits attach;  /* archives and the extraction worker */
    const char *worker;   /* safeshare-extract path; NULL: $SAFESHARE_EXTRACT,
                             else the installed one */
    unsigned max_seconds; /* wall clock for the whole message (MaxScanTime);
                             a part not started or cut off by it is
                             unreadable. 0: no limit */
    ss_segment_fn *on_segment;   /* NULL: every segment kept whole */
    void *on_segment_arg;
} ss_extract_limits;

/* attach.max_total_bytes counts across all the message's attachments. */
#define SS_EXTRACT_LIMITS_DEFAULT { 20, 500, 64u * 1024 * 1024, \
                                    SS_ATTACH_LIMITS_DEFAULT, NULL, 60, NULL, NULL }

/* A part the sender attached as a file, as a reviewer needs to see it
 * listed: what segments and skipped parts inside it are named after. */
typedef struct {
    char *location;   /* "attachment \"referral.docx\"" (the segments' prefix) */
    char *name_location;  /* "the name of attachment \"referral.docx\"" */
    char *type;       /* the type the sender's mail program gave it, lower case */
    size_t size;      /* bytes once transfer-decoded; SIZE_MAX: could not be decoded */
} ss_attachment;

typedef struct {
    ss_segment *segs;
    size_t nsegs, segcap;
    ss_unscanned *skipped;
    size_t nskipped, skipcap;
    ss_attachment *attach;    /* every named part, at any depth, in order */
    size_t nattach, attachcap;
    char *message_id;     /* without <>, or NULL */
    char *subject;        /* decoded, or NULL (for the practitioner's reply) */
    /* The purpose of the share, as the sender stated it (purpose.c): in
     * an X-Share-Purpose header, else a "[share: ...]" tag in the
     * subject. Only where it is, never a copy: it is recorded masked. */
    const char *purpose_from;  /* "header", "subject", or NULL: none */
    size_t purpose_seg, purpose_off, purpose_len;  /* its bytes in segs[] */
    char *subject_untagged;    /* the Subject header value to deliver with the
                                  tag removed (encoded), or NULL: no tag */
    ss_segment_fn *on_segment; /* from the limits (ss_extract_limits) */
    void *on_segment_arg;
} ss_extract;

/* Parse a whole RFC 5322 message (headers + body, CRLF or LF).
 * Returns 0 on success; -1 when the message cannot be parsed at all, with a
 * reason in err. Individual bad parts do not fail the call: they are added
 * to skipped[] with unreadable=1. */
int ss_extract_mem(const char *msg, size_t len, const ss_extract_limits *lim,
                   ss_extract *out, char *err, size_t errlen);
/* The same from a file descriptor positioned at the message start (the
 * milter's spilled body). The fd is not closed. */
int ss_extract_fd(int fd, const ss_extract_limits *lim,
                  ss_extract *out, char *err, size_t errlen);
void ss_extract_free(ss_extract *x);

/* The values of every header field called name (case-insensitive) in the
 * message's top header block, in order, at most max, whitespace trimmed;
 * *out is malloc'd, as is each value. Returns how many. */
size_t ss_header_values(const char *msg, size_t len, const char *name, size_t max,
                        char ***out);

/* Reduce HTML to the text a reader sees: tags removed (block tags become
 * line breaks), entities decoded, <script>/<style> contents dropped. Returns
 * a malloc'd UTF-8 string; *outlen set if not NULL. */
char *ss_html_to_text(const char *html, size_t len, size_t *outlen);
/* The same, and what is delivered but not shown — comments, <script>,
 * <style>, <head> with its <title>, display:none elements — returned apart
 * in *hidden (malloc'd, "" when there is none; lengths may be NULL), one
 * piece per line, so nothing joins visible text into one number. */
char *ss_html_split(const char *html, size_t len, size_t *outlen,
                    char **hidden, size_t *hiddenlen);


#endif
