/* safeshare-extract: reads one attachment from stdin and writes its text
 * as framed records on stdout (reader/worker.c describes the frames).
 *
 *   safeshare-extract ARCHIVE_BYTES TOTAL_BYTES DEPTH ENTRIES SECONDS MEMORY USED NAME TYPE
 *
 * USED is what the message's earlier attachments already decompressed:
 * TOTAL_BYTES bounds the message, not one attachment.
 *
 * Started only by the milter or safesharectl. Before reading any input it
 * closes every inherited descriptor but 0-2 and limits itself: address
 * space, CPU seconds, no files written, no core dumps, few descriptors. A
 * hostile file can then crash or stall this process and nothing else. */
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SS_ASAN 1
#endif
#endif

static int limit(int what, rlim_t soft, rlim_t hard)
{
    struct rlimit r = { soft, hard };
    return setrlimit(what, &r);
}

static int contain(const ss_attach_limits *lim)
{
    for (int fd = 3; fd < 1024; fd++)   /* close_range needs glibc 2.34 */
        close(fd);
    rlim_t cpu = lim->max_seconds ? lim->max_seconds : 1;
    int bad = limit(RLIMIT_CPU, cpu, cpu + 1) | limit(RLIMIT_FSIZE, 0, 0) |
              limit(RLIMIT_CORE, 0, 0) | limit(RLIMIT_NOFILE, 16, 16);
#ifndef SS_ASAN         /* AddressSanitizer reserves terabytes of shadow */
    bad |= limit(RLIMIT_AS, lim->max_memory, lim->max_memory);
#endif
    return bad ? -1 : 0;
}

static int number(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_args(int argc, char **argv, ss_attach_limits *lim, size_t *used)
{
    size_t v[7];
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

int main(int argc, char **argv)
{
    ss_attach_limits lim;
    size_t used;
    if (parse_args(argc, argv, &lim, &used) < 0) {
        fprintf(stderr, "usage: safeshare-extract ARCHIVE_BYTES TOTAL_BYTES "
                "DEPTH ENTRIES SECONDS MEMORY USED NAME TYPE < attachment\n");
        return 2;
    }
    if (contain(&lim) < 0)
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
