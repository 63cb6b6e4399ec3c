/* ZIP containers with libarchive: the entries a plain archive holds
 * (fmt_archive.c reads each as an attachment of its own) and the entries
 * the OOXML/ODF readers ask for.
 *
 * Hostile archives: decompressed bytes are counted as they come out, never
 * taken from the (forgeable) size in the header, so a zip bomb stops at the
 * limit; encrypted entries are reported, not guessed at; the entry count
 * and nesting are bounded. */
#include "fmt_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHY_ENCRYPTED "the archive is password-protected"
#define WHY_DAMAGED "the archive is damaged and could not be read"

static void too_big(ssx_out *o, const char *sub, const char *what, size_t limit)
{
    char size[32], why[128];
    ssx_size_words(limit, size, sizeof size);
    snprintf(why, sizeof why, "%s expands to more than %s", what, size);
    o->skip(o, sub, why, 1);
}

static struct archive *open_zip(const unsigned char *data, size_t len)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        archive_read_free(a);
        return NULL;
    }
    return a;
}

void ssx_entries_free(ssx_entries *z)
{
    for (size_t i = 0; i < z->n; i++) {
        free(z->e[i].name);
        free(z->e[i].data);
    }
    free(z->e);
    memset(z, 0, sizeof *z);
}

static void entries_add(ssx_entries *z, const char *name, ss_buf *data)
{
    if (z->n == z->cap) {
        z->cap = z->cap ? z->cap * 2 : 16;
        z->e = ss_xrealloc(z->e, z->cap * sizeof *z->e);
    }
    z->e[z->n].name = ss_xstrdup(name);
    z->e[z->n].len = data ? data->len : 0;
    z->e[z->n].data = data ? (unsigned char *)ss_buf_steal(data) : NULL;
    z->n++;
}

const ssx_entry *ssx_entry_find(const ssx_entries *z, const char *name)
{
    for (size_t i = 0; i < z->n; i++)
        if (strcmp(z->e[i].name, name) == 0)
            return &z->e[i];
    return NULL;
}

int ssx_zip_names(const unsigned char *data, size_t len, size_t max,
                  ssx_entries *out)
{
    struct archive *a = open_zip(data, len);
    if (!a)
        return -1;
    struct archive_entry *e;
    int r;
    while (out->n < max && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        entries_add(out, name ? name : "", NULL);
    }
    archive_read_free(a);
    return 0;
}

typedef struct {
    const char *sub;
    const ss_attach_limits *lim;
    ssx_out *o;
    size_t used;              /* decompressed bytes from this archive */
} budget;

/* One entry's bytes into b; -1 (reported) on a limit or damage. */
static int read_entry(struct archive *a, budget *bg, ss_buf *b)
{
    char chunk[65536];
    for (;;) {
        la_ssize_t n = archive_read_data(a, chunk, sizeof chunk);
        if (n == 0)
            return 0;
        if (n < 0) {
            bg->o->skip(bg->o, bg->sub, WHY_DAMAGED, 1);
            return -1;
        }
        bg->used += (size_t)n;
        bg->o->total += (size_t)n;
        if (bg->used > bg->lim->max_archive_bytes) {
            too_big(bg->o, bg->sub, "the archive", bg->lim->max_archive_bytes);
            return -1;
        }
        if (bg->o->total > bg->lim->max_total_bytes) {
            char why[128];
            ssx_why_total(bg->lim->max_total_bytes, why, sizeof why);
            bg->o->skip(bg->o, bg->sub, why, 1);
            return -1;
        }
        ss_buf_add(b, chunk, (size_t)n);
    }
}

/* Checks an entry header: 1 to read it, 0 to pass over it, -1 to stop
 * (reported). */
static int entry_ok(struct archive_entry *e, budget *bg, size_t count)
{
    if (count > bg->lim->max_entries) {
        char why[96];
        snprintf(why, sizeof why, "the archive holds more than %zu files",
                 bg->lim->max_entries);
        bg->o->skip(bg->o, bg->sub, why, 1);
        return -1;
    }
    if (archive_entry_filetype(e) != AE_IFREG)
        return 0;
    if (archive_entry_is_encrypted(e)) {
        bg->o->skip(bg->o, bg->sub, WHY_ENCRYPTED, 1);
        return -1;
    }
    return 1;
}

/* Every regular entry wanted, decompressed under the limits, to fn. */
static int zip_each(const unsigned char *data, size_t len, budget *bg,
                    int (*want)(const char *), ssx_entry_fn fn, void *ctx)
{
    struct archive *a = open_zip(data, len);
    if (!a) {
        bg->o->skip(bg->o, bg->sub, WHY_DAMAGED, 1);
        return -1;
    }
    struct archive_entry *e;
    size_t count = 0;
    int r, rc = 0;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
           r == ARCHIVE_WARN) {
        const char *name = archive_entry_pathname(e);
        name = name ? name : "";
        int ok = entry_ok(e, bg, ++count);
        if (ok < 0) {
            rc = -1;
            break;
        }
        if (!ok || (want && !want(name)))
            continue;
        ss_buf b = SS_BUF_INIT;
        if (read_entry(a, bg, &b) < 0) {
            ss_buf_free(&b);
            rc = -1;
            break;
        }
        rc = fn(ctx, name, &b);
        ss_buf_free(&b);
    }
    if (rc == 0 && r != ARCHIVE_EOF && r != ARCHIVE_OK && r != ARCHIVE_WARN) {
        bg->o->skip(bg->o, bg->sub, WHY_DAMAGED, 1);
        rc = -1;
    }
    archive_read_free(a);
    return rc;
}

static int keep_entry(void *ctx, const char *name, ss_buf *data)
{
    entries_add(ctx, name, data);
    return 0;
}

int ssx_zip_load(const unsigned char *data, size_t len, const char *sub,
                 const ss_attach_limits *lim, ssx_out *o,
                 int (*want)(const char *name), ssx_entries *out)
{
    budget bg = { sub, lim, o, 0 };
    return zip_each(data, len, &bg, want, keep_entry, out);
}

int ssx_zip_each(const unsigned char *data, size_t len, const char *sub,
                 const ss_attach_limits *lim, ssx_out *o,
                 int (*want)(const char *name), ssx_entry_fn fn, void *ctx)
{
    budget bg = { sub, lim, o, 0 };
    return zip_each(data, len, &bg, want, fn, ctx);
}
