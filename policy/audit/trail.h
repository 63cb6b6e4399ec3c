/* The files of one audit trail, oldest first: the rotated copies
 * logrotate leaves beside AuditLog, then AuditLog itself. */
#ifndef SS_AUDIT_TRAIL_H
#define SS_AUDIT_TRAIL_H

#include <stddef.h>

/* Rotated copies are the names AuditLog + "." or "-" + a suffix of digits
 * (and "-" or "_"), optionally ending ".gz": numbered ones (audit.log.1,
 * audit.log.2.gz: a higher number is older) after dated ones
 * (audit.log-20261123.gz: earlier is older); the head file is not one.
 * Fills *out (malloc'd paths, free with ss_trail_free) and returns how
 * many; AuditLog is last when it exists. -1 with err when the directory
 * cannot be read. */
long ss_trail_files(const char *audit_log, char ***out, char *err, size_t errlen);
void ss_trail_free(char **files, size_t n);

#endif
