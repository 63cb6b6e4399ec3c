/* The end of a message: the one policy call every front door makes
 * (issue 12). In order, all inside policy/: the engine's decision; a
 * release token honoured at most once (the DSL's decision stands); a
 * message the verdict holds stored in the quarantine; the audit record
 * written; the sender and the DSL told about a held message. The milter
 * then applies out->r.v.action and nothing more, and `safesharectl
 * explain` runs the same call without its side effects, so the two
 * cannot disagree about the same bytes. */
#ifndef SS_ENGINE_EOM_H
#define SS_ENGINE_EOM_H

#include <stddef.h>
#include "engine.h"
#include "state.h"

/* The message as the front door kept it: in memory, or in a file the
 * engine rewinds before each read. */
typedef struct {
    const char *mem;
    size_t len;
    int fd;                       /* -1: the message is mem/len */
    int complete;                 /* 0: bytes past MaxMessageSize were not kept */
} ss_msgview;

typedef struct {
    ss_txn txn;
    ss_msgview msg;
    char *const *tokens;          /* X-Safeshare-Release values, in order */
    size_t ntokens;
    int dry_run;                  /* explain: store nothing, consume no token,
                                     write no record, send no notice */
} ss_eom_in;

typedef struct {
    ss_result r;                  /* the final verdict, reply and audit record */
    int released;                 /* a release token was honoured: the caller
                                     removes every release header */
    int recorded;                 /* the audit record is on disk: the caller may
                                     name it (X-Safeshare-Ref) */
} ss_eom_out;

/* Decide, honour, hold, record and notify. Always fills out with a verdict
 * to apply: a failure to store or to record becomes OnInternalError (never
 * quarantine: there would be nowhere to put it). */
void ss_eom_run(const ss_state *st, const ss_eom_in *in, ss_eom_out *out);

/* The front door could not keep the message to check it (what, for the
 * log): OnInternalError, no record. */
void ss_eom_unchecked(const ss_state *st, const char *queue_id, const char *what,
                      ss_eom_out *out);

void ss_eom_free(ss_eom_out *out);

#endif
