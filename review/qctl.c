/* safesharectl quarantine: what its subcommands share (qctl.h). */
#include "qctl.h"
#include "ctl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ss_qctl_who(const char *given, ss_held_who *out)
{
    out->login = ss_ctl_invoker();
    out->reviewer = given && *given ? given : out->login;
    out->source = "review";
}

long ss_qctl_age_arg(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s || n < 0 || n > 100000)
        return -1;
    if (*end == '\0' || !strcmp(end, "d"))
        return n * 86400;
    if (!strcmp(end, "h"))
        return n * 3600;
    return -1;
}

int ss_qctl_ref(const char *typed, char out[32])
{
    size_t n = strlen(typed);
    if (n >= 32) {
        fprintf(stderr, "safesharectl: %.40s...: not a reference\n", typed);
        return -1;
    }
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)toupper((unsigned char)typed[i]);
    if (!ss_reference_ok(out)) {
        fprintf(stderr, "safesharectl: %s: not a reference (like SS-7KQ2-M9XD)\n", typed);
        return -1;
    }
    return 0;
}
