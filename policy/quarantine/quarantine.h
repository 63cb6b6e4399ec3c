/* The quarantine store: held mail on disk, durable before the MTA is told
 * to discard it, readable only with the key when one is configured, and
 * decided (released, refused) exactly once, with who and why on record.
 *
 * On disk (man safeshare-quarantine(5)): QuarantineDir (0700) holds, per
 * held message, REF.msg (the message, never rewritten) and REF.json (the
 * record: envelope, summary, redacted findings, state and its history).
 * An entry exists when its REF.json exists; REF.json is linked into place
 * only after REF.msg and the directory are on disk, so a crash at any
 * moment leaves either a whole entry or one that is never listed.
 *
 * The next pieces, and how they use this API:
 *
 *   milter, end of message, verdict quarantine:
 *     ss_quarantine_put(); SS_Q_OK  -> smfi discard (the store has it);
 *                          anything else -> tempfail (the MTA keeps it).
 *
 *   safesharectl quarantine list | show | refuse | purge:
 *     ss_quarantine_list(), ss_quarantine_get(),
 *     ss_quarantine_set_state(HELD -> REFUSED, reviewer, reason),
 *     ss_quarantine_purge() then ss_quarantine_fsck().
 *
 *   release (token.h for the token):
 *     1. ss_quarantine_set_state(HELD -> RELEASED, reviewer, reason);
 *        SS_Q_ALREADY_RELEASED etc. is the "second release is refused".
 *     2. token = ss_token_make(ReleaseKey, ref, hash, now); re-inject the
 *        message over SMTP with "X-Safeshare-Release: token".
 *        If re-injection fails the entry stays RELEASED (not DELIVERED):
 *        a retry may re-send it with a fresh token; only one can be used.
 *     3. milter, on a message carrying the header: ss_token_check(); if
 *        SS_TOK_OK, ss_quarantine_consume_token(ref) moves RELEASED ->
 *        DELIVERED under the entry lock. Only when that returns SS_Q_OK is
 *        the token honoured (strip the header, audit as a release); any
 *        other answer means the token was used already or never released:
 *        treat the message as carrying no token. If the audit record of
 *        the release then cannot be written, the milter answers 4xx and
 *        ss_quarantine_return_token(ref) moves it back to RELEASED.
 *
 * Every function returns SS_Q_OK (0) or an error; err (may be NULL) gets
 * a sentence naming the reference, never message content. Keys: NULL/0
 * means no encryption; otherwise at least 32 bytes of secret (the content
 * of the QuarantineKey file), from which the AES-256-GCM key is derived.
 * The store must be on a local filesystem (flock, link, rename, fsync). */
#ifndef SS_QUARANTINE_H
#define SS_QUARANTINE_H

#include <stddef.h>
#include <time.h>
#include "base/buf.h"
#include "base/reference.h"

typedef enum {
    SS_Q_OK = 0,
    SS_Q_UNKNOWN_REF,        /* "unknown reference" */
    SS_Q_ALREADY_RELEASED,   /* "already released" */
    SS_Q_ALREADY_REFUSED,    /* "already refused" */
    SS_Q_ALREADY_DELIVERED,  /* "already released and delivered" */
    SS_Q_NOT_RELEASED,       /* "not released" (a token for a held entry) */
    SS_Q_UNREADABLE,         /* "store unreadable" */
    SS_Q_DAMAGED,            /* "the held message is damaged or the key is wrong" */
    SS_Q_NO_KEY,             /* "the held message is encrypted and no key is configured" */
    SS_Q_EXISTS,             /* "reference already in use" */
    SS_Q_WRITE_FAILED,       /* "could not store the message" (disk full, I/O) */
    SS_Q_INVALID             /* "invalid request" (reference, JSON, reason, transition) */
} ss_qerr;

const char *ss_qerr_message(ss_qerr e);

typedef enum {
    SS_QS_HELD = 0,
    SS_QS_RELEASED,          /* a reviewer released it; awaiting its token's use */
    SS_QS_REFUSED,           /* a reviewer refused it; never delivered */
    SS_QS_DELIVERED,         /* its release token was used: re-injected once */
    SS_QS__COUNT
} ss_qstate;

const char *ss_qstate_name(ss_qstate s);            /* "held", ... */
int ss_qstate_parse(const char *s, ss_qstate *out); /* 0 ok, -1 unknown */


/* QuarantineAllowPlaintext: with a key given, read records and messages
 * written in clear (a store from before QuarantineKey was set) instead of
 * refusing them as damaged. Whatever is written is sealed. Process-wide;
 * off unless the configuration says so. */
void ss_quarantine_plaintext_ok(int yes);

/* Create dir (0700) if missing, else check it is a directory that group
 * and others cannot reach. For start-up and `-n`. */
ss_qerr ss_quarantine_init(const char *dir, char *err, size_t errlen);

/* What the milter hands over. The message is msg/msg_len, or (msg NULL)
 * read from msg_fd from its current offset to end of file. */
typedef struct {
    const char *reference;
    const char *sender;              /* envelope sender ("" for <>) */
    const char *const *recipients;   /* the insecure recipients, for list */
    size_t nrecipients;
    const char *summary;             /* one line for list, no identifier:
                                        "an NHS number (high) in the body" */
    const char *meta_json;           /* a JSON object kept verbatim: envelope,
                                        redacted findings, reasons, queue id.
                                        NULL = {} */
    const void *msg;
    size_t msg_len;
    int msg_fd;
    time_t now;                      /* 0 = time(NULL) */
} ss_qput;

/* Store a held message. SS_Q_OK only once both files and the directory
 * are fsynced; on any failure nothing is listed and leftovers are
 * removed (or, after a crash, left for ss_quarantine_fsck). A crash after
 * the record is named but before this returns leaves a whole entry that
 * the MTA, never told, will offer again: a duplicate, never a loss. */
ss_qerr ss_quarantine_put(const char *dir, const ss_qput *in,
                          const unsigned char *key, size_t keylen,
                          char *err, size_t errlen);

typedef struct {
    ss_qstate state;
    time_t time;
    char *by;                        /* reviewer, or "safeshare-milter" */
    char *reason;
} ss_qevent;

/* One entry's record. */
typedef struct {
    char reference[32];
    ss_qstate state;                 /* = history[nhistory-1].state */
    time_t received;
    time_t changed;                  /* time of the last event */
    char *sender;
    char **recipients;
    size_t nrecipients;
    char *summary;
    unsigned long long size;         /* message bytes (plaintext) */
    char sha256[65];                 /* hex, of the plaintext message */
    int encrypted;
    ss_qevent *history;              /* oldest first; [0] is "held" */
    size_t nhistory;
    char *meta_json;                 /* the caller's object, verbatim */
    unsigned long long counter;      /* one more at every rewrite of the record
                                        (0: written before there was one) */
    char *purpose;                   /* why the sender says it must go (their
                                        words, identifiers masked), or NULL */
    char *urgency;                   /* "urgent", "soon" or "routine", or NULL */
    time_t purpose_time;
} ss_qentry;

void ss_qentry_free(ss_qentry *e);
/* A deep copy of src into dst (free with ss_qentry_free). */
void ss_qentry_copy(ss_qentry *dst, const ss_qentry *src);

/* The urgencies a sender may give, most urgent first; 0 or -1. */
int ss_qurgency_ok(const char *u);

/* Read one entry; with msg non-NULL also the message (decrypted, and its
 * SHA-256 checked against the record: SS_Q_DAMAGED when it differs). */
ss_qerr ss_quarantine_get(const char *dir, const char *ref,
                          const unsigned char *key, size_t keylen,
                          ss_qentry *e, ss_buf *msg, char *err, size_t errlen);

typedef struct {
    int any_state;                   /* 1: every state; 0: only `state` */
    ss_qstate state;
    time_t received_before;          /* 0 = no bound; else received < this */
    time_t received_after;           /* 0 = no bound; else received >= this */
    const char *sender;              /* NULL = any; else equal, ignoring case */
} ss_qfilter;

/* Call cb for every complete entry that passes f (NULL = all), oldest
 * first; cb returning nonzero stops the walk. Entries whose record cannot
 * be read are skipped and counted in *unreadable (may be NULL), and the
 * result is then SS_Q_DAMAGED (or SS_Q_NO_KEY) after the walk. */
typedef int (*ss_qlist_cb)(const ss_qentry *e, void *arg);
ss_qerr ss_quarantine_list(const char *dir, const ss_qfilter *f,
                           const unsigned char *key, size_t keylen,
                           ss_qlist_cb cb, void *arg, size_t *unreadable,
                           char *err, size_t errlen);

/* Move ref from `from` to `to`, appending {to, now, by, reason} to the
 * history, atomically (new record, fsync, rename, fsync directory) and
 * under an exclusive flock on REF.msg, so of two concurrent callers with
 * the same `from` exactly one succeeds; the other gets the error for the
 * state it finds (SS_Q_ALREADY_RELEASED, ...). Allowed moves:
 * HELD -> RELEASED | REFUSED (by and reason required), RELEASED ->
 * DELIVERED. out (may be NULL) receives the updated record. */
ss_qerr ss_quarantine_set_state(const char *dir, const char *ref,
                                ss_qstate from, ss_qstate to,
                                const char *by, const char *reason, time_t now,
                                const unsigned char *key, size_t keylen,
                                ss_qentry *out, char *err, size_t errlen);

/* What the sender says about a held message, through the link in their
 * notice: why it must go and how urgent it is (ss_qurgency_ok). Kept in
 * the record (a later one replaces it) under the entry lock, only while
 * the entry is HELD: once decided, SS_Q_ALREADY_RELEASED etc. text must
 * already be masked; at most 2000 bytes. */
ss_qerr ss_quarantine_set_purpose(const char *dir, const char *ref, const char *text,
                                  const char *urgency, time_t now,
                                  const unsigned char *key, size_t keylen,
                                  char *err, size_t errlen);

/* The single use of a release token: RELEASED -> DELIVERED. */
ss_qerr ss_quarantine_consume_token(const char *dir, const char *ref,
                                    const unsigned char *key, size_t keylen,
                                    char *err, size_t errlen);

/* The use undone: DELIVERED -> RELEASED, when the audit record of the
 * release could not be written and the MTA was answered 4xx. The token is
 * consumed only together with its record: the MTA's retry (or
 * `safesharectl release --resend`) can still deliver the message. */
ss_qerr ss_quarantine_return_token(const char *dir, const char *ref,
                                   const unsigned char *key, size_t keylen,
                                   char *err, size_t errlen);

/* Remove entries whose last event is older than `older_than` and whose
 * state is in `states` (a bit mask of 1u << ss_qstate; 0 = the decided
 * states REFUSED and DELIVERED: a held or released message is never
 * purged unless asked for by name). Each removal: lock, unlink REF.json
 * (the entry is gone from list), fsync, unlink REF.msg. cb (may be NULL)
 * sees each removed entry, for the log. Entries it cannot read are kept. */
ss_qerr ss_quarantine_purge(const char *dir, time_t older_than, unsigned states,
                            const unsigned char *key, size_t keylen,
                            ss_qlist_cb cb, void *arg, size_t *removed,
                            char *err, size_t errlen);

/* Remove what crashes leave: temporary files and REF.msg files with no
 * REF.json, when no live writer holds their lock and they are at least
 * `grace` seconds old. cb (may be NULL) gets each removed file name. */
typedef void (*ss_qfsck_cb)(const char *name, void *arg);
ss_qerr ss_quarantine_fsck(const char *dir, time_t grace, ss_qfsck_cb cb,
                           void *arg, size_t *removed, char *err, size_t errlen);

#endif
