/* False holds on real prose nobody here wrote (issue 13): every file named
 * on standard input (one path a line) is the body of a message a school
 * sends to a parent's personal address, through the real detectors and
 * decision (ss_detect_segment, ss_detect_grade, ss_decide with the default
 * configuration). Prints how many were held and why, by type; with -v, each
 * held file's path and the redacted findings (initials, never a name).
 *
 *   realprose [-v] < list       (tests/accuracy/realprose.py makes the list) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "decide/decide.h"
#include "detect/detect.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *b = malloc(cap + 1);
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0)
        if ((n += r) == cap)
            b = realloc(b, (cap *= 2) + 1);
    fclose(f);
    if (b)
        b[n] = '\0';
    *len = n;
    return b;
}

/* The decision for text as a message body from a school to a parent. */
static ss_action decide(const ss_config *c, char *text, size_t len, ss_findings *f)
{
    ss_detect_opts o;
    ss_detect_opts_default(&o);
    ss_detect_segment(text, len, 0, &o, f);
    ss_detect_grade(f);
    ss_segment seg = { text, len, (char *)"the message body" };
    ss_extract x = { .segs = &seg, .nsegs = 1 };
    ss_party p[2] = { { .address = (char *)"office@stmarys.sch.uk", .is_sender = 1 },
                      { .address = (char *)"parent@gmail.com" } };
    p[0].m.secure = 1;
    ss_verdict v = { 0 };
    ss_decide(c, f, p, 2, &x, 0, &v);
    ss_action a = v.action;
    ss_verdict_free(&v);
    return a;
}

int main(int argc, char **argv)
{
    int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    ss_config *c = ss_config_new();
    size_t docs = 0, held = 0, by_type[SS_T__COUNT] = { 0 }, nc_found = 0;
    char path[4096];
    while (fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = '\0';
        size_t len;
        char *text = slurp(path, &len);
        if (!text)
            continue;
        docs++;
        ss_findings f = { 0 };
        int hold = decide(c, text, len, &f) != SS_ACT_ACCEPT;
        held += hold;
        unsigned seen = 0;
        for (size_t i = 0; i < f.n; i++)
            seen |= 1u << f.v[i].type;
        nc_found += (seen >> SS_T_NAMED_CHILD) & 1;
        for (int t = 0; t < SS_T__COUNT && hold; t++)
            by_type[t] += (seen >> t) & 1;
        for (size_t i = 0; i < f.n && hold && verbose; i++)
            if (ss_type_is_identifier(f.v[i].type))
                printf("held\t%s\t%s\t%s\t%s\n", path, ss_type_name(f.v[i].type),
                       ss_conf_name(f.v[i].confidence), f.v[i].redacted);
        ss_findings_free(&f);
        free(text);
    }
    printf("documents %zu, held %zu (%.3f%%, target at most 0.1%%), "
           "with a named_child finding at any level %zu\n",
           docs, held, docs ? 100.0 * held / docs : 0.0, nc_found);
    for (int t = 0; t < SS_T__COUNT; t++)
        if (by_type[t])
            printf("  held with %s: %zu\n", ss_type_name((ss_type)t), by_type[t]);
    ss_config_free(c);
    return 0;
}
