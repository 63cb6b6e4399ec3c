/* safesharectl audit: the DPO's and the admin's view of the trail
 * (safesharectl(8), AUDIT TRAIL). Every subcommand reads only AuditKey
 * of the key files, so members of AuditGroup can run them. Exit status:
 * 0 done (found, verified), 1 nothing found or the chain is broken,
 * 2 usage, configuration or a file that cannot be read. */
#ifndef SS_REVIEW_AUDIT_CTL_H
#define SS_REVIEW_AUDIT_CTL_H

#include <stddef.h>
#include "ctl.h"
#include "audit/verify.h"
#include "base/buf.h"

int ss_audit_verify_cmd(const char *conf, int argc, char **argv);
int ss_audit_search_cmd(const char *conf, int argc, char **argv);
int ss_audit_report_cmd(const char *conf, int argc, char **argv);
int ss_audit_digest_cmd(const char *conf, int argc, char **argv);

/* The check `audit verify` makes: the files given, in that order, or the
 * whole trail up to where its head file says the chain stands. 0 when it
 * ran (r filled; free it), 2 when it could not (printed). */
int ss_audit_ctl_check(const ss_config *c, char *const *given, size_t ngiven,
                       ss_verify_opts *o, ss_verify_result *r);
/* What verify prints: "verified N records in F files, head SEQ:CHAIN",
 * or "FILE:LINE: why" and how many records before it are intact. */
void ss_audit_ctl_verdict(const ss_verify_result *r, ss_buf *out);
/* --head (opt 'h') or --after ('a') SEQ:CHAIN into o. 0, or -1 (printed). */
int ss_audit_ctl_head_opt(int opt, const char *arg, ss_verify_opts *o);
/* One reference's decision, delivery records and events (audit_show.c). */
int ss_audit_show_cmd(const char *conf, int argc, char **argv);

/* The files to read: those given, in that order, or else the trail of
 * AuditLog oldest first (trail.h). -1 printed. */
long ss_audit_ctl_files(const ss_config *c, char *const *given, size_t ngiven, char ***out);

#endif
