/* Shared by the extraction tests: sample messages from $SS_TESTDATA/mail
 * and assertions on segments by location. */
#ifndef EXTRACT_TEST_UTIL_H
#define EXTRACT_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"

#define NHS_DOTTED "943 476 5919"

static inline char *load(const char *name, size_t *len)
{
    const char *dir = getenv("SS_TESTDATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/mail/%s", dir ? dir : "tests/data", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (is SS_TESTDATA set?)", path);
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        cap += 4096;
        buf = realloc(buf, cap + 1);
        assert_non_null(buf);
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static inline void extract_file(const char *name, const ss_extract_limits *lim,
                         ss_extract *x)
{
    size_t len;
    char *msg = load(name, &len);
    char err[256] = "";
    int rc = ss_extract_mem(msg, len, lim, x, err, sizeof err);
    free(msg);
    if (rc != 0)
        fail_msg("%s: %s", name, err);
}

/* Segments other than header fields (From, To, ...: each is one too). */
static inline size_t body_segs(const ss_extract *x)
{
    size_t n = 0;
    for (size_t i = 0; i < x->nsegs; i++)
        n += strstr(x->segs[i].location, "the header \"") == NULL;
    return n;
}

static inline const ss_segment *seg_at(const ss_extract *x, const char *location)
{
    for (size_t i = 0; i < x->nsegs; i++)
        if (strcmp(x->segs[i].location, location) == 0)
            return &x->segs[i];
    fail_msg("no segment at \"%s\"", location);
    return NULL;
}

static inline void expect_seg(const ss_extract *x, const char *location,
                       const char *text)
{
    const ss_segment *s = seg_at(x, location);
    assert_string_equal(s->text, text);
    assert_int_equal(s->len, strlen(text));
}


static inline void extract_str(const char *msg, const ss_extract_limits *lim,
                               ss_extract *x)
{
    char err[256] = "";
    if (ss_extract_mem(msg, strlen(msg), lim, x, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* The skipped entry at location, or a failure. */
static inline const ss_unscanned *skip_at(const ss_extract *x, const char *location)
{
    for (size_t i = 0; i < x->nskipped; i++)
        if (strcmp(x->skipped[i].location, location) == 0)
            return &x->skipped[i];
    fail_msg("nothing skipped at \"%s\"", location);
    return NULL;
}

#endif
