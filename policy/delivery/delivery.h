/* Proof of delivery (issue 17): what happened to a share after the milter
 * let it through. Postfix logs, for each recipient, where the message went
 * and how ("Verified TLS connection established to HOST[ADDR]:PORT:
 * TLSv1.3 with cipher ...", then "QUEUEID: to=<r>, relay=..., status=sent").
 * The milter remembers the queue ids it passed with their decision's
 * reference, follows that log (DeliveryLog), and appends one delivery
 * record per recipient to the audit trail, joined to the decision by the
 * reference:
 *
 *   {"time":..., "source":"postfix", "event":"delivery", "reference":"SS-...",
 *    "queue_id":..., "recipient":..., "status":"sent", "dsn":"2.0.0",
 *    "relay":"mx.nhs.net[192.0.2.1]:25", "tls":{"trust":"Verified",
 *    "verified":true, "version":"TLSv1.3", "cipher":"TLS_AES_256_GCM_SHA384"}}
 *
 * "tls" is null when no TLS line was logged for the connection: plain
 * text, or smtp_tls_loglevel 0. Final outcomes only (sent, bounced,
 * expired); deferrals are retried and recorded when they end. */
#ifndef SS_DELIVERY_H
#define SS_DELIVERY_H

#include <stddef.h>

/* What one log line says, when it is one of Postfix's delivery lines. */
typedef struct {
    enum { SS_DL_NONE, SS_DL_TLS, SS_DL_STATUS, SS_DL_REMOVED } kind;
    long pid;                  /* the smtp/lmtp process */
    char queue_id[32];
    char recipient[512];
    char relay[300];           /* "host[addr]:port" */
    char status[16];           /* sent, bounced, expired, deferred */
    char dsn[16];
    char trust[16];            /* Verified, Trusted, Untrusted, Anonymous */
    char version[32];          /* TLSv1.3 */
    char cipher[128];
} ss_dline;

/* Parse one line of a Postfix log (syslog or maillog_file format). */
void ss_delivery_parse(const char *line, ss_dline *out);

/* The connection a status line was delivered over, as the same process
 * last logged it (NULL for none). Builds the delivery record (malloc'd
 * JSON, no newline). */
char *ss_delivery_record(const char *reference, const ss_dline *status, const ss_dline *tls);

/* The milter passed this message: remember its reference until Postfix
 * has finished with it. Thread-safe; at most SS_DELIVERY_MAX are kept
 * (the oldest is forgotten first). */
#define SS_DELIVERY_MAX 100000
void ss_delivery_expect(const char *queue_id, const char *reference);

/* Where records go: the audit trail's append, given by the daemon so this
 * stage needs nothing above it. 0 written, -1 not (the line is tried
 * again on the next pass). */
typedef int (*ss_delivery_append)(const char *record, size_t len);

/* Follow log (from where StateDir/delivery.state says the last run
 * stopped, else its end) in a thread of its own, for as long as the
 * process runs. 0 started, -1 with err. */
int ss_delivery_start(const char *log, const char *state_dir, ss_delivery_append append,
                      char *err, size_t errlen);

/* ss_delivery_start without the thread (tests drive ss_delivery_poll). */
int ss_delivery_open(const char *log, const char *state_dir, ss_delivery_append append,
                     char *err, size_t errlen);

/* One pass over whatever the log holds now (the thread's loop body, and
 * tests). Returns the number of records appended. */
size_t ss_delivery_poll(void);

/* Save the remembered queue ids and the log position (at stop; the
 * thread also saves them every few seconds when they changed). */
void ss_delivery_save(void);

#endif
