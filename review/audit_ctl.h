/* safesharectl audit: the DPO's and the admin's view of the trail
 * (safesharectl(8), AUDIT TRAIL). Every subcommand reads only AuditKey
 * of the key files, so members of AuditGroup can run them. Exit status:
 * 0 done (found, verified), 1 nothing found or the chain is broken,
 * 2 usage, configuration or a file that cannot be read. */
#ifndef SS_REVIEW_AUDIT_CTL_H
#define SS_REVIEW_AUDIT_CTL_H

#include <stddef.h>
#include "ctl.h"

int ss_audit_verify_cmd(const char *conf, int argc, char **argv);
int ss_audit_search_cmd(const char *conf, int argc, char **argv);
int ss_audit_report_cmd(const char *conf, int argc, char **argv);
/* One reference's decision, delivery records and events (audit_show.c). */
int ss_audit_show_cmd(const char *conf, int argc, char **argv);

/* The files to read: those given, in that order, or else the trail of
 * AuditLog oldest first (trail.h). -1 printed. */
long ss_audit_ctl_files(const ss_config *c, char *const *given, size_t ngiven, char ***out);

#endif
