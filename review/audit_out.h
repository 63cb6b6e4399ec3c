/* Printing records for people and for other programs: a readable table,
 * CSV (RFC 4180, with cells a spreadsheet would run as a formula made
 * inert), or the records as stored in one JSON array. Nothing from a
 * record reaches a terminal unescaped: control and bidirectional
 * characters become "?". */
#ifndef SS_REVIEW_AUDIT_OUT_H
#define SS_REVIEW_AUDIT_OUT_H

#include <stdio.h>
#include "audit_rec.h"
#include "base/buf.h"

enum { SS_OUT_TABLE, SS_OUT_CSV, SS_OUT_JSON };

/* One record as the columns show it. */
typedef enum {
    SS_COL_TIME, SS_COL_REF, SS_COL_WHAT, SS_COL_WHO, SS_COL_TO, SS_COL_FOUND,
    SS_COL_NOTE, SS_COL__COUNT
} ss_col;

typedef struct {
    char *cell[SS_COL__COUNT];
    char *queue_id, *where;     /* CSV only: the queue id; "FILE:LINE" */
} ss_row;

/* Describe r (a decision or an event) as a row; free with ss_row_free. */
void ss_row_make(const ss_rec *r, ss_row *row);
void ss_row_free(ss_row *row);

/* Print rows in one of the formats; for JSON, raw[i] is each record as
 * stored. */
void ss_out_rows(FILE *f, int format, const ss_row *rows, char *const *raw, size_t n);

/* Append s to b with control and bidirectional-override characters
 * (and invalid UTF-8) replaced by '?'. */
void ss_out_clean(ss_buf *b, const char *s);

#endif
