/* HMAC-SHA256 over one or more pieces, with OpenSSL's HMAC implementation
 * fetched once per process rather than on every call (HMAC() and a fresh
 * EVP_MAC_fetch look the algorithm up each time, which cost more than the
 * hashing for the short inputs the audit record keys: one per finding and
 * one per record). Thread-safe. */
#ifndef SS_CERTS_HMAC_H
#define SS_CERTS_HMAC_H

#include <stddef.h>

#define SS_HMAC_LEN 32

typedef struct {
    const void *p;
    size_t n;
} ss_hmac_piece;

/* out = HMAC-SHA256(key, pieces[0] || pieces[1] || ...). 0, or -1. */
int ss_hmac_sha256(const unsigned char *key, size_t keylen, const ss_hmac_piece *pieces,
                   size_t npieces, unsigned char out[SS_HMAC_LEN]);

#endif
