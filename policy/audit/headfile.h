/* AuditLog.head (safeshare-audit(5)): where the chain stands after the
 * last durable record, one fixed-width line rewritten in place:
 *
 *   safeshare-audit-head 1 seq=N chain=HEX ino=N size=N
 *
 * (numbers zero-padded to 20 digits). It is also the lock every writer
 * holds while it appends (flock), so the milter, its reloaded snapshots
 * and safesharectl never interleave. A writer that finds AuditLog empty
 * (just rotated) continues the chain from here; `audit verify` uses it to
 * tell a trail whose last records were removed. */
#ifndef SS_AUDIT_HEADFILE_H
#define SS_AUDIT_HEADFILE_H

#include <stddef.h>
#include "chain.h"

typedef struct {
    ss_chain_head h;
    unsigned long long ino;    /* the AuditLog file it describes */
    unsigned long long size;   /* that file's size after record h.seq */
} ss_headfile;

/* AuditLog + ".head", malloc'd. */
char *ss_headfile_path(const char *audit_log);

/* 0 read; 1 the file is empty (new); -1 it is not a head line (damaged). */
int ss_headfile_read(int fd, ss_headfile *out);
/* Rewrite it in place and make it durable. 0 or -1 (errno set). */
int ss_headfile_write(int fd, const ss_headfile *hf);

/* Read the head of the trail at audit_log without locking (verify, the
 * daily digest). 0 read; 1 there is none yet; -1 with err. */
int ss_headfile_load(const char *audit_log, ss_headfile *out, char *err, size_t errlen);

#endif
