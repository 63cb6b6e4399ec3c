/* Reading a trail file line by line, plain or gzip-compressed (zlib reads
 * both), as logrotate leaves them: audit.log, audit.log.1,
 * audit.log.2.gz. */
#ifndef SS_AUDIT_LINES_H
#define SS_AUDIT_LINES_H

#include <stddef.h>
#include "base/buf.h"

typedef struct ss_lines ss_lines;

/* NULL with err when the file cannot be opened. */
ss_lines *ss_lines_open(const char *path, char *err, size_t errlen);

/* The next line, without its newline, in line (reused). 1 a line; 0 the
 * end; -1 a read error or compressed data cut short or damaged (err,
 * which does not repeat the file's name).
 * *terminated says whether the line ended with a newline: the last line
 * of a file a write was cut short in does not. */
int ss_lines_next(ss_lines *l, ss_buf *line, int *terminated, char *err, size_t errlen);

/* 1-based number of the line ss_lines_next returned last. */
unsigned long long ss_lines_number(const ss_lines *l);
void ss_lines_close(ss_lines *l);

#endif
