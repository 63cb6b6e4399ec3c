/* A growable byte buffer, always NUL-terminated. Allocation failure aborts:
 * the milter cannot make a safe decision without memory, and libmilter's
 * default action (tempfail) then holds the mail. */
#ifndef SS_BUF_H
#define SS_BUF_H

#include <stddef.h>
#include <stdarg.h>

typedef struct {
    char *p;
    size_t len;
    size_t cap;
} ss_buf;

#define SS_BUF_INIT { NULL, 0, 0 }

void ss_buf_reserve(ss_buf *b, size_t extra);
void ss_buf_add(ss_buf *b, const void *data, size_t n);
void ss_buf_adds(ss_buf *b, const char *s);
void ss_buf_addc(ss_buf *b, char c);
void ss_buf_printf(ss_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ss_buf_vprintf(ss_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Append s as the inside of a JSON string (no quotes added). */
void ss_buf_json_str(ss_buf *b, const char *s);
/* Append s as a quoted JSON string; NULL is written as "". */
void ss_buf_json_quoted(ss_buf *b, const char *s);
/* Append s as a quoted JSON string, or null when s is NULL. */
void ss_buf_json_or_null(ss_buf *b, const char *s);
void ss_buf_reset(ss_buf *b);
void ss_buf_free(ss_buf *b);
/* Hand the storage to the caller (NUL-terminated) and reset b. */
char *ss_buf_steal(ss_buf *b);

/* write(2) until all n bytes are out, retrying on EINTR. 0 or -1. */
int ss_write_all(int fd, const void *p, size_t n);

void *ss_xmalloc(size_t n);
void *ss_xcalloc(size_t n, size_t size);
void *ss_xrealloc(void *p, size_t n);
char *ss_xstrdup(const char *s);
char *ss_xstrndup(const char *s, size_t n);

#endif
