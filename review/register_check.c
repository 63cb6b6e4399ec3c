/* safesharectl register check: the strict parser on a file, for admins
 * before they install a new register. */
#include "ctl.h"
#include "register/register.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int ss_ctl_register(const char *conf, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "check") != 0 || argc > 3) {
        fprintf(stderr, "usage: safesharectl register check [FILE]\n");
        return 2;
    }
    const char *path = argc == 3 ? argv[2] : NULL;
    ss_config *c = NULL;
    if (!path) {
        if (!(c = ss_ctl_config(conf)))
            return 2;
        path = c->register_path;
    }
    char err[1024];
    ss_register *r = NULL;
    int rc = 0;
    if (ss_register_load(path, &r, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        rc = 2;
    } else {
        time_t exp = ss_register_expires(r);
        char when[32] = "never";
        if (exp)
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&exp));
        printf("%s: OK, serial %llu, publisher \"%s\", expires %s%s\n", path,
               ss_register_serial(r), ss_register_publisher(r) ? ss_register_publisher(r) : "",
               when, exp && exp < time(NULL) ? " (STALE: every recipient is treated as insecure)" : "");
        const char *w = ss_register_warnings(r);
        if (w && *w)
            fputs(w, stdout);
    }
    ss_register_free(r);
    ss_config_free(c);
    return rc;
}
