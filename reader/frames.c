/* A reader's answer, both sides. The reader writes framed records on its
 * stdout; the parent reads them:
 *
 *   'T' u32 sublen, sub, u32 len, text          a text segment
 *   'S' u32 sublen, sub, u32 whylen, why, u8 unreadable
 *   'U' u32 len, decimal                         decompressed bytes in all,
 *                                               the message's earlier
 *                                               attachments included
 *   'E' u8 failed                               end of the answer
 *
 * (u32 big-endian.) The parent trusts none of it: a frame it cannot
 * parse, a count that shrinks, bytes after 'E' or too many bytes make the
 * answer bad, and the caller treats the attachment as unreadable. */
#include "frames.h"
#include "proto.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SUB 4096
#define MAX_WHY 1024
#define WHY_FAILED "the attachment could not be read"

/* ---- the reader's side --------------------------------------------------- */

static void put_str(ss_buf *b, const char *s, size_t n)
{
    unsigned char u[4];
    ss_be32_put(u, (uint32_t)n);
    ss_buf_add(b, u, 4);
    ss_buf_add(b, s, n);
}

static void frame_text(ssx_out *o, const char *sub, const char *utf8, size_t len)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_addc(&b, 'T');
    put_str(&b, sub, strlen(sub));
    put_str(&b, utf8, len);
    ss_write_all(*(int *)o->ctx, b.p, b.len);
    ss_buf_free(&b);
}

static void frame_skip(ssx_out *o, const char *sub, const char *why, int unreadable)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_addc(&b, 'S');
    put_str(&b, sub, strlen(sub));
    put_str(&b, why, strlen(why));
    ss_buf_addc(&b, unreadable ? 1 : 0);
    ss_write_all(*(int *)o->ctx, b.p, b.len);
    ss_buf_free(&b);
}

void ssx_frame_out(ssx_out *o, int *fd)
{
    memset(o, 0, sizeof *o);
    o->text = frame_text;
    o->skip = frame_skip;
    o->ctx = fd;
}

void ssx_frame_total(int fd, size_t total)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%zu", total);
    ss_buf b = SS_BUF_INIT;
    ss_buf_addc(&b, 'U');
    put_str(&b, num, (size_t)n);
    ss_write_all(fd, b.p, b.len);
    ss_buf_free(&b);
}

void ssx_frame_end(int fd, int rc)
{
    char end[2] = { 'E', rc < 0 ? 1 : 0 };
    ss_write_all(fd, end, 2);
}

/* ---- the parent's side ----------------------------------------------------- */

/* A u32-prefixed field at p: its length with the prefix, 0 when more bytes
 * are needed, -1 when it is longer than max. */
static long field(const unsigned char *p, size_t avail, size_t max)
{
    if (avail < 4)
        return 0;
    size_t n = ss_be32_get(p);
    if (n > max)
        return -1;
    return avail - 4 >= n ? (long)(4 + n) : 0;
}

/* The length of the frame at p: > 0 when it is all there, 0 when more is
 * needed, -1 when it cannot be a frame. */
static long frame_len(const unsigned char *p, size_t avail, size_t text_max)
{
    long a, b;
    if (avail < 2)
        return 0;
    switch (p[0]) {
    case 'E':
        return p[1] <= 1 ? 2 : -1;
    case 'U':
        a = field(p + 1, avail - 1, 20);
        return a <= 0 ? a : 1 + a;
    case 'T':
    case 'S':
        if ((a = field(p + 1, avail - 1, MAX_SUB)) <= 0)
            return a;
        b = field(p + 1 + a, avail - 1 - (size_t)a, p[0] == 'T' ? text_max : MAX_WHY - 1);
        if (b <= 0)
            return b;
        if (p[0] == 'T')
            return 1 + a + b;
        return avail > (size_t)(1 + a + b) ? 2 + a + b : 0;
    default:
        return -1;
    }
}

/* The reader's count of decompressed bytes. It may only grow. */
static int take_total(const unsigned char *s, size_t n, size_t *total)
{
    size_t v = 0;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (SIZE_MAX - 9) / 10)
            return -1;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    if (v < *total)
        return -1;
    *total = v;
    return 0;
}

/* One complete frame of length len at p, handed on. */
static int deliver(ssx_frames *f, const unsigned char *p, size_t len)
{
    if (p[0] == 'E') {
        f->ended = 1;
        f->failed = p[1];
        return 0;
    }
    const unsigned char *s = p + 5;
    size_t n = ss_be32_get(p + 1);
    if (p[0] == 'U') {
        f->told = 1;
        return take_total(s, n, &f->o->total);
    }
    char *sub = ss_xstrndup((const char *)s, n);
    const unsigned char *t = s + n + 4;
    size_t tn = ss_be32_get(s + n);
    if (p[0] == 'T') {
        f->o->text(f->o, sub, (const char *)t, tn);
    } else {
        char *why = ss_xstrndup((const char *)t, tn);
        int unreadable = p[len - 1] != 0;
        f->unreadable |= unreadable;
        f->o->skip(f->o, sub, why, unreadable);
        free(why);
    }
    free(sub);
    return 0;
}

void ssx_frames_init(ssx_frames *f, ssx_out *o, size_t cap)
{
    memset(f, 0, sizeof *f);
    f->o = o;
    f->cap = cap;
    f->before = o->total;
}

int ssx_frames_feed(ssx_frames *f, const void *p, size_t n)
{
    if (n > f->cap - f->fed || (f->ended && n > 0))
        return -1;
    f->fed += n;
    ss_buf_add(&f->pend, p, n);
    const unsigned char *b = (const unsigned char *)f->pend.p;
    size_t at = 0;
    while (!f->ended && at < f->pend.len) {
        long len = frame_len(b + at, f->pend.len - at, f->cap);
        if (len < 0 || (len > 0 && deliver(f, b + at, (size_t)len) < 0))
            return -1;
        if (len == 0)
            break;
        at += (size_t)len;
    }
    if (f->ended && at < f->pend.len)
        return -1;                       /* more than it was asked for */
    if (at > 0) {
        memmove(f->pend.p, b + at, f->pend.len - at);
        f->pend.len -= at;
    }
    return f->ended ? 1 : 0;
}

void ssx_frames_finish(ssx_frames *f, size_t input_len)
{
    if (!f->told)                        /* it never said: count what went in */
        f->o->total = f->before + input_len;
    if (f->ended && f->failed && !f->unreadable)
        f->o->skip(f->o, "", WHY_FAILED, 1);
    ss_buf_free(&f->pend);
}
