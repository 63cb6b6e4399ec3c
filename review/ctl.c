/* What every safesharectl subcommand shares: the configuration, loaded
 * with the reason printed when it cannot be. */
#include "ctl.h"

#include <stdio.h>

static ss_config *load(ss_config *(*loader)(const char *, char *, size_t), const char *path)
{
    char err[1024];
    ss_config *c = loader(path, err, sizeof err);
    if (!c)
        fprintf(stderr, "safesharectl: %s\n", err);
    return c;
}

ss_config *ss_ctl_config(const char *path)
{
    return load(ss_config_load, path);
}

ss_config *ss_ctl_config_audit(const char *path)
{
    return load(ss_config_load_audit, path);
}
