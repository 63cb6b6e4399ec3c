/* The reader pool's wire formats (reader/pool.h), shared by the milter's
 * side (pool*.c), the manager (readerd.c) and a pooled reader (serve.c).
 *
 * Pool -> reader, on the reader's stdin (a one-way stream socket), one
 * job after another:
 *
 *   "SSJ1"                 magic
 *   u32 name_len, u32 ctype_len
 *   u64 max_archive_bytes, max_total_bytes, max_depth, max_entries,
 *       cpu_seconds, used, data_len
 *   name, ctype, data      (data_len bytes: the attachment itself)
 *
 * Reader -> pool, on the reader's stdout (a pipe): once, when it is warm
 * and locked down,
 *
 *   'R' u32 len, "uid=.. gid=.. pid=.. ifs=.. up=.. seccomp=.."
 *
 * then for every job the frames a one-shot safeshare-extract writes
 * (reader/frames.c), ending with the status frame 'E' u8 failed.
 *
 * Pool <-> manager, a SOCK_SEQPACKET socketpair, one message each way per
 * request: ss_mgr_req, then ss_mgr_rep (after a spawn, with two
 * descriptors: the write end of the reader's stdin and the read end of
 * its stdout, SCM_RIGHTS).
 *
 * Integers are big-endian on the reader's channels, host order on the
 * manager's socketpair (the same machine, the same build). */
#ifndef SS_READER_PROTO_H
#define SS_READER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define SS_JOB_MAGIC "SSJ1"
#define SS_JOB_HDR 68            /* 4 + 2*4 + 7*8 */
#define SS_JOB_MAX_NAME 4096

typedef struct {
    uint64_t max_archive_bytes, max_total_bytes, max_depth, max_entries;
    uint64_t cpu_seconds;        /* CPU for this job (the reader enforces it) */
    uint64_t used;               /* decompressed bytes of earlier attachments */
} ss_job_limits;

/* Big-endian integers, as the channels carry them. */
void ss_be32_put(unsigned char *p, uint32_t v);
uint32_t ss_be32_get(const unsigned char *p);

/* Encodes a job header into hdr (SS_JOB_HDR bytes). */
void ss_job_header(unsigned char *hdr, const ss_job_limits *lim, size_t name_len,
                   size_t ctype_len, uint64_t data_len);
/* Decodes one; -1 on a bad magic. */
int ss_job_parse(const unsigned char *hdr, ss_job_limits *lim, uint32_t *name_len,
                 uint32_t *ctype_len, uint64_t *data_len);

/* Manager requests: start a reader, kill and reap one, stop everything. */
enum { SS_MGR_SPAWN = 'S', SS_MGR_KILL = 'K', SS_MGR_QUIT = 'Q' };

typedef struct {
    int32_t op;
    int32_t pid;
} ss_mgr_req;

typedef struct {
    int32_t pid;                 /* the reader started (S) or reaped (K) */
    int32_t err;                 /* errno of a refused request, else 0 */
    int32_t status;              /* wait status (K) */
    int32_t reaped;              /* 1 when status is valid */
    int64_t utime_us, stime_us;  /* the reaped reader's CPU (wait4) */
} ss_mgr_rep;

/* The exit codes of a reader the manager could not make (readerd.c),
 * named in the pool's "could not start a reader" message. */
enum {
    SS_MGR_EXIT_NETNS = 120,     /* unshare(CLONE_NEWNET) refused */
    SS_MGR_EXIT_GROUPS = 121,
    SS_MGR_EXIT_UID = 122,
    SS_MGR_EXIT_ROOT = 123,      /* it could have become root again */
    SS_MGR_EXIT_FDS = 124,
    SS_MGR_EXIT_EXEC = 127,
};

#endif
