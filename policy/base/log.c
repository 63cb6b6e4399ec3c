#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Until a daemon opens the log, lines go to stderr: a command-line tool
 * (safesharectl) that runs policy code says what it saw to its user, not
 * to the mail log. */
static int opened;

static const struct { const char *name; int fac; } facilities[] = {
    { "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
    { "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
    { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
    { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int ss_log_open(const char *facility, int to_stderr)
{
    return ss_log_open_as("safeshare-milter", facility, to_stderr);
}

int ss_log_open_as(const char *ident, const char *facility, int to_stderr)
{
    for (size_t i = 0; i < sizeof facilities / sizeof *facilities; i++) {
        if (strcmp(facility, facilities[i].name) == 0) {
            openlog(ident, LOG_PID | LOG_NDELAY | (to_stderr ? LOG_PERROR : 0),
                    facilities[i].fac);
            opened = 1;
            return 0;
        }
    }
    return -1;
}

void ss_log(int prio, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (opened) {
        vsyslog(prio, fmt, ap);
    } else {
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
}
