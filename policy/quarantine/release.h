/* Releasing held mail (issue 4): what a release token is bound to, the
 * message as it is re-injected, and the SMTP submission.
 *
 * The release command and the milter must hash the same message, though
 * it travels between them through an MTA that prepends trace headers, may
 * turn CRLF into LF, refold a header or add a final line ending, and hands
 * the milter each header as name and value. So the hash is over a
 * canonical form: every header field with its name lower-case and its
 * value unfolded, runs of blanks one space, trimmed, the
 * X-Safeshare-Release fields left out; then the BODY (after the first
 * empty line) with every CR removed and trailing line feeds dropped. On
 * the milter's side only the fields after the first X-Safeshare-Release
 * field count: the release puts the token first, so what the MTA adds is
 * above it. (certs/token.h binds the token to this hash and the envelope.) */
#ifndef SS_RELEASE_H
#define SS_RELEASE_H

#include <stddef.h>
#include <time.h>
#include "base/buf.h"

/* A running body hash over a whole message fed in pieces. */
typedef struct {
    void *md;              /* EVP_MD_CTX * */
    int in_body;           /* past the empty line that ends the headers */
    int at_line_start;     /* the last byte (CRs aside) was a line feed */
    size_t nl_pending;     /* line feeds held back: dropped if they end it */
    int failed;
} ss_bodyhash;

int ss_bodyhash_init(ss_bodyhash *h);                 /* 0 or -1 */
void ss_bodyhash_add(ss_bodyhash *h, const void *p, size_t n);
/* 0 and the digest, or -1 (OpenSSL failed). Frees h either way. */
int ss_bodyhash_final(ss_bodyhash *h, unsigned char out[32]);

/* The body hash of a whole message in memory. 0 or -1. */
int ss_release_body_sha256(const char *msg, size_t len, unsigned char out[32]);

/* The canonical hash of a whole message fed in pieces (above); with
 * after_token, only the fields after its first X-Safeshare-Release field. */
typedef struct {
    ss_bodyhash body;
    ss_buf head;           /* the header section so far, CRs removed */
    int head_done;
    int after_token;
} ss_msghash;

int ss_msghash_init(ss_msghash *h, int after_token);  /* 0 or -1 */
void ss_msghash_add(ss_msghash *h, const void *p, size_t n);
/* 0 and the digest, or -1. Frees h either way. */
int ss_msghash_final(ss_msghash *h, unsigned char out[32]);

/* The whole message in memory, or read from fd's current offset to its
 * end. 0 or -1. */
int ss_release_msg_sha256(const char *msg, size_t len, int after_token,
                          unsigned char out[32]);
int ss_release_msg_sha256_fd(int fd, int after_token, unsigned char out[32]);

/* The message to re-inject: "X-Safeshare-Release: token" first, then msg
 * with any X-Safeshare-Release header it already carries removed (a
 * sender's forged one would otherwise ride along with the real one). */
void ss_release_message(const char *msg, size_t len, const char *token, ss_buf *out);

/* The release of held message msg (reference ref), to be submitted with
 * envelope from -> to: a fresh token made with key now, bound to ref, to
 * msg and to that envelope, in front of msg (ss_release_message). 0, or
 * -1 (a key too short, an invalid reference). */
int ss_release_build(const unsigned char *key, size_t keylen, const char *ref,
                     const char *from, const char *const *to, size_t nto,
                     const char *msg, size_t len, time_t now, ss_buf *out);

/* Submit msg over SMTP (libcurl) to url (smtp://host:port) with the given
 * envelope; sender "" is the null sender <>. 0 when the server accepted
 * it for every recipient, else -1 with err (the server's answer). */
int ss_release_submit(const char *url, const char *sender, const char *const *rcpts,
                      size_t nrcpts, const char *msg, size_t len, char *err, size_t errlen);

/* The same submission with the limits given in seconds: connecting, and
 * the whole transaction. ss_release_submit allows 15 and 300 (a large
 * held message); notices use short ones, so a stuck relay never keeps a
 * thread for long. */
int ss_release_submit_timed(const char *url, const char *sender, const char *const *rcpts,
                            size_t nrcpts, const char *msg, size_t len, long connect_secs,
                            long total_secs, char *err, size_t errlen);

#endif
