/* The command line of `audit search` (safesharectl(8)). A value option
 * (--nhs, --name, ...) takes the next argument unless there is none or
 * it is another option: then the value is read at a prompt or from
 * standard input (audit_secret.h). */
#ifndef SS_REVIEW_AUDIT_ARGS_H
#define SS_REVIEW_AUDIT_ARGS_H

#include <stddef.h>
#include "audit_query.h"

typedef struct {
    const char *conf;          /* -c, or NULL */
    char **logs;               /* --log, each one */
    size_t nlogs;
    int format;                /* SS_OUT_* */
    int has_value;             /* a value to search for ... */
    ss_type value_type;
    const char *value;         /* ... given here, or NULL: ask for it */
    char ref[32];              /* --ref as checked, upper case */
} ss_search_args;

/* Fill q and a. 0, or -1 (printed, with the usage). */
int ss_search_parse(int argc, char **argv, ss_query *q, ss_search_args *a);
void ss_search_args_free(ss_search_args *a);

#endif
