/* safesharectl audit SUBCOMMAND (audit_ctl.h). */
#include "audit_ctl.h"
#include "ctl.h"

#include <stdio.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr,
        "usage: safesharectl audit verify [--head SEQ:CHAIN] [--after SEQ:CHAIN] [FILE ...]\n"
        "       safesharectl audit search [what to look for] [--json|--csv] [--log FILE ...]\n"
        "       safesharectl audit show REFERENCE [--json] [--log FILE ...]\n"
        "       safesharectl audit report [--from DATE] [--to DATE] [--html FILE] [--json]\n"
        "                                 [--overdue HOURS] [--log FILE ...]\n"
        "       safesharectl audit digest [--after SEQ:CHAIN]\n"
        "(see safesharectl(8))\n");
    return 2;
}

int ss_ctl_audit(const char *conf, int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (!strcmp(argv[1], "verify"))
        return ss_audit_verify_cmd(conf, argc - 1, argv + 1);
    if (!strcmp(argv[1], "search"))
        return ss_audit_search_cmd(conf, argc - 1, argv + 1);
    if (!strcmp(argv[1], "digest"))
        return ss_audit_digest_cmd(conf, argc - 1, argv + 1);
    if (!strcmp(argv[1], "report"))
        return ss_audit_report_cmd(conf, argc - 1, argv + 1);
    if (!strcmp(argv[1], "show"))
        return ss_audit_show_cmd(conf, argc - 1, argv + 1);
    return usage();
}
