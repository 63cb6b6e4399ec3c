/* What the safesharectl audit subcommands share. */
#include "audit_ctl.h"
#include "audit/trail.h"
#include "base/buf.h"

#include <stdio.h>
#include <string.h>

long ss_audit_ctl_files(const ss_config *c, char *const *given, size_t ngiven, char ***out)
{
    if (ngiven) {
        *out = ss_xcalloc(ngiven, sizeof **out);
        for (size_t i = 0; i < ngiven; i++)
            (*out)[i] = ss_xstrdup(given[i]);
        return (long)ngiven;
    }
    char err[1024];
    long n = ss_trail_files(c->audit_log, out, err, sizeof err);
    if (n < 0)
        fprintf(stderr, "safesharectl: %s\n", err);
    return n;
}
