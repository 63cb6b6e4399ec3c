#include "lines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct ss_lines {
    gzFile z;
    char *path;
    char buf[65536];
    size_t pos, len;
    int eof;
    unsigned long long lineno;
};

ss_lines *ss_lines_open(const char *path, char *err, size_t errlen)
{
    gzFile z = gzopen(path, "rb");
    if (!z) {
        snprintf(err, errlen, "%s: cannot read: %s", path, errno ? strerror(errno)
                                                                 : "out of memory");
        return NULL;
    }
    gzbuffer(z, 131072);
    ss_lines *l = ss_xcalloc(1, sizeof *l);
    l->z = z;
    l->path = ss_xstrdup(path);
    return l;
}

/* Refill the buffer. 1 more bytes, 0 the end, -1 an error. */
/* zlib's message names the file; ours are put after "FILE:LINE:". */
static const char *zmessage(ss_lines *l, int *code)
{
    const char *why = gzerror(l->z, code);
    size_t n = strlen(l->path);
    return strncmp(why, l->path, n) == 0 && !strncmp(why + n, ": ", 2) ? why + n + 2 : why;
}

static int fill(ss_lines *l, char *err, size_t errlen)
{
    if (l->eof)
        return 0;
    int n = gzread(l->z, l->buf, sizeof l->buf);
    if (n < 0 || (n == 0 && !gzeof(l->z))) {
        int code;
        const char *why = zmessage(l, &code);
        snprintf(err, errlen, "cannot read after line %llu: %s", l->lineno,
                 code == Z_ERRNO ? strerror(errno) : why);
        return -1;
    }
    if (n == 0) {
        /* zlib says a gzip stream that stops mid-way is EOF with an error */
        int code;
        const char *why = zmessage(l, &code);
        if (code != Z_OK && code != Z_STREAM_END) {
            snprintf(err, errlen, "compressed data cut short or damaged after line %llu (%s)",
                     l->lineno, why);
            return -1;
        }
        l->eof = 1;
        return 0;
    }
    l->pos = 0;
    l->len = (size_t)n;
    return 1;
}

int ss_lines_next(ss_lines *l, ss_buf *line, int *terminated, char *err, size_t errlen)
{
    ss_buf_reset(line);
    for (;;) {
        if (l->pos == l->len) {
            int r = fill(l, err, errlen);
            if (r < 0)
                return -1;
            if (r == 0) {
                if (line->len == 0)
                    return 0;
                *terminated = 0;
                l->lineno++;
                return 1;
            }
        }
        char *nl = memchr(l->buf + l->pos, '\n', l->len - l->pos);
        size_t n = nl ? (size_t)(nl - (l->buf + l->pos)) : l->len - l->pos;
        ss_buf_add(line, l->buf + l->pos, n);
        l->pos += n;
        if (nl) {
            l->pos++;
            *terminated = 1;
            l->lineno++;
            return 1;
        }
    }
}

unsigned long long ss_lines_number(const ss_lines *l)
{
    return l->lineno;
}

void ss_lines_close(ss_lines *l)
{
    if (!l)
        return;
    gzclose(l->z);
    free(l->path);
    free(l);
}
