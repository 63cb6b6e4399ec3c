/* The outbox for notices (notify.h): the end of a message that held it
 * (engine/eom.c) renders its notices and queues them here, and the milter
 * answers the MTA at once; one background thread submits them, each within the
 * short limits of ss_notify_send. So a slow or dead relay never holds a
 * milter thread (and with it an smtpd process) open.
 *
 * Bounded: at most SS_OUTBOX_MAX notices wait; past that a notice is
 * refused (the caller logs it) rather than memory growing without end.
 * Not durable: what waits here when the milter stops or crashes is lost,
 * and logged as lost on an orderly stop; the DSL's reminders
 * (safesharectl quarantine remind) do not depend on it. */
#ifndef SS_NOTIFY_OUTBOX_H
#define SS_NOTIFY_OUTBOX_H

#include <stddef.h>

#define SS_OUTBOX_MAX 256

/* Queue one message for submission to url with this envelope; label
 * ("held SS-7KQ2-M9XD") names it in the log. The thread starts on first
 * use, after any fork. 0 queued; -1 the queue is full (nothing queued). */
int ss_outbox_push(const char *url, const char *from, const char *const *to, size_t nto,
                    const char *msg, size_t len, const char *label);

/* At shutdown: wait up to `secs` for the queue to empty, then log what
 * is left. */
void ss_outbox_drain(int secs);

#endif
