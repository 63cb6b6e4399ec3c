/* Becoming the service user (UserID): the milter after it has opened its
 * socket, safeshare-review after it has bound its port, and safesharectl
 * when root runs it, so that whatever it writes in the quarantine store,
 * the audit log or the reviewer file stays readable by the milter. */
#ifndef SS_BASE_PRIVS_H
#define SS_BASE_PRIVS_H

#include <stddef.h>

/* When running as root and user is set: supplementary groups, then the
 * group, then the user, each checked, and a check that root cannot be
 * had back. 0 (also when there is nothing to do), or -1 with err. */
int ss_become_user(const char *user, char *err, size_t errlen);

/* No core dump, and not dumpable (nor open to ptrace by the same user):
 * a core would hold the keys and the mail in memory. RLIMIT_CORE 0, soft
 * and hard, and PR_SET_DUMPABLE 0; called before the keys are read and
 * again after the privilege drop (which resets dumpable to the kernel's
 * fs.suid_dumpable). 0, or -1 with err. */
int ss_harden_process(char *err, size_t errlen);

#endif
