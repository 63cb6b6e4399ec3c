/* audit-append CONFIG: append each line of standard input to the trail
 * CONFIG names, through the writer the milter uses (ss_audit_append), so
 * the trail tests build real chained trails with records of their own
 * making (any time, any kind). Test tool; not installed. */
#include "audit/audit.h"
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: audit-append CONFIG < records.jsonl\n");
        return 2;
    }
    char err[1024];
    ss_config *c = ss_config_load_audit(argv[1], err, sizeof err);
    ss_audit *a = c ? ss_audit_open(c, err, sizeof err) : NULL;
    if (!a) {
        fprintf(stderr, "audit-append: %s\n", err);
        ss_config_free(c);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, stdin)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        if (n && ss_audit_append(a, line, (size_t)n) != 0) {
            fprintf(stderr, "audit-append: could not append: %.80s\n", line);
            rc = 1;
        }
    }
    free(line);
    ss_audit_close(a);
    ss_config_free(c);
    return rc;
}
