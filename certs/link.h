/* Signed, expiring links in notices (issue 15): the DSL's "waiting"
 * notice links to the held message's page on safeshare-review (which
 * still asks them to sign in), and the sender's "being checked" notice to
 * a page about their one message. The link names the page and carries
 *
 *   t=v1.<expires>.<mac>
 *
 * where mac is the first 16 bytes (hex) of HMAC-SHA256, under a key
 * derived from ReleaseKey, over the kind of page, the reference and the
 * expiry. A link for one message or one kind of page does not open
 * another; an edited expiry breaks the signature. */
#ifndef SS_CERTS_LINK_H
#define SS_CERTS_LINK_H

#include <stddef.h>
#include <time.h>

#define SS_LINK_MAX 64            /* a token with its NUL */

typedef enum {
    SS_LINK_DSL = 'd',            /* the message page, for a reviewer */
    SS_LINK_SENDER = 's'          /* the sender's page about their message */
} ss_link_kind;

typedef enum {
    SS_LINK_OK = 0,
    SS_LINK_FORGED,               /* malformed or not signed for this page */
    SS_LINK_EXPIRED
} ss_link_result;

/* The link key, derived from the site's ReleaseKey (at least 32 bytes):
 * the release key itself never signs a link. 0 or -1. */
int ss_link_key(const unsigned char *release_key, size_t keylen, unsigned char out[32]);

/* The token for a page about ref that works until expires. 0 or -1. */
int ss_link_make(const unsigned char key[32], ss_link_kind kind, const char *ref,
                 time_t expires, char out[SS_LINK_MAX]);

/* Check a token against the page it was presented on. The signature is
 * compared in constant time before the expiry is believed. */
ss_link_result ss_link_check(const unsigned char key[32], ss_link_kind kind, const char *ref,
                             const char *token, time_t now);

#endif
