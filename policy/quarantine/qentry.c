/* The entry model of the quarantine store: states and their names, the
 * errors callers see, and freeing an entry. Shared by the store
 * (quarantine.c) and its record codec (qrecord.c). */
#include "quarantine_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[SS_QS__COUNT] = { "held", "released", "refused", "delivered" };

/* a record larger than this is damaged */

const char *ss_qerr_message(ss_qerr e)
{
    switch (e) {
    case SS_Q_OK: return "ok";
    case SS_Q_UNKNOWN_REF: return "unknown reference";
    case SS_Q_ALREADY_RELEASED: return "already released";
    case SS_Q_ALREADY_REFUSED: return "already refused";
    case SS_Q_ALREADY_DELIVERED: return "already released and delivered";
    case SS_Q_NOT_RELEASED: return "not released";
    case SS_Q_UNREADABLE: return "store unreadable";
    case SS_Q_DAMAGED: return "the held message is damaged or the key is wrong";
    case SS_Q_NO_KEY: return "the held message is encrypted and no key is configured";
    case SS_Q_EXISTS: return "reference already in use";
    case SS_Q_WRITE_FAILED: return "could not store the message";
    case SS_Q_INVALID: return "invalid request";
    }
    return "unknown error";
}

const char *ss_qstate_name(ss_qstate s)
{
    return (unsigned)s < SS_QS__COUNT ? state_names[s] : "?";
}

int ss_qstate_parse(const char *s, ss_qstate *out)
{
    for (int i = 0; i < SS_QS__COUNT; i++)
        if (!strcmp(s, state_names[i])) {
            *out = (ss_qstate)i;
            return 0;
        }
    return -1;
}

void ss_qentry_free(ss_qentry *e)
{
    if (!e)
        return;
    free(e->sender);
    free(e->summary);
    for (size_t i = 0; i < e->nrecipients; i++)
        free(e->recipients[i]);
    free(e->recipients);
    for (size_t i = 0; i < e->nhistory; i++) {
        free(e->history[i].by);
        free(e->history[i].reason);
    }
    free(e->history);
    free(e->meta_json);
    free(e->purpose);
    free(e->urgency);
    memset(e, 0, sizeof *e);
}

static char *dup_or_null(const char *s)
{
    return s ? ss_xstrdup(s) : NULL;
}

void ss_qentry_copy(ss_qentry *dst, const ss_qentry *src)
{
    *dst = *src;
    dst->sender = dup_or_null(src->sender);
    dst->summary = dup_or_null(src->summary);
    dst->meta_json = dup_or_null(src->meta_json);
    dst->purpose = dup_or_null(src->purpose);
    dst->urgency = dup_or_null(src->urgency);
    dst->recipients = ss_xcalloc(src->nrecipients + 1, sizeof *dst->recipients);
    for (size_t i = 0; i < src->nrecipients; i++)
        dst->recipients[i] = ss_xstrdup(src->recipients[i]);
    dst->history = ss_xcalloc(src->nhistory + 1, sizeof *dst->history);
    for (size_t i = 0; i < src->nhistory; i++) {
        dst->history[i] = src->history[i];
        dst->history[i].by = dup_or_null(src->history[i].by);
        dst->history[i].reason = dup_or_null(src->history[i].reason);
    }
}

static const char *const urgencies[] = { "urgent", "soon", "routine" };

int ss_qurgency_ok(const char *u)
{
    for (size_t i = 0; u && i < sizeof urgencies / sizeof *urgencies; i++)
        if (!strcmp(u, urgencies[i]))
            return 0;
    return -1;
}
