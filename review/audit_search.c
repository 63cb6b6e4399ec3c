/* safesharectl audit search: "every message that held this NHS number
 * last month, who it went to and why", answered from the trail, by keyed
 * hash, so the trail never holds the number. Every record of a matching
 * message comes with it: the decision, the DSL's review, the delivery. */
#include "audit_args.h"
#include "audit_ctl.h"
#include "audit_out.h"
#include "audit_secret.h"
#include "audit/audit.h"
#include "detect/value_key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *raw;
    const char *file;
    size_t fileno;
    unsigned long long line;
    gint64 when;
    char *ref;                 /* the message it is about, or NULL */
} entry;

typedef struct {
    const ss_query *q;
    GHashTable *refs;          /* the messages that matched */
    GPtrArray *found;          /* entry * */
    char *const *files;
    int pass;
} search_ctx;

static void entry_free(gpointer p)
{
    entry *e = p;
    free(e->raw);
    free(e->ref);
    free(e);
}

static size_t file_index(const search_ctx *s, const char *file)
{
    size_t i = 0;
    while (s->files[i] != file)
        i++;
    return i;
}

static void keep(search_ctx *s, const ss_rec *r)
{
    entry *e = ss_xcalloc(1, sizeof *e);
    e->raw = ss_xstrndup(r->raw, r->rawlen);
    e->file = r->file;
    e->fileno = file_index(s, r->file);
    e->line = r->line;
    e->when = r->when;
    const char *ref = ss_rec_subject_ref(r->o);
    e->ref = ref ? ss_xstrdup(ref) : NULL;
    g_ptr_array_add(s->found, e);
}

/* Pass 1: which messages match (an event with no reference is kept as
 * it is); pass 2: every record about those messages. */
static int visit(const ss_rec *r, void *arg)
{
    search_ctx *s = arg;
    const char *ref = ss_rec_subject_ref(r->o);
    if (s->pass == 2) {
        if (ref && g_hash_table_contains(s->refs, ref))
            keep(s, r);
    } else if (ss_query_match(s->q, r)) {
        if (ref)
            g_hash_table_add(s->refs, g_strdup(ref));
        else
            keep(s, r);
    }
    return 0;
}

/* Messages in the order they began, each one's records in time order. */
static GHashTable *group_start;

static gint64 start_of(const entry *e)
{
    gint64 *t = e->ref ? g_hash_table_lookup(group_start, e->ref) : NULL;
    return t ? *t : e->when;
}

static int by_message_then_time(gconstpointer pa, gconstpointer pb)
{
    const entry *a = *(entry *const *)pa, *b = *(entry *const *)pb;
    gint64 ga = start_of(a), gb = start_of(b);
    if (ga != gb)
        return ga < gb ? -1 : 1;
    int c = g_strcmp0(a->ref, b->ref);
    if (c)
        return c;
    if (a->fileno != b->fileno)
        return a->fileno < b->fileno ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static void sort_found(GPtrArray *found)
{
    group_start = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    for (guint i = 0; i < found->len; i++) {
        entry *e = g_ptr_array_index(found, i);
        gint64 *t = e->ref ? g_hash_table_lookup(group_start, e->ref) : NULL;
        if (e->ref && !t)
            g_hash_table_insert(group_start, e->ref, g_memdup2(&e->when, sizeof e->when));
        else if (t && e->when < *t)
            *t = e->when;
    }
    g_ptr_array_sort(found, by_message_then_time);
    g_hash_table_destroy(group_start);
    group_start = NULL;
}

static void print(GPtrArray *found, int format)
{
    JsonParser *p = json_parser_new_immutable();
    ss_row *rows = ss_xcalloc(found->len + 1, sizeof *rows);
    char **raw = ss_xcalloc(found->len + 1, sizeof *raw);
    for (guint i = 0; i < found->len; i++) {
        entry *e = g_ptr_array_index(found, i);
        json_parser_load_from_data(p, e->raw, -1, NULL);
        ss_rec r = { .o = json_node_get_object(json_parser_get_root(p)), .file = e->file,
                     .line = e->line, .raw = e->raw, .when = e->when };
        ss_row_make(&r, &rows[i]);
        raw[i] = e->raw;
    }
    ss_out_rows(stdout, format, rows, raw, found->len);
    for (guint i = 0; i < found->len; i++)
        ss_row_free(&rows[i]);
    free(rows);
    free(raw);
    g_object_unref(p);
}

static int run(const ss_query *q, char *const *files, size_t n, int format)
{
    search_ctx s = { .q = q, .files = files, .pass = 1,
                     .refs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                     .found = g_ptr_array_new_with_free_func(entry_free) };
    size_t skipped = 0;
    int rc = ss_rec_walk(files, n, visit, &s, &skipped);
    s.pass = 2;
    if (rc == 0 && g_hash_table_size(s.refs))
        rc = ss_rec_walk(files, n, visit, &s, NULL);
    if (rc == 0) {
        sort_found(s.found);
        if (s.found->len)
            print(s.found, format);
        fprintf(stderr, "%u record%s about %u message%s in %zu file%s\n", s.found->len,
                s.found->len == 1 ? "" : "s", g_hash_table_size(s.refs),
                g_hash_table_size(s.refs) == 1 ? "" : "s", n, n == 1 ? "" : "s");
        rc = s.found->len ? 0 : 1;
    } else {
        rc = 2;
    }
    g_hash_table_destroy(s.refs);
    g_ptr_array_free(s.found, TRUE);
    return rc;
}

/* The value, typed at a prompt or read from standard input when it was
 * not given (so it is in neither `ps` nor the shell's history), as the
 * detectors would record it, then keyed. 0 or 2 (printed). */
static int key_value(const ss_config *c, ss_type t, const char *given, ss_query *q)
{
    char typed[256], key[128], why[256];
    if (given)
        snprintf(typed, sizeof typed, "%s", given);
    else if (ss_secret_read(ss_type_phrase(t), typed, sizeof typed) != 0)
        return 2;
    int rc = ss_value_key(t, typed, key, sizeof key, why, sizeof why);
    explicit_bzero(typed, sizeof typed);
    if (rc != 0) {
        fprintf(stderr, "safesharectl: that is %s\n", why);
        return 2;
    }
    ss_audit_hmac(c->audit_key, c->audit_key_len, t, key, q->hmac);
    explicit_bzero(key, sizeof key);
    q->has_value = 1;
    return 0;
}

int ss_audit_search_cmd(const char *conf, int argc, char **argv)
{
    ss_query q = { 0 };
    ss_search_args a;
    if (ss_search_parse(argc, argv, &q, &a) != 0)
        return 2;
    if (a.conf)
        conf = a.conf;
    ss_config *c = ss_ctl_config_audit(conf);
    if (!c)
        return 2;
    char **files = NULL;
    long n = -1;
    int rc = a.has_value ? key_value(c, a.value_type, a.value, &q) : 0;
    if (rc == 0 && (n = ss_audit_ctl_files(c, a.logs, a.nlogs, &files)) < 0)
        rc = 2;
    if (rc == 0)
        rc = run(&q, files, (size_t)n, a.format);
    for (long i = 0; i < n; i++)
        free(files[i]);
    free(files);
    ss_search_args_free(&a);
    ss_config_free(c);
    return rc;
}
