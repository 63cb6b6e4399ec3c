/* The metadata the milter keeps with a held message (ss_qput.meta_json):
 *
 *   {"envelope":{"from":"a@x","to":["b@y","c@z"]},"audit":{...the record...}}
 *
 * The store's own recipients are only the insecure ones (for list); a
 * release needs the whole envelope back, and so does the summary line.
 * Both are built here so the milter and safesharectl cannot disagree. */
#ifndef SS_QMETA_H
#define SS_QMETA_H

#include <stddef.h>
#include "base/buf.h"
#include "decide/decide.h"

/* The meta object for a decision: envelope from the parties (sender
 * first), then the audit record verbatim. */
void ss_qmeta_build(const ss_party *parties, size_t nparties, const char *record,
                    ss_buf *out);

/* One line for `list`, no identifier: "an NHS number (high) in the
 * message body; attachment "a.zip" could not be read". */
void ss_qmeta_summary(const ss_findings *f, const ss_extract *x, const ss_verdict *v,
                      ss_buf *out);

/* Read the envelope back. 0, or -1 when meta does not start with the
 * envelope object. Free with ss_qmeta_envelope_free. */
typedef struct {
    char *from;
    char **to;
    size_t nto;
} ss_qenvelope;

int ss_qmeta_envelope(const char *meta, ss_qenvelope *env);
void ss_qmeta_envelope_free(ss_qenvelope *env);

#endif
