/* safesharectl: the admin's, DSL's and DPO's command line. */
#include "base/privs.h"
#include "buildconf.h"
#include "ctl.h"

#include <stdio.h>
#include <string.h>

static const char *conf = SS_SYSCONFDIR "/safeshare/safeshare.conf";

static void usage(FILE *f)
{
    fprintf(f,
        "usage: safesharectl [-c FILE] COMMAND ...\n"
        "  explain FILE.eml --from ADDR --to ADDR [--to ADDR ...] [--json] [--date YYYY-MM-DD]\n"
        "      run the policy on a message file and show the decision\n"
        "  audit verify [--head SEQ:CHAIN] [--after SEQ:CHAIN] [FILE ...]\n"
        "      check that no audit record was changed, removed or moved\n"
        "  audit digest [--after SEQ:CHAIN]\n"
        "      the daily check: verify, log to syslog, mail the head to AuditDigestTo\n"
        "  audit search [--nhs|--name|... [VALUE]] [--ref|--sender|--domain|--from|--to ...]\n"
        "      find messages and every record about them (leave VALUE out to be asked)\n"
        "  audit show REFERENCE [--json]\n"
        "      one share's decision and its delivery records (TLS, relay) together\n"
        "  audit report [--from DATE] [--to DATE] [--html FILE] [--json] [--overdue HOURS]\n"
        "      a period's shares, refusals, holds, findings and review times\n"
        "  register check|sign|verify|diff|update|export-postfix|export-sendmail|import-dcb1596\n"
        "      the secure-domain register: trust, lint, updates, MTA tables, DCB1596 drafts\n"
        "  quarantine list|show|release|refuse|purge|remind|template ...\n"
        "      review held mail (safesharectl quarantine with no command for usage)\n"
        "  reviewer add|passwd|remove|list ...\n"
        "      who may sign in to the review page, safeshare-review\n"
        "  -c FILE   configuration (default %s); may also follow the command\n"
        "  -V        print the version\n", conf);
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc)
            conf = argv[++i];
        else if (!strcmp(argv[i], "-V")) {
            printf("safesharectl %s\n", PACKAGE_VERSION);
            return 0;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[i];
    /* It reads the site's keys and held mail: no core may hold them. */
    char err[256];
    if (ss_harden_process(err, sizeof err) != 0) {
        fprintf(stderr, "safesharectl: %s\n", err);
        return 2;
    }
    /* subcommands parse their own options, argv[0] being the command */
    if (!strcmp(cmd, "explain"))
        return ss_ctl_explain(conf, argc - i, argv + i);
    if (!strcmp(cmd, "audit"))
        return ss_ctl_audit(conf, argc - i, argv + i);
    if (!strcmp(cmd, "register"))
        return ss_ctl_register(conf, argc - i, argv + i);
    if (!strcmp(cmd, "quarantine"))
        return ss_ctl_quarantine(conf, argc - i, argv + i);
    if (!strcmp(cmd, "reviewer"))
        return ss_ctl_reviewer(conf, argc - i, argv + i);
    fprintf(stderr, "safesharectl: unknown command %s\n", cmd);
    usage(stderr);
    return 2;
}
