/* safesharectl register export-postfix|export-sendmail [FILE] [--out FILE]:
 * the register's tls= as the MTA's table (register/export.h). Only a
 * register the milter would take is exported, so the MTA and the content
 * decision read the same one. */
#include "ctl.h"
#include "regctl.h"
#include "base/file.h"
#include "register/export.h"

#include <stdio.h>
#include <string.h>

int ss_regctl_export(const char *conf, int argc, char **argv)
{
    const char *path = NULL, *out = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else {
            fputs(SS_REGCTL_USAGE, stderr);
            return 2;
        }
    }
    ss_regtrust t;
    if (ss_regctl_load(conf, path, &t, time(NULL)) != 0)
        return 2;
    ss_buf b = SS_BUF_INIT;
    if (!strcmp(argv[1], "export-postfix"))
        ss_register_export_postfix(t.reg, t.refused, &b);
    else
        ss_register_export_sendmail(t.reg, t.refused, &b);
    char why[512];
    int rc = 0;
    if (!out)
        fputs(b.p, stdout);
    else if (ss_file_replace(out, b.p, b.len, 0644, why, sizeof why) != 0)
        rc = 2, fprintf(stderr, "safesharectl: %s\n", why);
    else
        fprintf(stderr, "wrote %s from %s (serial %llu)\n", out, t.refused,
                ss_register_serial(t.reg));
    ss_buf_free(&b);
    ss_regtrust_free(&t);
    return rc;
}
