/* safesharectl register import-dcb1596 FILE.csv --map domain=COL,org=COL[,ods=COL]
 *
 * NHS England publishes the organisations accredited to the Secure email
 * standard (DCB1596) as an unsigned CSV whose columns are not fixed. This
 * turns it into a draft register for a person to read, complete and sign:
 * never a register in force, because the CSV is never trusted directly.
 * Each line of the draft is put through the register's own strict parser,
 * so a row the milter would refuse is left out with a comment saying why. */
#include "ctl.h"
#include "regctl.h"
#include "base/buf.h"
#include "base/file.h"
#include "register/trust.h"

#include <csv.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CSV_MAX (64u * 1024 * 1024)

typedef struct {
    GPtrArray *rows;            /* of GPtrArray of char* */
    GPtrArray *row;
} csv_state;

static void on_field(void *s, size_t len, void *data)
{
    csv_state *c = data;
    if (!c->row)
        c->row = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(c->row, g_strstrip(g_strndup(s ? s : "", len)));
}

static void on_row(int term, void *data)
{
    csv_state *c = data;
    (void)term;
    if (!c->row)
        c->row = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(c->rows, c->row);
    c->row = NULL;
}

/* The CSV as rows of trimmed UTF-8 fields (Windows-1252 is converted). */
static GPtrArray *read_csv(const char *path)
{
    char *text = NULL, why[512];
    size_t len;
    if (ss_file_read(path, CSV_MAX, &text, &len, why, sizeof why) != 0) {
        fprintf(stderr, "safesharectl: %s\n", text ? why : "cannot read the CSV file");
        free(text);
        return NULL;
    }
    char *utf8 = g_utf8_validate(text, (gssize)len, NULL) ? g_strndup(text, len)
                 : g_convert(text, (gssize)len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
    free(text);
    const char *p = utf8 ? utf8 : "";
    if (!strncmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    csv_state c = { .rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref) };
    struct csv_parser parser;
    csv_init(&parser, CSV_APPEND_NULL);
    size_t n = strlen(p);
    int bad = csv_parse(&parser, p, n, on_field, on_row, &c) != n
              || csv_fini(&parser, on_field, on_row, &c) != 0;
    if (bad)
        fprintf(stderr, "safesharectl: %s: not a CSV file: %s\n", path,
                csv_strerror(csv_error(&parser)));
    csv_free(&parser);
    g_free(utf8);
    if (c.row)
        g_ptr_array_unref(c.row);
    if (bad) {
        g_ptr_array_unref(c.rows);
        return NULL;
    }
    return c.rows;
}

enum { M_DOMAIN, M_ORG, M_ODS, M_N };
static const char *const MAPKEYS[M_N] = { "domain", "org", "ods" };

/* --map domain=COL,org=COL[,ods=COL]: COL a header name or a 1-based number. */
static int parse_map(const char *spec, char *cols[M_N])
{
    gchar **parts = g_strsplit(spec, ",", -1);
    int ok = 1;
    for (gchar **p = parts; *p && ok; p++) {
        char *eq = strchr(*p, '=');
        int k = 0;
        while (eq && k < M_N && strncmp(*p, MAPKEYS[k], (size_t)(eq - *p)))
            k++;
        ok = eq && eq[1] && k < M_N && strlen(MAPKEYS[k]) == (size_t)(eq - *p) && !cols[k];
        if (ok)
            cols[k] = g_strdup(eq + 1);
    }
    g_strfreev(parts);
    return ok && cols[M_DOMAIN] && cols[M_ORG] ? 0 : -1;
}

/* Column indexes; a named column means the first row is the header. */
static int resolve(GPtrArray *rows, char *cols[M_N], int idx[M_N], int *header)
{
    GPtrArray *head = rows->len ? g_ptr_array_index(rows, 0) : NULL;
    *header = 0;
    for (int k = 0; k < M_N; k++) {
        idx[k] = -1;
        if (!cols[k])
            continue;
        char *end;
        long n = strtol(cols[k], &end, 10);
        if (*end == '\0' && n > 0) {
            idx[k] = (int)n - 1;
            continue;
        }
        *header = 1;
        for (guint i = 0; head && i < head->len; i++)
            if (!g_ascii_strcasecmp(g_ptr_array_index(head, i), cols[k]))
                idx[k] = (int)i;
        if (idx[k] < 0) {
            fprintf(stderr, "safesharectl: --map %s=%s: no such column in the header row\n",
                    MAPKEYS[k], cols[k]);
            return -1;
        }
    }
    return 0;
}

static const char *field(GPtrArray *row, int i)
{
    return i >= 0 && (guint)i < row->len ? g_ptr_array_index(row, i) : "";
}

/* org= as the register can hold it: no double quotes (there are no
 * escapes), no control characters, at most 127 bytes on a character edge. */
static char *clean_org(const char *s)
{
    GString *o = g_string_new(NULL);
    for (const char *p = s; *p; p++)
        g_string_append_c(o, *p == '"' ? '\'' : ((unsigned char)*p < 0x20 ? ' ' : *p));
    if (o->len > 127) {
        const char *end = g_utf8_find_prev_char(o->str, o->str + 128);
        g_string_truncate(o, end ? (gsize)(end - o->str) : 0);
    }
    return g_string_free(o, FALSE);
}

/* One draft line (1), or a comment saying why the row was left out (0). */
static int row_line(GPtrArray *row, size_t n, const int idx[M_N], const char *until,
                     const char *tls, GHashTable *seen, ss_buf *out)
{
    char domain[256], err[512];
    const char *raw = field(row, idx[M_DOMAIN]);
    if (ss_domain_normalise(raw, domain, sizeof domain) != 0) {
        ss_buf_printf(out, "# row %zu: \"%.80s\" is not a domain name: left out\n", n, raw);
        return 0;
    }
    if (!g_hash_table_add(seen, g_strdup(domain))) {
        ss_buf_printf(out, "# row %zu: %s is listed again: left out\n", n, domain);
        return 0;
    }
    char *org = clean_org(field(row, idx[M_ORG]));
    ss_buf line = SS_BUF_INIT;
    ss_buf_printf(&line, "%s org=\"%s\" basis=dcb1596 until=%s", domain, org, until);
    const char *ods = field(row, idx[M_ODS]);
    if (idx[M_ODS] >= 0 && *ods)
        ss_buf_printf(&line, " ods=%s", ods);
    if (tls)
        ss_buf_printf(&line, " tls=%s", tls);
    ss_buf test = SS_BUF_INIT;
    ss_buf_printf(&test, "%%format safeshare-register 1\n%s\n", line.p);
    ss_register *r = NULL;
    int ok = ss_register_parse("row", test.p, test.len, &r, err, sizeof err) == 0;
    const char *problem = strchr(err, ' ');
    if (!ok)
        ss_buf_printf(out, "# row %zu: %s: left out (%s)\n", n, domain,
                      problem ? problem + 1 : err);
    else
        ss_buf_printf(out, "%s\n", line.p);
    ss_register_free(r);
    ss_buf_free(&test);
    ss_buf_free(&line);
    g_free(org);
    return ok;
}

static void draft_header(const char *csv, time_t now, ss_buf *out)
{
    char today[16], issued[32], expires[32];
    time_t exp = now + 30 * 86400;
    strftime(today, sizeof today, "%Y%m%d", gmtime(&now));
    ss_utc_string(now, issued);
    ss_utc_string(exp, expires);
    ss_buf_printf(out,
        "# DRAFT register imported from %s (DCB1596 accredited organisations)\n"
        "# at %s by safesharectl register import-dcb1596.\n"
        "# It is unsigned and not in force. Before publishing: read every entry,\n"
        "# set %%serial above the register in force and %%expires, add tls=, then\n"
        "#   safesharectl register check FILE\n"
        "#   safesharectl register sign FILE --key KEY\n"
        "%%format    safeshare-register 1\n"
        "%%publisher \"DRAFT: DCB1596 import from %s\"\n"
        "%%serial    %s01\n%%issued    %s\n%%expires   %s\n\n",
        csv, issued, csv, today, issued, expires);
}

static int usage(void)
{
    fputs(SS_REGCTL_USAGE, stderr);
    return 2;
}

int ss_regctl_import(int argc, char **argv)
{
    const char *csv = NULL, *map = NULL, *outpath = NULL, *tls = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--map") && i + 1 < argc)
            map = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            outpath = argv[++i];
        else if (!strcmp(argv[i], "--tls") && i + 1 < argc)
            tls = argv[++i];
        else if (!csv && argv[i][0] != '-')
            csv = argv[i];
        else
            return usage();
    }
    char *cols[M_N] = { NULL };
    int idx[M_N], header, rc = 2;
    GPtrArray *rows = NULL;
    if (!csv || !map || parse_map(map, cols) != 0) {
        rc = usage();
        goto out;
    }
    if (!(rows = read_csv(csv)) || resolve(rows, cols, idx, &header) != 0)
        goto out;
    time_t now = time(NULL), year = now + 365 * 86400;
    char until[16], why[512];
    strftime(until, sizeof until, "%Y-%m-%d", gmtime(&year));
    ss_buf out = SS_BUF_INIT;
    draft_header(csv, now, &out);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t kept = 0;
    for (guint i = (guint)header; i < rows->len; i++)
        kept += (size_t)row_line(g_ptr_array_index(rows, i), i + 1, idx, until, tls, seen, &out);
    g_hash_table_destroy(seen);
    if (outpath && ss_file_replace(outpath, out.p, out.len, 0644, why, sizeof why) != 0)
        fprintf(stderr, "safesharectl: %s\n", why);
    else {
        if (!outpath)
            fputs(out.p, stdout);
        fprintf(stderr, "%s: draft with %zu organisations from %u rows; unsigned: review "
                "and sign it\n", outpath ? outpath : "standard output", kept,
                rows->len - (guint)header);
        rc = 0;
    }
    ss_buf_free(&out);
out:
    for (int k = 0; k < M_N; k++)
        g_free(cols[k]);
    if (rows)
        g_ptr_array_unref(rows);
    return rc;
}
