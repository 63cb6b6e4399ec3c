/* safesharectl quarantine: what the subcommands share. Exit statuses:
 * 0 done; 1 the entry cannot be acted on as asked (unknown reference,
 * already released, refused or delivered; a release that could not be
 * re-sent); 2 usage, configuration, or a store that cannot be read. */
#ifndef SS_QCTL_H
#define SS_QCTL_H

#include <time.h>
#include "config/config.h"
#include "quarantine/quarantine.h"

/* The store's key, or NULL when held mail is not encrypted. */
const unsigned char *ss_qctl_key(const ss_config *c);

/* Exit status for a store error: 1 for the entry's state, 2 otherwise. */
int ss_qctl_status(ss_qerr e);

/* The reviewer: --reviewer, else the Unix user running the command. */
const char *ss_qctl_reviewer(const char *given);

/* Append a review record (source "review") to AuditLog. 0 or -1 (printed). */
int ss_qctl_audit(const ss_config *c, const char *event, const char *ref,
                  const char *reviewer, const char *reason, const char *detail);

/* "N days" (or "Nh" hours) as seconds; -1 when not a number. */
long ss_qctl_age_arg(const char *s);

/* Upper-cased copy of a reference as typed, checked. 0 or -1 (printed). */
int ss_qctl_ref(const char *typed, char out[32]);

int ss_qctl_list(const ss_config *c, int argc, char **argv);
int ss_qctl_show(const ss_config *c, int argc, char **argv);
int ss_qctl_decide(const ss_config *c, int release, int argc, char **argv);
int ss_qctl_purge(const ss_config *c, int argc, char **argv);
int ss_qctl_remind(const ss_config *c, int argc, char **argv);
int ss_qctl_template(int argc, char **argv);   /* needs no configuration */

#endif
