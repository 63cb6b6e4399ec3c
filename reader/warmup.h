/* A pooled reader's warm-up (reader/warmup.c): every reader once, on
 * built-in documents, before the seccomp filter goes on. */
#ifndef SS_READER_WARMUP_H
#define SS_READER_WARMUP_H

void ssx_warm_up(void);

#endif
