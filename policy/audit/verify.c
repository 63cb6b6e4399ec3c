#include "verify.h"
#include "lines.h"
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

typedef struct {
    const unsigned char *key;
    const ss_verify_opts *o;
    ss_verify_result *r;
    ss_chain_head prev;
    const char *prev_file;     /* the file before this one, for messages */
    int first_of_file;
    unsigned long long last_line;   /* of the last file read whole */
    unsigned long long gap_want;    /* a gap in the numbers: the first missing */
    unsigned long long gap_got;     /* record, and the one found in its place */
} walk;

static int broken(walk *w, const char *file, unsigned long long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int broken(walk *w, const char *file, unsigned long long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->r->why, sizeof w->r->why, fmt, ap);
    va_end(ap);
    w->r->ok = 0;
    w->r->file = ss_xstrdup(file);
    w->r->line = line;
    return -1;
}

/* The record's number is not the next one: what that means. */
static int out_of_sequence(walk *w, const char *file, unsigned long long line,
                           unsigned long long seq)
{
    unsigned long long want = w->prev.seq + 1;
    if (seq < want)
        return broken(w, file, line, "record %llu is out of order: record %llu should be here%s",
                      seq, want, w->first_of_file && w->prev_file
                      ? " (the files are out of order, or one was replaced)" : "");
    if (w->prev.seq == 0 && !w->o->have_after)
        return broken(w, file, line, "records 1 to %llu are not before this one: the "
                      "oldest file is missing, or the files are out of order (if the oldest "
                      "was removed on purpose, give --after with the head it ended at)",
                      seq - 1);
    if (w->first_of_file && w->prev_file)
        return broken(w, file, line, "records %llu to %llu are missing between %s and this "
                      "file: a file is missing, or the files are out of order",
                      want, seq - 1, w->prev_file);
    w->gap_want = want;
    w->gap_got = seq;
    if (seq - want == 1)
        return broken(w, file, line, "record %llu is missing before this one (removed)", want);
    return broken(w, file, line, "records %llu to %llu are missing before this one (removed)",
                  want, seq - 1);
}

static int bad_chain(walk *w, const char *file, unsigned long long line, unsigned long long seq)
{
    if (w->first_of_file && w->prev_file)
        return broken(w, file, line, "record %llu does not continue the chain of %s: that file "
                      "was replaced or cut short, or this record was changed", seq, w->prev_file);
    if (w->prev.seq == w->o->after.seq && w->o->have_after)
        return broken(w, file, line, "record %llu does not follow the --after head: wrong "
                      "head, or this record was changed", seq);
    return broken(w, file, line, "record %llu was changed: its chain value does not match "
                  "what it holds", seq);
}

static int check_line(walk *w, const char *file, unsigned long long line, const ss_buf *l)
{
    unsigned long long seq;
    unsigned char stored[SS_CHAIN_LEN], want[SS_CHAIN_LEN];
    size_t covered;
    if (ss_chain_parse(l->p, l->len, &seq, stored, &covered) != 0)
        return broken(w, file, line, "not a chained record: cut short, joined to another, or "
                      "edited");
    if (seq != w->prev.seq + 1)
        return out_of_sequence(w, file, line, seq);
    if (ss_chain_mac(w->key, w->prev.chain, l->p, covered, want) != 0)
        return broken(w, file, line, "cannot compute the chain (OpenSSL failed)");
    if (CRYPTO_memcmp(want, stored, SS_CHAIN_LEN) != 0)
        return bad_chain(w, file, line, seq);
    if (w->o->have_head && seq == w->o->head.seq
        && CRYPTO_memcmp(stored, w->o->head.chain, SS_CHAIN_LEN) != 0)
        return broken(w, file, line, "record %llu is not the record %s names: the trail was "
                      "rewritten from here", seq, w->o->head_source);
    w->prev.seq = seq;
    memcpy(w->prev.chain, stored, SS_CHAIN_LEN);
    w->r->records++;
    w->first_of_file = 0;
    return 0;
}

/* A record missing from its place may be further on (moved, not
 * removed): read the rest of the file for it. */
static void look_for_moved(walk *w, ss_lines *in, ss_buf *l)
{
    int terminated;
    char err[512];
    unsigned char chain[SS_CHAIN_LEN];
    unsigned long long seq;
    size_t covered;
    while (ss_lines_next(in, l, &terminated, err, sizeof err) > 0) {
        if (ss_chain_parse(l->p, l->len, &seq, chain, &covered) == 0 && seq >= w->gap_want
            && seq < w->gap_got) {
            snprintf(w->r->why, sizeof w->r->why, "record %llu is out of order: record %llu "
                     "should be here (it is at line %llu)", w->gap_got, w->gap_want,
                     ss_lines_number(in));
            return;
        }
    }
}

static int check_file(walk *w, const char *file)
{
    char err[512];
    ss_lines *in = ss_lines_open(file, err, sizeof err);
    if (!in)
        return broken(w, file, 0, "%s", err);
    ss_buf l = SS_BUF_INIT;
    int terminated, rc = 0, got;
    w->first_of_file = 1;
    while (rc == 0 && (got = ss_lines_next(in, &l, &terminated, err, sizeof err)) != 0) {
        unsigned long long n = ss_lines_number(in);
        if (got < 0)
            rc = broken(w, file, n + 1, "%s", err);
        else if (!terminated)
            rc = broken(w, file, n, "the last record is unfinished: cut short, or being "
                        "written just now (if so, run verify again)");
        else
            rc = check_line(w, file, n, &l);
    }
    if (rc != 0 && w->gap_want)
        look_for_moved(w, in, &l);
    w->last_line = ss_lines_number(in);
    ss_buf_free(&l);
    ss_lines_close(in);
    w->r->files++;
    return rc;
}

int ss_verify_files(const unsigned char key[SS_CHAIN_LEN], char *const *files, size_t n,
                    const ss_verify_opts *o, ss_verify_result *r)
{
    memset(r, 0, sizeof *r);
    r->ok = 1;
    walk w = { .key = key, .o = o, .r = r };
    if (o->have_after)
        w.prev = o->after;
    if (n == 0)
        return broken(&w, "", 0, "there are no audit files to check") + 1;
    for (size_t i = 0; i < n; i++) {
        if (check_file(&w, files[i]) != 0)
            return 0;
        w.prev_file = files[i];
    }
    r->last = w.prev;
    if (o->have_head && w.prev.seq < o->head.seq)
        return broken(&w, files[n - 1], w.last_line + 1, "the trail ends at record %llu, but %s "
                      "says record %llu was written: the last records were removed",
                      w.prev.seq, o->head_source, o->head.seq) + 1;
    return 0;
}

void ss_verify_result_free(ss_verify_result *r)
{
    free(r->file);
    r->file = NULL;
}
