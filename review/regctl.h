/* safesharectl register: its subcommands (register_*.c), dispatched by
 * ss_ctl_register (register_ctl.c). Each returns the exit status. */
#ifndef SS_REVIEW_REGCTL_H
#define SS_REVIEW_REGCTL_H

/* Every register command, for the usage messages. */
#define SS_REGCTL_USAGE \
    "usage: safesharectl register check [FILE] [--strict]\n" \
    "       safesharectl register sign FILE --key KEY [--out FILE.sig]\n" \
    "       safesharectl register verify FILE [--sig FILE.sig] [--anchors DIR]\n"

/* check, sign and verify (register_check.c). */
int ss_regctl_trust(const char *conf, int argc, char **argv);

#endif
