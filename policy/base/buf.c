#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void oom(void)
{
    fputs("safeshare: out of memory\n", stderr);
    abort();
}

void *ss_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *ss_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *ss_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *ss_xstrdup(const char *s)
{
    return ss_xstrndup(s, strlen(s));
}

char *ss_xstrndup(const char *s, size_t n)
{
    char *p = ss_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void ss_buf_reserve(ss_buf *b, size_t extra)
{
    if (extra >= (size_t)-1 / 2 - b->len)
        oom();
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->p = ss_xrealloc(b->p, cap);
    b->cap = cap;
}

void ss_buf_add(ss_buf *b, const void *data, size_t n)
{
    ss_buf_reserve(b, n);
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void ss_buf_adds(ss_buf *b, const char *s)
{
    ss_buf_add(b, s, strlen(s));
}

void ss_buf_addc(ss_buf *b, char c)
{
    ss_buf_add(b, &c, 1);
}

void ss_buf_vprintf(ss_buf *b, const char *fmt, va_list ap)
{
    /* gcc -O1 with sanitizers cannot prove fmt non-null and fails
     * -Wformat-truncation; say it. */
    if (!fmt)
        return;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    ss_buf_reserve(b, (size_t)n);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void ss_buf_printf(ss_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ss_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void ss_buf_json_str(ss_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':  ss_buf_adds(b, "\\\""); break;
        case '\\': ss_buf_adds(b, "\\\\"); break;
        case '\n': ss_buf_adds(b, "\\n"); break;
        case '\r': ss_buf_adds(b, "\\r"); break;
        case '\t': ss_buf_adds(b, "\\t"); break;
        default:
            if (*p < 0x20)
                ss_buf_printf(b, "\\u%04x", *p);
            else
                ss_buf_addc(b, (char)*p);
        }
    }
}

void ss_buf_json_quoted(ss_buf *b, const char *s)
{
    ss_buf_addc(b, '"');
    ss_buf_json_str(b, s ? s : "");
    ss_buf_addc(b, '"');
}

void ss_buf_json_or_null(ss_buf *b, const char *s)
{
    if (s)
        ss_buf_json_quoted(b, s);
    else
        ss_buf_adds(b, "null");
}

void ss_buf_reset(ss_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void ss_buf_free(ss_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

char *ss_buf_steal(ss_buf *b)
{
    char *p = b->p ? b->p : ss_xstrdup("");
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

int ss_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}
