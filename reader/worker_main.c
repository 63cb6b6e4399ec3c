/* safeshare-extract: reads attachments and writes their text as framed
 * records on stdout (reader/frames.c describes the frames). Two modes:
 *
 *   safeshare-extract ARCHIVE_BYTES TOTAL_BYTES DEPTH ENTRIES SECONDS MEMORY USED NAME TYPE
 *       One attachment on stdin (safesharectl, and the milter when it
 *       runs no pool). USED is what the message's earlier attachments
 *       already decompressed: TOTAL_BYTES bounds the message, not one
 *       attachment. Before reading any input it closes every inherited
 *       descriptor but 0-2 and limits itself: address space, CPU seconds,
 *       no files written, no core dumps, few descriptors. A hostile file
 *       can then crash or stall this process and nothing else.
 *
 *   safeshare-extract --pool MEMORY LIFETIME_CPU MAX_INPUT [--no-seccomp]
 *       A warm reader of the pool, started by safeshare-readerd: many
 *       attachments, one after another, under a seccomp filter
 *       (reader/serve.c). --no-seccomp is for tests and profiling only. */
#include "reader.h"
#include "sandbox.h"
#include "serve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int number(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, ss_attach_limits *lim, size_t *used)
{
    uint64_t v[7];
    if (argc != 10)
        return -1;
    for (int i = 0; i < 7; i++)
        if (number(argv[i + 1], &v[i]) < 0)
            return -1;
    lim->max_archive_bytes = v[0];
    lim->max_total_bytes = v[1];
    lim->max_archive_depth = v[2];
    lim->max_entries = v[3];
    lim->max_seconds = (unsigned)v[4];
    lim->max_memory = v[5];
    lim->wall_ms = 0;                /* the parent keeps the clock */
    *used = v[6];
    return 0;
}

static unsigned char *read_all(int fd, size_t max, size_t *len)
{
    ss_buf b = SS_BUF_INIT;
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || b.len + (size_t)n > max) {
            ss_buf_free(&b);
            return NULL;
        }
        ss_buf_add(&b, chunk, (size_t)n);
    }
    *len = b.len;
    return (unsigned char *)ss_buf_steal(&b);
}

/* --pool MEMORY LIFETIME_CPU MAX_INPUT [--no-seccomp]; -1 if it is not. */
static int pool_mode(int argc, char **argv)
{
    uint64_t v[3];
    if (argc < 5 || argc > 6 || strcmp(argv[1], "--pool") != 0 || number(argv[2], &v[0]) ||
        number(argv[3], &v[1]) || number(argv[4], &v[2]) ||
        (argc == 6 && strcmp(argv[5], "--no-seccomp") != 0))
        return -1;
    return ssx_serve(v[0], v[1], v[2], argc == 5);
}

int main(int argc, char **argv)
{
    ss_attach_limits lim;
    size_t used;
    if (argc > 1 && !strcmp(argv[1], "--pool")) {
        int rc = pool_mode(argc, argv);
        if (rc >= 0)
            return rc;
    }
    if (parse_args(argc, argv, &lim, &used) < 0) {
        fprintf(stderr, "usage: safeshare-extract ARCHIVE_BYTES TOTAL_BYTES "
                "DEPTH ENTRIES SECONDS MEMORY USED NAME TYPE < attachment\n"
                "       safeshare-extract --pool MEMORY LIFETIME_CPU MAX_INPUT\n");
        return 2;
    }
    if (ss_contain(lim.max_memory, lim.max_seconds) < 0)
        return 3;                  /* never parse without the limits */
    size_t len = 0;
    unsigned char *data = read_all(0, lim.max_memory, &len);
    if (!data)
        return 4;
    int out = 1;
    ssx_out o;
    ssx_frame_out(&o, &out);
    o.total = used;
    const char *name = argv[8][0] ? argv[8] : NULL;
    const char *ctype = argv[9][0] ? argv[9] : NULL;
    int rc = ssx_read_any(data, len, "", name, ctype, &lim, 0, &o);
    ssx_frame_total(out, o.total);
    ssx_frame_end(out, rc);
    free(data);
    return 0;
}
