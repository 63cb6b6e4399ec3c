/* Checking a trail's chain (safesharectl audit verify): every record's
 * number follows the one before and its chain value is what its bytes and
 * the previous value give, across files in the order given. The first
 * break is named by file, line and what it looks like. */
#ifndef SS_AUDIT_VERIFY_H
#define SS_AUDIT_VERIFY_H

#include <stddef.h>
#include "chain.h"

typedef struct {
    int have_after;            /* the files start after this record (older */
    ss_chain_head after;       /* files were removed on purpose) */
    int have_head;             /* the chain must reach this record with this */
    ss_chain_head head;        /* value: the head file, or a kept digest */
    const char *head_source;   /* for messages: "the head file", "--head" */
} ss_verify_opts;

typedef struct {
    int ok;
    unsigned long long records;   /* checked and good */
    size_t files;                 /* files read */
    ss_chain_head last;           /* where the good chain ends */
    char *file;                   /* the first break: file (malloc'd), */
    unsigned long long line;      /* line (1-based), */
    char why[640];                /* and what it looks like */
} ss_verify_result;

/* 0 when the check ran (r->ok says how it came out); -1 only when the
 * chain key cannot be used. */
int ss_verify_files(const unsigned char key[SS_CHAIN_LEN], char *const *files, size_t n,
                    const ss_verify_opts *o, ss_verify_result *r);
void ss_verify_result_free(ss_verify_result *r);

#endif
