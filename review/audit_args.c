#include "audit_args.h"
#include "audit_out.h"
#include "qctl.h"
#include "base/buf.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *opt; ss_type t; } values[] = {
    { "nhs", SS_T_NHS }, { "chi", SS_T_CHI }, { "hcn", SS_T_HCN }, { "upn", SS_T_UPN },
    { "uln", SS_T_ULN }, { "nino", SS_T_NINO }, { "dob", SS_T_DOB_CHILD },
    { "name", SS_T_NAMED_CHILD },
};

static const struct { const char *opt; size_t off; } strings[] = {
    { "queue-id", offsetof(ss_query, queue_id) }, { "sender", offsetof(ss_query, sender) },
    { "recipient", offsetof(ss_query, recipient) }, { "domain", offsetof(ss_query, domain) },
    { "action", offsetof(ss_query, action) }, { "reviewer", offsetof(ss_query, reviewer) },
};

static int usage(void)
{
    fprintf(stderr,
        "usage: safesharectl audit search [--nhs|--chi|--hcn|--upn|--uln|--nino|--dob|--name [VALUE]]\n"
        "         [--ref REF] [--queue-id ID] [--sender ADDR] [--recipient ADDR] [--domain DOMAIN]\n"
        "         [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--action ACTION] [--type TYPE]\n"
        "         [--reviewer NAME] [--json | --csv] [--log FILE ...]\n"
        "  Leave VALUE out to type it at a prompt (or pipe it in): a value on the\n"
        "  command line shows in ps and in the shell's history.\n");
    return -1;
}

static int value_type(const char *name, ss_type *t)
{
    for (size_t i = 0; i < sizeof values / sizeof *values; i++)
        if (!strcmp(name, values[i].opt))
            return *t = values[i].t, 0;
    return ss_type_parse(name, t) == 0 && *t != SS_T_MARKING && *t != SS_T_SG ? 0 : -1;
}

static int day(const char *opt, const char *v, int end, gint64 *out)
{
    gint64 t = ss_rec_local_day(v);
    if (t < 0) {
        fprintf(stderr, "safesharectl: %s %s: expected a date as YYYY-MM-DD\n", opt, v);
        return -1;
    }
    *out = end ? t + 86400 : t;   /* --to is the whole of that day */
    return 0;
}

/* One option that takes an argument (arg, or NULL when there was none). */
static int with_arg(const char *name, const char *arg, ss_query *q, ss_search_args *a)
{
    ss_type t;
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        if (!strcmp(name, strings[i].opt))
            return arg ? (*(const char **)((char *)q + strings[i].off) = arg, 0) : -1;
    if (!arg)
        return -1;
    if (!strcmp(name, "ref"))
        return ss_qctl_ref(arg, a->ref) == 0 ? (q->ref = a->ref, 0) : -1;
    if (!strcmp(name, "from") || !strcmp(name, "to"))
        return day(name, arg, name[0] == 't', name[0] == 't' ? &q->to : &q->from);
    if (!strcmp(name, "type"))
        return ss_type_parse(arg, &t) == 0 ? (q->has_type = 1, q->type = t, 0) : -1;
    if (!strcmp(name, "log")) {
        a->logs = ss_xrealloc(a->logs, (a->nlogs + 1) * sizeof *a->logs);
        a->logs[a->nlogs++] = ss_xstrdup(arg);
        return 0;
    }
    if (!strcmp(name, "config"))
        return a->conf = arg, 0;
    return -1;
}

/* --json, --csv, or a value option; 1 when name is none of them. */
static int flag_or_value(const char *name, const char *arg, int *used, ss_search_args *a)
{
    if (!strcmp(name, "json") || !strcmp(name, "csv")) {
        a->format = name[0] == 'j' ? SS_OUT_JSON : SS_OUT_CSV;
        return 0;
    }
    ss_type t;
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        if (strcmp(name, values[i].opt) || value_type(name, &t))
            continue;
        if (a->has_value)
            return -1;              /* one value at a time */
        a->has_value = 1;
        a->value_type = t;
        a->value = arg;
        *used = arg != NULL;
        return 0;
    }
    return 1;
}

/* The old form, `search TYPE [VALUE]`, still works. */
static int positional(char **pos, int npos, ss_search_args *a)
{
    if (npos == 0)
        return 0;
    if (npos > 2 || a->has_value || value_type(pos[0], &a->value_type) != 0)
        return -1;
    a->has_value = 1;
    a->value = npos == 2 ? pos[1] : NULL;
    return 0;
}

int ss_search_parse(int argc, char **argv, ss_query *q, ss_search_args *a)
{
    memset(a, 0, sizeof *a);
    char *pos[3];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(s, "-c"))
            s = "--config";
        if (strncmp(s, "--", 2) != 0) {
            if (npos == 3)
                return usage();
            pos[npos++] = argv[i];
            continue;
        }
        char name[32];
        const char *eq = strchr(s, '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq ? eq - s - 2 : (long)strlen(s) - 2), s + 2);
        const char *arg = eq ? eq + 1 : next && strncmp(next, "--", 2) ? next : NULL;
        int used = 0, r = flag_or_value(name, arg, &used, a);
        if (r == 1 && (r = with_arg(name, arg, q, a)) == 0)
            used = arg != NULL;
        if (r != 0)
            return usage();
        i += used && !eq;
    }
    return positional(pos, npos, a) == 0 ? 0 : usage();
}

void ss_search_args_free(ss_search_args *a)
{
    for (size_t i = 0; i < a->nlogs; i++)
        free(a->logs[i]);
    free(a->logs);
}
