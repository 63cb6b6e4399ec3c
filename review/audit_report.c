/* safesharectl audit report: a period's figures as text (or JSON), and
 * optionally as one HTML page with charts (report.h). */
#include "audit_ctl.h"
#include "report.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr, "usage: safesharectl audit report [--from YYYY-MM-DD] [--to YYYY-MM-DD] "
            "[--html FILE] [--json] [--overdue HOURS] [--log FILE ...]\n");
    return 2;
}

static int write_html(const ss_report *r, const char *path)
{
    GString *page = g_string_new(NULL);
    ss_report_html(r, page);
    GError *e = NULL;
    int ok = g_file_set_contents(path, page->str, (gssize)page->len, &e);
    if (!ok) {
        fprintf(stderr, "safesharectl: %s\n", e->message);
        g_error_free(e);
    } else {
        fprintf(stderr, "wrote %s\n", path);
    }
    g_string_free(page, TRUE);
    return ok ? 0 : 2;
}

typedef struct {
    const char *from, *to, *html;
    int json;
    long overdue;
    char **logs;
    size_t nlogs;
} report_args;

static int parse(int argc, char **argv, report_args *a, const char **conf)
{
    static const struct option opts[] = {
        { "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 't' },
        { "html", required_argument, NULL, 'h' }, { "json", no_argument, NULL, 'j' },
        { "overdue", required_argument, NULL, 'o' }, { "log", required_argument, NULL, 'l' },
        { "config", required_argument, NULL, 'c' }, { NULL, 0, NULL, 0 },
    };
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
        switch (c) {
        case 'f': a->from = optarg; break;
        case 't': a->to = optarg; break;
        case 'h': a->html = optarg; break;
        case 'j': a->json = 1; break;
        case 'c': *conf = optarg; break;
        case 'o':
            a->overdue = strtol(optarg, &end, 10);
            if (*end || a->overdue <= 0 || a->overdue > 100000)
                return -1;
            break;
        case 'l':
            a->logs = realloc(a->logs, (a->nlogs + 1) * sizeof *a->logs);
            a->logs[a->nlogs++] = optarg;
            break;
        default:
            return -1;
        }
    }
    return optind == argc ? 0 : -1;
}

int ss_audit_report_cmd(const char *conf, int argc, char **argv)
{
    report_args a = { .overdue = 4 };
    char today[11], month_ago[11];
    ss_report_local_date(0, today);
    ss_report_local_date(30, month_ago);
    if (parse(argc, argv, &a, &conf) != 0) {
        free(a.logs);
        return usage();
    }
    ss_config *c = ss_ctl_config_audit(conf);
    char **files = NULL;
    long n = c ? ss_audit_ctl_files(c, a.logs, a.nlogs, &files) : -1;
    ss_report r = { 0 };
    int rc = 2;
    if (n >= 0 && ss_report_build(files, (size_t)n, a.from ? a.from : month_ago,
                                  a.to ? a.to : today, a.overdue, &r) == 0) {
        GString *out = g_string_new(NULL);
        (a.json ? ss_report_json : ss_report_text)(&r, out);
        fputs(out->str, stdout);
        g_string_free(out, TRUE);
        rc = a.html ? write_html(&r, a.html) : 0;
    }
    ss_report_free(&r);
    for (long i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(a.logs);
    ss_config_free(c);
    return rc;
}
