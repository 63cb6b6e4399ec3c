/* What the milter checks before it serves mail. `-n` runs the same code,
 * in the same order and as the same user, so `-n` cannot pass where the
 * start would fail, and a start cannot fail where `-n` said all was well:
 *
 *   as root     UserID and SocketGroup exist; the socket's and the PID
 *               file's directories exist; a missing ReleaseKey is made
 *               (-n: said it will be);
 *   then        the milter becomes UserID (-n too);
 *   as UserID   every directory it writes (AuditLog, QuarantineDir,
 *               StateDir, TempDirectory, PidFile's, the socket's), the
 *               reader program runs, and (engine/state.h) the keys, the
 *               register and the templates are readable;
 *   warnings    each On* key set to accept, a register stale or expiring
 *               within 14 days, held mail with nobody told, root (AllowRoot). */
#ifndef SS_MILTER_PREFLIGHT_H
#define SS_MILTER_PREFLIGHT_H

#include <stddef.h>
#include "config/config.h"
#include "engine/state.h"

#define SS_REGISTER_SOON_DAYS 14

typedef struct {
    int check_only;      /* -n: change nothing, say what start would do */
    /* A warning (LOG_WARNING) or a note (LOG_NOTICE), one line. */
    void (*say)(void *ctx, int prio, const char *msg);
    void *ctx;
} ss_preflight;

/* Before the socket is opened and the privileges dropped. 0, or -1 with
 * err ("FILE: Key: problem"). */
int ss_preflight_root(const ss_preflight *p, const ss_config *c, char *err, size_t errlen);
/* As the user the milter runs as. 0, or -1 with err. */
int ss_preflight_user(const ss_preflight *p, const ss_config *c, char *err, size_t errlen);
/* The warnings, once the state (and so the register in force) is known. */
void ss_preflight_warn(const ss_preflight *p, const ss_state *st, time_t now);

#endif
