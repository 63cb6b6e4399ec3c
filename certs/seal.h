/* Encryption at rest: a file sealed with AES-256-GCM under a key derived
 * from a key file's secret, bound to a kind and a reference. The
 * quarantine store keeps held mail this way (man safeshare-quarantine(5)). */
#ifndef SS_CERTS_SEAL_H
#define SS_CERTS_SEAL_H

#include <stddef.h>
#include "base/buf.h"

enum { SS_SEAL_OK = 0, SS_SEAL_UNREADABLE, SS_SEAL_DAMAGED, SS_SEAL_NO_KEY };

/* A sealed file: "SSQE", version 1, kind ('M' message, 'J' record), two
 * zero bytes, 12-byte nonce, 16-byte GCM tag, then the ciphertext. The
 * first 20 bytes and the reference are the AAD, so a file cannot be moved
 * to another reference or swapped between .msg and .json unnoticed. */
#define SS_SEAL_MAGIC "SSQE"
#define SS_SEAL_VERSION 1
#define SS_SEAL_NONCE_AT 8
#define SS_SEAL_TAG_AT 20
#define SS_SEAL_HDR 36
#define SS_SEAL_AES 32

/* AES key from the key file's bytes (HMAC-SHA256 with a fixed label, so
 * the same secret used elsewhere yields an unrelated key). -1 if keylen
 * is below 32. */
int ss_seal_derive(const unsigned char *key, size_t keylen, unsigned char aes[SS_SEAL_AES]);

/* Writes plain bytes, or seals them when aes is non-NULL. */
typedef struct {
    int fd;
    void *ctx;                  /* EVP_CIPHER_CTX * while sealing */
    unsigned char hdr[SS_SEAL_HDR];
    unsigned char *scratch;
    size_t scap;
} ss_seal_writer;

int ss_seal_writer_open(ss_seal_writer *w, int fd, const unsigned char *aes,
                      char kind, const char *ref);
int ss_seal_write(ss_seal_writer *w, const void *p, size_t n);
/* Finish: the tag goes into the header. 0 or -1; frees w either way. */
int ss_seal_writer_close(ss_seal_writer *w);

/* Read the whole of fd (at most max bytes) into out: SS_SEAL_OK, or
 * SS_SEAL_UNREADABLE (I/O), SS_SEAL_DAMAGED (too long, bad header, or it
 * fails authentication), SS_SEAL_NO_KEY (sealed, and aes is NULL). sealed: 1 expect a
 * sealed file, 0 plain, -1 decide by the magic (records: plain ones start
 * with '{'). *was_sealed (may be NULL) tells which it was. */
int ss_seal_read(int fd, const unsigned char *aes, char kind, const char *ref,
                   int sealed, size_t max, ss_buf *out, int *was_sealed);

#endif
