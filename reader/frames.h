/* The parent's side of a reader's answer (the frames reader/frames.c
 * describes), read as it arrives: each complete frame goes to the
 * ssx_out at once, so the milter holds at most one frame of a reader's
 * answer, never all of it. Shared by the one-shot worker (worker.c) and
 * the pool (pool_job.c). */
#ifndef SS_READER_FRAMES_H
#define SS_READER_FRAMES_H

#include <stddef.h>
#include "base/buf.h"
#include "reader.h"

typedef struct {
    ssx_out *o;
    ss_buf pend;          /* the start of a frame not complete yet */
    size_t fed, cap;      /* bytes fed so far; the most a job may answer */
    size_t before;        /* o->total when the job began */
    int told;             /* the reader said how many bytes it decompressed */
    int ended;            /* its 'E' frame arrived */
    int failed;           /* and said it could not read the attachment */
    int unreadable;       /* an unreadable part was reported */
} ssx_frames;

void ssx_frames_init(ssx_frames *f, ssx_out *o, size_t cap);
/* Takes n more bytes of the answer. 0: more are wanted; 1: the answer
 * ended ('E') with nothing after it; -1: a bad frame, bytes after the
 * end, or more than cap in all (the reader is not to be trusted). */
int ssx_frames_feed(ssx_frames *f, const void *p, size_t n);
/* After the job, whatever became of it: a reader that never said what
 * it decompressed is charged the attachment's own length (input_len),
 * and one that ended with "failed" but named no unreadable part makes
 * the attachment unreadable. Frees what f holds. */
void ssx_frames_finish(ssx_frames *f, size_t input_len);

#endif
