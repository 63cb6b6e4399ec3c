/* What the two daemons (safeshare-milter, safeshare-review) share as
 * programs: the same options, and going into the background. */
#ifndef SS_BASE_DAEMON_H
#define SS_BASE_DAEMON_H

#include <stdio.h>

typedef struct {
    const char *conf;         /* -c FILE (the caller sets the default) */
    int foreground;           /* -f */
    int check;                /* -n */
} ss_daemon_opts;

/* Parse -c FILE, -f, -n, -V (prints "NAME VERSION") and -h (usage to
 * stdout). -1 to go on; else the exit status to leave with (usage to
 * stderr on a bad option or a stray argument). */
int ss_daemon_options(int argc, char **argv, const char *name, const char *version,
                      void (*usage)(FILE *), ss_daemon_opts *o);

/* Fork into the background, new session, standard streams on /dev/null,
 * working directory /. 0 in the child (the parent exits), -1 on failure. */
int ss_daemonise(void);

#endif
