/* Which register may be in force (issue 17; spec register.md, Signed
 * distribution). A candidate is taken only when, in this order:
 *   its detached signature verifies against a trust anchor (required when
 *   RegisterRequireSignature is yes; a signature that is present and fails
 *   is never ignored);
 *   it parses strictly;
 *   it has a %serial, an %expires and at least one entry;
 *   its serial is above the last good one (or it is byte for byte the last
 *   good register: a reload of the same file);
 *   it has not expired (unless it is the last good register itself, which
 *   stays in force, stale, until a newer good one arrives).
 * Anything else is refused with one line saying why, and the last good
 * register stays in force.
 *
 * The last good register is remembered in StateDir across restarts:
 *   register.last-good   its serial and SHA-256
 *   register.good(.sig)  a copy of its bytes and signature
 * so a rollback written over the Register file while the milter was down
 * is refused at the next start too, and the milter starts on the copy. */
#ifndef SS_REGISTER_TRUST_H
#define SS_REGISTER_TRUST_H

#include <stddef.h>
#include <time.h>
#include "certs/regsig.h"
#include "register.h"

#define SS_REG_MAX_BYTES (64u * 1024 * 1024)

/* What the site configured (safeshare.conf), and the clock. */
typedef struct {
    const char *path;          /* Register */
    const char *anchors_dir;   /* RegisterTrustAnchors, or NULL */
    int require_sig;           /* RegisterRequireSignature, resolved */
    const char *state_dir;     /* StateDir, or NULL: nothing remembered */
    time_t now;
} ss_regtrust_opts;

/* The last register taken into force. */
typedef struct {
    int known;
    unsigned long long serial;
    char sha256[65];           /* hex */
} ss_lastgood;

/* A register that passed, with where it came from. */
typedef struct {
    ss_register *reg;
    char *bytes;               /* exactly as signed */
    size_t len;
    unsigned char *sig;        /* NULL when unsigned */
    size_t siglen;
    char sha256[65];
    char signer[SS_ANCHOR_NAME];   /* anchor file that verified it, or "" */
    int from_kept;             /* 1: the Register file was refused, this is StateDir's copy */
    char refused[768];         /* why the Register file was refused (from_kept) */
} ss_regtrust;

/* Read StateDir/register.last-good; known = 0 when absent. -1 with why
 * when present but unreadable or damaged. */
int ss_lastgood_read(const char *state_dir, ss_lastgood *lg, char *why, size_t whylen);

/* Check one candidate (bytes, optional signature) against the rules
 * above. name is used in messages. 0 and *out parsed; -1 with why. */
int ss_regtrust_vet(const ss_regtrust_opts *o, const ss_anchors *a, const ss_lastgood *lg,
                    const char *name, const char *data, size_t len,
                    const unsigned char *sig, size_t siglen, ss_register **out,
                    char *signer, char *why, size_t whylen);

/* The register to put in force: the Register file if it passes, else the
 * last good copy in StateDir (from_kept, with the reason the file was
 * refused). 0 and out filled; -1 with err when neither will do. */
int ss_regtrust_load(const ss_regtrust_opts *o, ss_regtrust *out, char *err, size_t errlen);
void ss_regtrust_free(ss_regtrust *t);

/* Remember t as the last good register (daemon only): the copy first,
 * then the serial, each atomically. A no-op when it is already. 0, or -1
 * with why. */
int ss_regtrust_commit(const char *state_dir, const ss_regtrust *t, char *why, size_t whylen);

/* Hex SHA-256 of data (65 bytes with NUL). */
void ss_sha256_hex(const void *data, size_t len, char out[65]);

/* "2026-12-22T00:00:00Z" for t, or "never" for 0. */
void ss_utc_string(time_t t, char out[32]);

#endif
