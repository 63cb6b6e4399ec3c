/* Operational logging: syslog once ss_log_open has been called (and
 * stderr too in the foreground), stderr before. Lines about a message
 * start with its queue id. Never pass an identifier. */
#ifndef SS_LOG_H
#define SS_LOG_H

#include <syslog.h>

enum { SS_LOG_ERR = LOG_ERR, SS_LOG_WARNING = LOG_WARNING, SS_LOG_NOTICE = LOG_NOTICE,
       SS_LOG_INFO = LOG_INFO };

/* facility: "mail", "daemon", "local0".."local7". 0 ok, -1 unknown. */
int ss_log_open(const char *facility, int to_stderr);
/* The same for another program (safesharectl, safeshare-review); ident
 * names it. */
int ss_log_open_as(const char *ident, const char *facility, int to_stderr);
void ss_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
