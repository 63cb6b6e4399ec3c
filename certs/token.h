/* Release tokens: what lets a message the DSL released pass the milter
 * once. A token is signed with the site's ReleaseKey (HMAC-SHA256) and
 * names the quarantine reference and the time it was issued; it is bound
 * to the held message as a whole (its header fields and body, hashed by
 * quarantine/release.h) and to its envelope (the sender and the sorted
 * recipients). It travels in one header:
 *
 *   X-Safeshare-Release: v2.SS-7KQ2-M9XD.1732352400.<msg sha256>.<envelope sha256>.<hmac>
 *
 * So a token lifted from a re-injected message is no bearer credential:
 * on another message (another Subject, one more identifier), from
 * another sender or to other recipients it does not verify. (v1 tokens,
 * bound to the body alone, are refused; `safesharectl quarantine release
 * REF --resend` issues a v2 one for a message released before.)
 *
 * A token is valid for one message, one envelope, one reference, max_age
 * seconds. It is single-use because the store is the arbiter: after
 * ss_token_check says SS_TOK_OK, the milter calls
 * ss_quarantine_consume_token(ref) and honours the token only if that
 * succeeds (quarantine.h has the whole protocol). Anything else is treated
 * as a message carrying no token, never as an error that lets it through. */
#ifndef SS_TOKEN_H
#define SS_TOKEN_H

#include <stddef.h>
#include <time.h>

#define SS_TOKEN_HEADER "X-Safeshare-Release"
#define SS_TOKEN_MAX 256            /* buffer size for a token, with NUL */
#define SS_TOKEN_KEY_MIN 32         /* bytes of ReleaseKey at least */
/* More release headers than this on one message is not a release, just
 * noise: only the first ones are checked (all are removed). */
#define SS_TOKEN_MAX_HEADERS 4

typedef enum {
    SS_TOK_OK = 0,
    SS_TOK_FORGED,                  /* malformed, or not signed with our key */
    SS_TOK_EXPIRED,                 /* older than max_age, or from the future */
    SS_TOK_WRONG_MESSAGE,           /* signed, but for another message */
    SS_TOK_WRONG_ENVELOPE           /* signed, but for another sender or recipients */
} ss_token_result;

/* What a token is bound to. */
typedef struct {
    unsigned char msg[32];          /* the held message (ss_release_msg_sha256) */
    unsigned char env[32];          /* its envelope (ss_token_envelope) */
} ss_token_bind;

/* SHA-256 of an envelope: the sender and the recipients, each lower-case,
 * the recipients sorted, so the order of RCPT commands does not matter
 * and nothing can be added, dropped or swapped. */
void ss_token_envelope(const char *sender, const char *const *rcpts, size_t nrcpts,
                       unsigned char out[32]);

const char *ss_token_result_name(ss_token_result r); /* "ok", "forged", ... */

/* Write the token for ref and what it is bound to into out. 0, or -1 if
 * the key is shorter than SS_TOKEN_KEY_MIN or ref is not a valid
 * reference. */
int ss_token_make(const unsigned char *key, size_t keylen, const char *ref,
                  const ss_token_bind *bind, time_t issued, char out[SS_TOKEN_MAX]);

/* Check a header value (surrounding whitespace ignored) against the
 * message and envelope that carry it. On SS_TOK_OK, ref (may be NULL)
 * gets the reference; on anything else it is emptied. The signature is
 * compared in constant time, before anything else in the token is
 * believed. */
ss_token_result ss_token_check(const unsigned char *key, size_t keylen, const char *token,
                               const ss_token_bind *arrived, time_t now, long max_age,
                               char ref[32]);

#endif
