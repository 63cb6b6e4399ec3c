/* Every call into libmilter goes through here: one place to log a failure
 * (with the queue id) and to stand in for libmilter in tests. */
#ifndef SS_MTA_H
#define SS_MTA_H

#include <libmilter/mfapi.h>
#include <stddef.h>

/* The value of macro NAME ("i", "{auth_authen}"), or NULL. */
const char *ss_mta_macro(SMFICTX *ctx, const char *name);
/* Set a multi-line reply. Lines are plain text; escaping happens here.
 * Returns 0 or -1 (logged). */
int ss_mta_reply(SMFICTX *ctx, const char *qid, const char *rcode, const char *xcode,
                 char *const *lines, size_t n);
int ss_mta_add_header(SMFICTX *ctx, const char *qid, const char *name, const char *value);
/* Remove the index'th (1-based) header called name. 0 or -1 (logged). */
int ss_mta_del_header(SMFICTX *ctx, const char *qid, const char *name, int index);
/* Replace the index'th (from 1) header called name with value. 0 or -1 (logged). */
int ss_mta_change_header(SMFICTX *ctx, const char *qid, const char *name, int index,
                         const char *value);

#endif
