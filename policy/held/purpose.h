/* What the sender says about their held message, through the link in
 * their "being checked" notice: why it needs to be shared and how urgent
 * it is. The guidance asks for a record of what was shared, with whom and
 * for what purpose; this is that purpose, in the sender's words (any
 * identifier in them masked). It is kept with the held message, so the
 * DSL's queue shows it (urgent first), and recorded on the audit trail
 * (event "purpose", field "purpose"), and again with the decision. */
#ifndef SS_HELD_PURPOSE_H
#define SS_HELD_PURPOSE_H

#include <stddef.h>
#include "audit/audit.h"
#include "config/config.h"
#include "quarantine/quarantine.h"

#define SS_HELD_PURPOSE_MAX 1500   /* characters the sender may write */

/* "urgent" -> "A child may be at risk: today", for people. */
const char *ss_held_urgency_phrase(const char *urgency);

/* Keep and record what the sender says about ref. text is required
 * (1..SS_HELD_PURPOSE_MAX bytes), urgency is "urgent", "soon" or
 * "routine". SS_Q_OK; SS_Q_INVALID for the words; the store's error (a
 * message already decided cannot be given a purpose); SS_Q_WRITE_FAILED
 * when the audit record could not be written (try again). */
ss_qerr ss_held_purpose(const ss_config *c, ss_audit *a, const char *ref, const char *text,
                        const char *urgency, char *err, size_t errlen);

#endif
