/* safesharectl register export-postfix|export-sendmail [FILE] [--out FILE],
 * and register update.
 * export-*:
 * the register's tls= as the MTA's table (register/export.h). Only a
 * register the milter would take is exported, so the MTA and the content
 * decision read the same one. */
#include "ctl.h"
#include "regctl.h"
#include "base/file.h"
#include "register/export.h"
#include "register/fetch.h"

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

/* register update: one download of RegisterURL through the milter's own
 * pipeline, for a first copy, cron, or a test. The running milter fetches
 * by itself; after this, reload it (SIGUSR1) to use what was installed. */
int ss_regctl_update(const char *conf)
{
    ss_config *c = ss_ctl_config(conf);
    if (!c)
        return 2;
    if (!c->register_url) {
        fprintf(stderr, "safesharectl: RegisterURL is not set in %s\n", c->path);
        ss_config_free(c);
        return 2;
    }
    ss_regtrust_opts o = {
        .path = c->register_path, .anchors_dir = c->register_anchors,
        .require_sig = c->register_require_sig, .state_dir = c->state_dir, .now = time(NULL),
    };
    ss_fetch_opts f = { .url = c->register_url, .ca_file = c->register_ca_file,
                        .timeout = (long)c->register_fetch_timeout,
                        .max_size = c->register_max_size };
    unsigned long long serial = 0;
    char why[768] = "";
    ss_update_status s = ss_register_update(&o, &f, &serial, why, sizeof why);
    if (s == SS_UPDATE_INSTALLED)
        printf("installed serial %llu from %s into %s; reload safeshare-milter (SIGUSR1) "
               "to use it now\n", serial, c->register_url, c->register_path);
    else if (s == SS_UPDATE_UNCHANGED)
        printf("%s: not changed since the last download; nothing installed\n",
               c->register_url);
    else
        fprintf(stderr, "register update failed: %s; nothing changed\n", why);
    ss_config_free(c);
    return s == SS_UPDATE_FAILED ? 1 : 0;
}
