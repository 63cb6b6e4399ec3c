/* Reading the audit trail's records (safeshare-audit(5)) with json-glib:
 * every line of every file in turn, and the few fields search and report
 * look at, by name, tolerant of records written before a field existed. */
#ifndef SS_REVIEW_AUDIT_REC_H
#define SS_REVIEW_AUDIT_REC_H

#include <stddef.h>
#include <json-glib/json-glib.h>

typedef struct {
    JsonObject *o;              /* the record */
    const char *file;           /* where it is */
    unsigned long long line;
    const char *raw;            /* the line as stored (no newline) */
    size_t rawlen;
    gint64 when;                /* its "time" as Unix seconds, or 0 */
} ss_rec;

/* Called for every record; a non-zero return stops the walk. */
typedef int (*ss_rec_fn)(const ss_rec *r, void *arg);

/* Walk every line of files in order. A line that is not a JSON object is
 * counted in *skipped (may be NULL) and reported once on stderr; a file
 * that cannot be read is an error. 0, or -1 (printed). */
int ss_rec_walk(char *const *files, size_t n, ss_rec_fn fn, void *arg, size_t *skipped);

/* Members by name: NULL, 0 or -1 when missing or of another type. */
const char *ss_rec_str(JsonObject *o, const char *key);
JsonArray *ss_rec_arr(JsonObject *o, const char *key);
JsonObject *ss_rec_obj(JsonObject *o, const char *key);
int ss_rec_bool(JsonObject *o, const char *key);      /* 1, 0, or -1 */

/* A decision record (it has an action) rather than an event. */
int ss_rec_is_decision(JsonObject *o);
/* The message a record is about: its reference; for a released message's
 * decision, the reference of the held one it was released from. */
const char *ss_rec_subject_ref(JsonObject *o);

/* The domain of an address (after the last @), lower-cased into out. */
void ss_rec_domain(const char *address, char *out, size_t n);

/* "2026-11-23T09:14:02.311Z" as Unix seconds; 0 when not a time. */
gint64 ss_rec_parse_time(const char *iso);
/* YYYY-MM-DD as the Unix seconds of that local midnight; -1 when not a date. */
gint64 ss_rec_local_day(const char *ymd);
/* Unix seconds as local "YYYY-MM-DD HH:MM" into out[17]. */
void ss_rec_local_time(gint64 t, char out[17]);

#endif
