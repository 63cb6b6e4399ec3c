/* Shared by the attachment tests: an ssx_out that keeps what it is given,
 * and fixture loading from $SS_TESTDATA/attach. */
#ifndef ATTACH_TEST_UTIL_H
#define ATTACH_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/reader.h"

#define NHS_DOTTED "943 476 5919"

typedef struct {
    char *sub[64], *text[64];
    size_t ntext;
    char *ssub[64], *why[64];
    int unreadable[64];
    size_t nskip;
} collected;

static inline void col_text(ssx_out *o, const char *sub, const char *utf8, size_t len)
{
    collected *c = o->ctx;
    if (c->ntext == 64)
        fail_msg("too many segments");
    c->sub[c->ntext] = strdup(sub);
    c->text[c->ntext] = strndup(utf8, len);
    c->ntext++;
}

static inline void col_skip(ssx_out *o, const char *sub, const char *why, int unreadable)
{
    collected *c = o->ctx;
    if (c->nskip == 64)
        fail_msg("too many skips");
    c->ssub[c->nskip] = strdup(sub);
    c->why[c->nskip] = strdup(why);
    c->unreadable[c->nskip] = unreadable;
    c->nskip++;
}

static inline void col_init(ssx_out *o, collected *c)
{
    memset(c, 0, sizeof *c);
    memset(o, 0, sizeof *o);
    o->text = col_text;
    o->skip = col_skip;
    o->ctx = c;
}

static inline void col_free(collected *c)
{
    for (size_t i = 0; i < c->ntext; i++) {
        free(c->sub[i]);
        free(c->text[i]);
    }
    for (size_t i = 0; i < c->nskip; i++) {
        free(c->ssub[i]);
        free(c->why[i]);
    }
}

static inline const char *col_seg(const collected *c, const char *sub)
{
    for (size_t i = 0; i < c->ntext; i++)
        if (strcmp(c->sub[i], sub) == 0)
            return c->text[i];
    for (size_t i = 0; i < c->ntext; i++)
        print_message("have segment [%s]\n", c->sub[i]);
    fail_msg("no segment at [%s]", sub);
    return NULL;
}

static inline unsigned char *fixture(const char *name, size_t *len)
{
    const char *dir = getenv("SS_TESTDATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/attach/%s", dir ? dir : "tests/data", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (is SS_TESTDATA set?)", path);
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        cap += 65536;
        buf = realloc(buf, cap + 1);
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

#endif
