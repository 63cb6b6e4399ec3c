/* Releasing held mail (issue 4): the body hash a release token is bound
 * to, the message as it is re-injected, and the SMTP submission.
 *
 * The release command (safesharectl) and the milter must hash the same
 * bytes, though the message travels between them through an MTA that
 * prepends trace headers and may turn CRLF into LF or add a final line
 * ending. So the hash is over the BODY (after the first empty line) with
 * every CR removed and trailing line feeds dropped: what both ends see
 * alike. Headers, where the MTA writes, are not covered; the token header
 * itself lives there. */
#ifndef SS_RELEASE_H
#define SS_RELEASE_H

#include <stddef.h>
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

/* The whole message in memory, or read from fd's current offset to its
 * end. 0 or -1. */
int ss_release_body_sha256(const char *msg, size_t len, unsigned char out[32]);
int ss_release_body_sha256_fd(int fd, unsigned char out[32]);

/* The message to re-inject: "X-Safeshare-Release: token" first, then msg
 * with any X-Safeshare-Release header it already carries removed (a
 * sender's forged one would otherwise ride along with the real one). */
void ss_release_message(const char *msg, size_t len, const char *token, ss_buf *out);

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
