/* The DSL's queue: every held message, the ones whose sender says they
 * are urgent first, then oldest first, each with its age against
 * RemindAfter and each insecure recipient as the register sees it now.
 * Only the store's records are read (sender, recipients, the redacted
 * summary of what was found and where), never a message: the queue holds
 * no child data and listing it is not a look at any. */
#ifndef SS_HELD_QUEUE_H
#define SS_HELD_QUEUE_H

#include <stddef.h>
#include <time.h>
#include "config/config.h"
#include "quarantine/quarantine.h"
#include "register/register.h"

typedef struct {
    ss_qentry e;          /* the record (a copy) */
    ss_match *why;        /* for each e.recipients[i] */
    long age;             /* seconds since it was held */
    int overdue;          /* held longer than RemindAfter */
} ss_held_item;

typedef struct {
    ss_held_item *v;
    size_t n;
    size_t unreadable;    /* records that could not be read (not listed) */
} ss_held_queue;

/* The held entries, in queue order, at time now. SS_Q_OK, or the store's
 * error (q still holds what could be read). */
ss_qerr ss_held_queue_load(const ss_config *c, const ss_register *reg, time_t now,
                           ss_held_queue *q, char *err, size_t errlen);
void ss_held_queue_free(ss_held_queue *q);

/* "3 days 2 hours", "5 hours", "40 minutes", "less than a minute" */
void ss_held_waited(long secs, ss_buf *out);

#endif
