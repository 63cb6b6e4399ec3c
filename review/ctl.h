/* safesharectl subcommands. Each returns the process exit status:
 * 0 done, 1 a negative answer (e.g. nothing found), 2 usage or configuration error. */
#ifndef SS_CTL_H
#define SS_CTL_H

#include "config/config.h"

int ss_ctl_explain(const char *conf, int argc, char **argv);
int ss_ctl_audit(const char *conf, int argc, char **argv);
int ss_ctl_register(const char *conf, int argc, char **argv);
int ss_ctl_quarantine(const char *conf, int argc, char **argv);
int ss_ctl_reviewer(const char *conf, int argc, char **argv);

/* Load the configuration or print why not (exit status 2 follows). */
ss_config *ss_ctl_config(const char *conf);
/* The same for the audit commands: of the key files only AuditKey is
 * read (ss_config_load_audit), so members of AuditGroup can run them. */
ss_config *ss_ctl_config_audit(const char *conf);
/* The same for a command that writes what the milter reads (the store,
 * the audit log, the reviewer file): run as root with UserID set, the
 * process becomes that user once the configuration and keys are read. */
ss_config *ss_ctl_config_service(const char *conf);

/* Who runs the command (SUDO_USER under sudo), as it was before any
 * change of user. */
const char *ss_ctl_invoker(void);

#endif
