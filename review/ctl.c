/* What every safesharectl subcommand shares: the configuration, loaded
 * with the reason printed when it cannot be, and, for commands that write
 * what the milter reads, the service user's identity taken when root runs
 * them, so the milter can read whatever they leave in the store and the
 * log. */
#include "ctl.h"
#include "base/privs.h"
#include "quarantine/quarantine.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static ss_config *load(ss_config *(*loader)(const char *, char *, size_t), const char *path)
{
    char err[1024];
    ss_config *c = loader(path, err, sizeof err);
    if (!c)
        fprintf(stderr, "safesharectl: %s\n", err);
    else
        ss_quarantine_plaintext_ok(c->quarantine_plaintext);
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

const char *ss_ctl_invoker(void)
{
    static char name[64];
    if (name[0])
        return name;
    const char *sudo = getuid() == 0 ? getenv("SUDO_USER") : NULL;
    struct passwd *pw = getpwuid(getuid());
    snprintf(name, sizeof name, "%s", sudo && *sudo ? sudo
                                      : pw && pw->pw_name ? pw->pw_name : "unknown");
    return name;
}

ss_config *ss_ctl_config_service(const char *path)
{
    char err[1024];
    ss_ctl_invoker();
    ss_config *c = ss_ctl_config(path);
    if (c && ss_become_user(c->user, err, sizeof err) != 0) {
        fprintf(stderr, "safesharectl: %s: %s\n", c->path, err);
        ss_config_free(c);
        return NULL;
    }
    return c;
}
