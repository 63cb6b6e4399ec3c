/* safeshare-extract --pool (reader/serve.c). */
#ifndef SS_READER_SERVE_H
#define SS_READER_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include "reader.h"

/* Contain, warm up, lock down (unless seccomp is 0: tests and profiling
 * only), then answer jobs on stdin/stdout until EOF. Returns the exit
 * code: 0 when the pool closed the channel. */
int ssx_serve(uint64_t memory, uint64_t lifetime_cpu, uint64_t max_input, int seccomp);

#ifdef SS_TEST_HOOKS
/* The test reader only (tests/unit/reader/hooks.c): what an exploited
 * parser would try, on an attachment that starts "SSTEST:". Returns what
 * a reader returns, or SSX_NOT_A_HOOK. */
#define SSX_NOT_A_HOOK (-100)
int ssx_test_hook(const unsigned char *data, size_t len, ssx_out *o);
#endif

#endif
