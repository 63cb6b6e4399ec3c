/* Release tokens: what lets a message the DSL released pass the milter
 * once. A token is signed with the site's ReleaseKey (HMAC-SHA256), names
 * the quarantine reference, the time it was issued and the SHA-256 of
 * the message it releases, and travels in one header:
 *
 *   X-Safeshare-Release: v1.SS-7KQ2-M9XD.1732352400.<sha256 hex>.<hmac hex>
 *
 * The hash must be computed the same way by the release command and by
 * the milter. The MTA prepends trace headers the milter sees, so hash the
 * message body (what follows the blank line after the headers), as the
 * milter receives it in its body callbacks; the store's own sha256 (the
 * whole held message) is for integrity, not for this.
 *
 * A token is valid for one message, one reference, max_age seconds. It is
 * single-use because the store is the arbiter: after ss_token_check says
 * SS_TOK_OK, the milter calls ss_quarantine_consume_token(ref) and honours
 * the token only if that succeeds (quarantine.h has the whole protocol).
 * Anything else is treated as a message carrying no token, never as an
 * error that lets it through. */
#ifndef SS_TOKEN_H
#define SS_TOKEN_H

#include <stddef.h>
#include <time.h>

#define SS_TOKEN_HEADER "X-Safeshare-Release"
#define SS_TOKEN_MAX 192            /* buffer size for a token, with NUL */
#define SS_TOKEN_KEY_MIN 32         /* bytes of ReleaseKey at least */
/* More release headers than this on one message is not a release, just
 * noise: only the first ones are checked (all are removed). */
#define SS_TOKEN_MAX_HEADERS 4

typedef enum {
    SS_TOK_OK = 0,
    SS_TOK_FORGED,                  /* malformed, or not signed with our key */
    SS_TOK_EXPIRED,                 /* older than max_age, or from the future */
    SS_TOK_WRONG_MESSAGE            /* signed, but for another message body */
} ss_token_result;

const char *ss_token_result_name(ss_token_result r); /* "ok", "forged", ... */

/* Write the token for ref and the message hash into out. 0, or -1 if the
 * key is shorter than SS_TOKEN_KEY_MIN or ref is not a valid reference. */
int ss_token_make(const unsigned char *key, size_t keylen, const char *ref,
                  const unsigned char msg_sha256[32], time_t issued,
                  char out[SS_TOKEN_MAX]);

/* Check a header value (surrounding whitespace ignored). On SS_TOK_OK,
 * ref (may be NULL) gets the reference; on anything else it is emptied.
 * The signature is compared in constant time, before anything else in
 * the token is believed. */
ss_token_result ss_token_check(const unsigned char *key, size_t keylen, const char *token,
                               const unsigned char msg_sha256[32], time_t now,
                               long max_age, char ref[32]);

#endif
