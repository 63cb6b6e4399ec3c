/* safesharectl quarantine: what the subcommands share. Exit statuses:
 * 0 done; 1 the entry cannot be acted on as asked (unknown reference,
 * already released, refused or delivered; a release that could not be
 * re-sent); 2 usage, configuration, or a store that cannot be read. The
 * decisions themselves are policy/held's, shared with safeshare-review. */
#ifndef SS_QCTL_H
#define SS_QCTL_H

#include <time.h>
#include "config/config.h"
#include "held/act.h"
#include "quarantine/quarantine.h"

/* The reviewer on record: --reviewer, else the person running the
 * command (ss_ctl_invoker); the login is that person either way. */
void ss_qctl_who(const char *given, ss_held_who *out);

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
