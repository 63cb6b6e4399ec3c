/* safesharectl register: its subcommands (register_*.c), dispatched by
 * ss_ctl_register (register_ctl.c). Each returns the exit status. */
#ifndef SS_REVIEW_REGCTL_H
#define SS_REVIEW_REGCTL_H

/* Every register command, for the usage messages. */
#define SS_REGCTL_USAGE \
    "usage: safesharectl register check [FILE] [--strict]\n" \
    "       safesharectl register sign FILE --key KEY [--out FILE.sig]\n" \
    "       safesharectl register verify FILE [--sig FILE.sig] [--anchors DIR]\n" \
    "       safesharectl register diff OLD NEW\n" \
    "       safesharectl register export-postfix|export-sendmail [FILE] [--out FILE]\n" \
    "       safesharectl register import-dcb1596 FILE.csv --map domain=COL,org=COL[,ods=COL]\n" \
    "                    [--tls LEVEL] [--out FILE]\n" \
    "       safesharectl register update\n"

#include <time.h>
#include "register/trust.h"

/* check, sign and verify (register_check.c). */
int ss_regctl_trust(const char *conf, int argc, char **argv);
/* FILE (NULL: the configured Register) if it passes the milter's rules
 * (register/trust.h); t->refused holds the file's path. 0, or -1 with
 * the reason printed. */
int ss_regctl_load(const char *conf, const char *path, ss_regtrust *t, time_t now);
/* diff (register_diff.c), import-dcb1596 (register_import.c),
 * export-postfix and export-sendmail (register_export.c). */
int ss_regctl_diff(int argc, char **argv);
int ss_regctl_import(int argc, char **argv);
int ss_regctl_export(const char *conf, int argc, char **argv);
/* update: one download of RegisterURL (register_export.c). */
int ss_regctl_update(const char *conf);

#endif
