/* The milter's attachment readers (reader/pool.h), in the start-up order
 * they need: made while the milter is root and has no thread, started
 * once it is a daemon; they stop when it exits. */
#ifndef SS_MILTER_READERS_H
#define SS_MILTER_READERS_H

#include <stddef.h>
#include "config/config.h"

/* What ss_readers_create needs, checked (also by -n): the reader user
 * when root, the two programs. 0, or -1 with err naming the key. */
int ss_readers_check(const ss_config *cfg, char *err, size_t errlen);
/* Starts safeshare-readerd (as root: strict, the readers get ReaderUser;
 * not root: the unprivileged fallback). Before the privilege drop and
 * before any thread. 0, or -1 with err naming the key or the program. */
int ss_readers_create(const ss_config *cfg, char *err, size_t errlen);
/* Warms the readers up and hands the pool to ssx_scan. After the daemon's
 * fork, before smfi_main. -1 when no reader came up. */
int ss_readers_start(char *err, size_t errlen);

#endif
