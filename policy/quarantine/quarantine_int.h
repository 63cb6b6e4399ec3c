/* Inside the quarantine store: the record codec (qrecord.c) and the
 * entry model (qentry.c) the store (quarantine.c) is built on. Files are
 * sealed by certs/seal.h. Not for callers. */
#ifndef SS_QUARANTINE_INT_H
#define SS_QUARANTINE_INT_H

#include <stddef.h>
#include "base/buf.h"
#include "quarantine.h"

/* The record (REF.json), qrecord.c. Build writes e as one JSON object;
 * parse fills e (free with ss_qentry_free) and checks it is consistent.
 * 0 or -1. */
void ss_qrec_build(ss_buf *b, const ss_qentry *e);
int ss_qrec_parse(const char *s, size_t n, ss_qentry *e);
/* 1 when s is exactly one JSON object (whitespace around allowed). */
int ss_qrec_is_object(const char *s);
/* Exactly four hex digits at p into *v: 0, or -1 when any of them is not
 * one (a NUL included, so nothing past a string's end is read). */
int ss_qrec_hex4(const char *p, unsigned *v);
/* The ledger (ledger.c): the highest record counter written for each
 * reference of an encrypted store, so a record put back from an earlier
 * copy is caught. aes is the store's derived key. */
typedef struct {
    char ref[32];
    unsigned long long counter;
} ss_qledger_row;

typedef struct {
    ss_qledger_row *v;
    size_t n;
} ss_qledger;

/* Append e's reference, counter and state (after its record is in place).
 * 0, or -1 (logged: the entry's change stands). */
int ss_qledger_add(int dirfd, const unsigned char *aes, const ss_qentry *e);
/* Every line whose MAC is right; none when there is no ledger yet. 0, or
 * -1 when it cannot be read. */
int ss_qledger_load(int dirfd, const unsigned char *aes, ss_qledger *lg);
/* The highest counter the ledger holds for ref, 0 when none. */
unsigned long long ss_qledger_max(const ss_qledger *lg, const char *ref);
void ss_qledger_free(ss_qledger *lg);

/* RFC 3339 UTC, seconds. */
void ss_qrec_time(time_t t, char out[32]);

#endif
