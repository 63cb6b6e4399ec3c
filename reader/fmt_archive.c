/* A plain ZIP archive: each entry is read like an attachment of its own,
 * by the reader the dispatcher (attach.c) passes down, so nesting is
 * counted by depth and no archive format calls back up into the
 * dispatcher by name. */
#include "fmt_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *sub;
    const ss_attach_limits *lim;
    int depth;
    ssx_out *o;
    ssx_any_reader *member;
} walk_ctx;

static int read_member(void *ctx, const char *name, ss_buf *data)
{
    walk_ctx *w = ctx;
    const char *base = strrchr(name, '/');
    base = base && base[1] ? base + 1 : name;
    char *shown = ssx_clean_name(name);
    ss_buf q = SS_BUF_INIT;
    ss_buf_printf(&q, "\"%s\"", shown);
    free(shown);
    char *sub = ssx_sub_join(w->sub, q.p);
    ss_buf_free(&q);
    w->member((const unsigned char *)data->p, data->len, sub, base, NULL,
              w->lim, w->depth + 1, w->o);
    free(sub);
    return 0;
}

int ssx_read_archive(const unsigned char *data, size_t len, const char *sub,
                     const ss_attach_limits *lim, int depth, ssx_out *o,
                     ssx_any_reader *member)
{
    walk_ctx w = { sub, lim, depth, o, member };
    return ssx_zip_each(data, len, sub, lim, o, NULL, read_member, &w) < 0 ? -1 : 0;
}
