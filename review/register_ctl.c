/* safesharectl register: one dispatcher for the publisher's and the
 * admin's register commands (safesharectl(8), REGISTER). */
#include "ctl.h"
#include "regctl.h"

#include <stdio.h>
#include <string.h>

static int usage(void)
{
    fputs(SS_REGCTL_USAGE, stderr);
    return 2;
}

int ss_ctl_register(const char *conf, int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    if (!strcmp(cmd, "check") || !strcmp(cmd, "sign") || !strcmp(cmd, "verify"))
        return ss_regctl_trust(conf, argc, argv);
    if (!strcmp(cmd, "diff"))
        return ss_regctl_diff(argc, argv);
    if (!strcmp(cmd, "import-dcb1596"))
        return ss_regctl_import(argc, argv);
    if (!strcmp(cmd, "update") && argc == 2)
        return ss_regctl_update(conf);
    if (!strcmp(cmd, "export-postfix") || !strcmp(cmd, "export-sendmail"))
        return ss_regctl_export(conf, argc, argv);
    return usage();
}
