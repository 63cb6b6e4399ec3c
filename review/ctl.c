/* What every safesharectl subcommand shares: the configuration, loaded
 * with the reason printed when it cannot be. */
#include "ctl.h"

#include <stdio.h>

ss_config *ss_ctl_config(const char *path)
{
    char err[1024];
    ss_config *c = ss_config_load(path, err, sizeof err);
    if (!c)
        fprintf(stderr, "safesharectl: %s\n", err);
    return c;
}
