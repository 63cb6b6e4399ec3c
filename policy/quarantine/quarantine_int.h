/* Inside the quarantine store: the sealed-file format shared by the
 * store (quarantine.c) and its encryption (qcrypt.c). Not for callers. */
#ifndef SS_QUARANTINE_INT_H
#define SS_QUARANTINE_INT_H

#include <stddef.h>
#include "base/buf.h"
#include "quarantine.h"

/* A sealed file: "SSQE", version 1, kind ('M' message, 'J' record), two
 * zero bytes, 12-byte nonce, 16-byte GCM tag, then the ciphertext. The
 * first 20 bytes and the reference are the AAD, so a file cannot be moved
 * to another reference or swapped between .msg and .json unnoticed. */
#define SS_QC_MAGIC "SSQE"
#define SS_QC_VERSION 1
#define SS_QC_NONCE_AT 8
#define SS_QC_TAG_AT 20
#define SS_QC_HDR 36
#define SS_QC_AES 32

/* AES key from the key file's bytes (HMAC-SHA256 with a fixed label, so
 * the same secret used elsewhere yields an unrelated key). -1 if keylen
 * is below 32. */
int ss_qc_derive(const unsigned char *key, size_t keylen, unsigned char aes[SS_QC_AES]);

/* Writes plain bytes, or seals them when aes is non-NULL. */
typedef struct {
    int fd;
    void *ctx;                  /* EVP_CIPHER_CTX * while sealing */
    unsigned char hdr[SS_QC_HDR];
    unsigned char *scratch;
    size_t scap;
} ss_qc_writer;

int ss_qc_writer_open(ss_qc_writer *w, int fd, const unsigned char *aes,
                      char kind, const char *ref);
int ss_qc_write(ss_qc_writer *w, const void *p, size_t n);
/* Finish: the tag goes into the header. 0 or -1; frees w either way. */
int ss_qc_writer_close(ss_qc_writer *w);

/* Read the whole of fd (at most max bytes) into out. sealed: 1 expect a
 * sealed file, 0 plain, -1 decide by the magic (records: plain ones start
 * with '{'). *was_sealed (may be NULL) tells which it was. */
ss_qerr ss_qc_read(int fd, const unsigned char *aes, char kind, const char *ref,
                   int sealed, size_t max, ss_buf *out, int *was_sealed);

/* The record (REF.json), qrecord.c. Build writes e as one JSON object;
 * parse fills e (free with ss_qentry_free) and checks it is consistent.
 * 0 or -1. */
void ss_qrec_build(ss_buf *b, const ss_qentry *e);
int ss_qrec_parse(const char *s, size_t n, ss_qentry *e);
/* 1 when s is exactly one JSON object (whitespace around allowed). */
int ss_qrec_is_object(const char *s);
/* RFC 3339 UTC, seconds. */
void ss_qrec_time(time_t t, char out[32]);

#endif
