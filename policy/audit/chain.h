/* The audit chain (safeshare-audit(5)). Every line of the trail is
 *
 *     {"seq":N,<the record's own members>,"chain":"<64 hex digits>"}
 *
 * and its chain value is HMAC-SHA256 under the chain key of the previous
 * line's chain value (32 bytes; zeros before record 1) followed by the
 * line's bytes up to, not including, `,"chain":"`. So a record edited,
 * removed, moved or cut short breaks the chain at that record, and the
 * sequence number says which kind of break it is. The chain key is
 * HKDF-SHA256 of AuditKey with the label below: the hashes of
 * identifiers (ss_audit_hmac) and the chain never share a key. */
#ifndef SS_AUDIT_CHAIN_H
#define SS_AUDIT_CHAIN_H

#include <stddef.h>
#include "base/buf.h"

#define SS_CHAIN_LEN 32
#define SS_CHAIN_HEX 64
#define SS_CHAIN_LABEL "safeshare audit chain 1"

/* Where the chain stands: the last record's number and chain value. */
typedef struct {
    unsigned long long seq;          /* 0: no record yet */
    unsigned char chain[SS_CHAIN_LEN];
} ss_chain_head;

/* The chain key from AuditKey. 0, or -1 when OpenSSL fails. */
int ss_chain_key(const unsigned char *audit_key, size_t len, unsigned char out[SS_CHAIN_LEN]);

/* Whether rec can be chained: one JSON object on one line, with at least
 * one member, not already chained. 1 or 0. */
int ss_chain_record_ok(const char *rec, size_t len);

/* Append to out the line for rec after h (newline included) and move h
 * on to it. rec must pass ss_chain_record_ok. 0, or -1 (OpenSSL). */
int ss_chain_line(const unsigned char key[SS_CHAIN_LEN], ss_chain_head *h,
                  const char *rec, size_t len, ss_buf *out);

/* Read a line (no newline): its number, the chain value it carries, and
 * how many of its bytes the chain value covers. 0, or -1 when the line
 * does not have the chained shape (cut short, joined, edited by hand). */
int ss_chain_parse(const char *line, size_t len, unsigned long long *seq,
                   unsigned char chain[SS_CHAIN_LEN], size_t *covered);

/* The chain value a line's first `covered` bytes must carry after prev.
 * 0, or -1 (OpenSSL). */
int ss_chain_mac(const unsigned char key[SS_CHAIN_LEN], const unsigned char prev[SS_CHAIN_LEN],
                 const char *p, size_t covered, unsigned char out[SS_CHAIN_LEN]);

void ss_chain_hex(const unsigned char c[SS_CHAIN_LEN], char out[SS_CHAIN_HEX + 1]);
/* 64 hex digits (either case) to bytes. 0, or -1. */
int ss_chain_unhex(const char *hex, unsigned char out[SS_CHAIN_LEN]);

/* "SEQ:HEX" (as verify prints a head and takes --head/--after). 0 or -1. */
int ss_chain_head_parse(const char *s, ss_chain_head *h);

#endif
