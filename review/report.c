/* Building the audit report (report.h): one walk over the trail. */
#include "report.h"
#include "audit_rec.h"

#include <stdio.h>
#include <string.h>

static void tally_add(ss_tally *t, const char *key, int col, long n)
{
    if (!t->h)
        t->h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    long *v = g_hash_table_lookup(t->h, key);
    if (!v) {
        v = g_new0(long, 2);
        g_hash_table_insert(t->h, g_strdup(key), v);
    }
    v[col] += n;
}

static int larger_first(const void *pa, const void *pb)
{
    const ss_tally_row *a = pa, *b = pb;
    for (int c = 0; c < 2; c++)
        if (a->n[c] != b->n[c])
            return a->n[c] > b->n[c] ? -1 : 1;
    return strcmp(a->key, b->key);
}

ss_tally_row *ss_tally_rows(const ss_tally *t, size_t *n)
{
    *n = t->h ? g_hash_table_size(t->h) : 0;
    ss_tally_row *rows = g_new0(ss_tally_row, *n + 1);
    GHashTableIter it;
    gpointer k, v;
    size_t i = 0;
    if (t->h) {
        g_hash_table_iter_init(&it, t->h);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            rows[i].key = k;
            memcpy(rows[i].n, v, sizeof rows[i].n);
            i++;
        }
    }
    qsort(rows, *n, sizeof *rows, larger_first);
    return rows;
}

/* Each recipient's organisation and the basis the register gives it, once
 * per message; a recipient a DSL released to is counted as such. */
static void share(ss_report *r, JsonObject *o)
{
    r->shares++;
    if (ss_rec_str(o, "purpose"))
        r->shares_with_purpose++;
    int released = ss_rec_obj(o, "released") != NULL;
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    JsonArray *a = ss_rec_arr(o, "recipients");
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *p = json_node_get_object(json_array_get_element(a, i));
        char domain[256];
        ss_rec_domain(ss_rec_str(p, "address"), domain, sizeof domain);
        const char *org = ss_rec_str(p, "org"), *basis = ss_rec_str(p, "basis");
        char *key = g_strdup_printf("%s\t%s", org ? org : domain,
                                    basis ? basis : released ? "released by the DSL"
                                                             : "not on the register");
        if (!g_hash_table_contains(seen, key))
            tally_add(&r->by_org, key, 0, 1);
        g_hash_table_add(seen, key);
    }
    g_hash_table_destroy(seen);
}

/* Refused (col 0) or held (col 1): why, from where, to which insecure domains. */
static void stopped(ss_report *r, JsonObject *o, int col)
{
    const char *rule = ss_rec_str(o, "rule");
    tally_add(&r->by_reason, rule ? rule : "?", col, 1);
    char domain[256];
    ss_rec_domain(ss_rec_str(ss_rec_obj(o, "sender"), "address"), domain, sizeof domain);
    tally_add(&r->by_sender, domain[0] ? domain : "(no sender)", col, 1);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    JsonArray *a = ss_rec_arr(o, "recipients");
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *p = json_node_get_object(json_array_get_element(a, i));
        ss_rec_domain(ss_rec_str(p, "address"), domain, sizeof domain);
        if (ss_rec_bool(p, "secure") == 0 && !g_hash_table_contains(seen, domain)) {
            tally_add(&r->insecure, domain, 0, 1);
            g_hash_table_add(seen, g_strdup(domain));
        }
    }
    g_hash_table_destroy(seen);
}

/* Identifier types: messages (col 0, once each) and findings (col 1). */
static void found(ss_report *r, JsonObject *o)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    JsonArray *a = ss_rec_arr(o, "findings");
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        const char *t = ss_rec_str(json_node_get_object(json_array_get_element(a, i)), "type");
        if (!t || !strcmp(t, "sg_context") || !strcmp(t, "marking_sensitive"))
            continue;
        tally_add(&r->types, t, 1, 1);
        if (!g_hash_table_contains(seen, t))
            tally_add(&r->types, t, 0, 1);
        g_hash_table_add(seen, (gpointer)t);
    }
    g_hash_table_destroy(seen);
}

static void decision(ss_report *r, JsonObject *o, gint64 when)
{
    const char *a = ss_rec_str(o, "action"), *ref = ss_rec_str(o, "reference");
    r->messages++;
    found(r, o);
    if (!strcmp(a, "accept")) {
        r->accepted++;
        if (ss_rec_bool(o, "child_data") == 1)
            share(r, o);
    } else if (!strcmp(a, "reject")) {
        r->refused++;
        stopped(r, o, 0);
    } else if (!strcmp(a, "quarantine")) {
        r->held++;
        stopped(r, o, 1);
        if (ref)
            g_hash_table_insert(r->held_at, g_strdup(ref), g_memdup2(&when, sizeof when));
    } else {
        r->tempfailed++;
    }
}

/* A DSL's decision on held mail, whenever it came. */
static void review(ss_report *r, JsonObject *o, gint64 when)
{
    const char *ev = ss_rec_str(o, "event"), *ref = ss_rec_str(o, "reference");
    if (!ev || !ref || !when || (strcmp(ev, "release") && strcmp(ev, "refuse")))
        return;
    gint64 *t = g_hash_table_lookup(r->reviewed_at, ref);
    if (!t)
        g_hash_table_insert(r->reviewed_at, g_strdup(ref), g_memdup2(&when, sizeof when));
    else if (when < *t)
        *t = when;
}

static int visit(const ss_rec *rec, void *arg)
{
    ss_report *r = arg;
    r->records++;
    if (!ss_rec_is_decision(rec->o))
        review(r, rec->o, rec->when);
    else if (rec->when >= r->start && rec->when < r->end)
        decision(r, rec->o, rec->when);
    return 0;
}

static int by_value(gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
    return x < y ? -1 : x > y;
}

static void review_times(ss_report *r)
{
    GArray *d = g_array_new(FALSE, FALSE, sizeof(gint64));
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, r->held_at);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        gint64 held = *(gint64 *)v, *rv = g_hash_table_lookup(r->reviewed_at, k);
        if (rv && *rv >= held) {
            gint64 s = *rv - held;
            g_array_append_val(d, s);
            r->reviewed_late += s > r->overdue_hours * 3600;
            r->waits[s < 3600 ? 0 : s < 4 * 3600 ? 1 : s < 86400 ? 2 : 3]++;
        } else {
            r->waits[4]++;
            r->waiting++;
            r->waiting_overdue += r->now - held > r->overdue_hours * 3600;
        }
    }
    g_array_sort(d, by_value);
    r->reviewed = (long)d->len;
    r->median = r->longest = -1;
    if (d->len) {
        gint64 *x = (gint64 *)(void *)d->data;
        r->median = d->len % 2 ? x[d->len / 2] : (x[d->len / 2 - 1] + x[d->len / 2]) / 2;
        r->longest = x[d->len - 1];
    }
    g_array_free(d, TRUE);
}

void ss_report_local_date(int days_back, char out[11])
{
    GDateTime *now = g_date_time_new_now_local();
    GDateTime *d = g_date_time_add_days(now, -days_back);
    gchar *s = g_date_time_format(d, "%Y-%m-%d");
    snprintf(out, 11, "%s", s);
    g_free(s);
    g_date_time_unref(d);
    g_date_time_unref(now);
}

int ss_report_period_ok(const char *from, const char *to)
{
    gint64 start = from ? ss_rec_local_day(from) : -1, end = to ? ss_rec_local_day(to) : -1;
    return start >= 0 && end >= start;
}

int ss_report_build(char *const *files, size_t n, const char *from, const char *to,
                    long overdue_hours, ss_report *r)
{
    memset(r, 0, sizeof *r);
    if (!ss_report_period_ok(from, to)) {
        fprintf(stderr, "safesharectl: --from %s --to %s: expected two dates as YYYY-MM-DD, "
                "the first not after the second\n", from, to);
        return -1;
    }
    snprintf(r->from, sizeof r->from, "%s", from);
    snprintf(r->to, sizeof r->to, "%s", to);
    r->start = ss_rec_local_day(from);
    r->end = ss_rec_local_day(to);
    r->end += 86400;                 /* the whole of the last day */
    r->now = g_get_real_time() / G_USEC_PER_SEC;
    r->overdue_hours = overdue_hours;
    r->files = n;
    r->held_at = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    r->reviewed_at = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (ss_rec_walk(files, n, visit, r, NULL) != 0)
        return -1;
    review_times(r);
    return 0;
}

void ss_report_free(ss_report *r)
{
    ss_tally *t[] = { &r->by_org, &r->by_reason, &r->by_sender, &r->types, &r->insecure };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (t[i]->h)
            g_hash_table_destroy(t[i]->h);
    if (r->held_at)
        g_hash_table_destroy(r->held_at);
    if (r->reviewed_at)
        g_hash_table_destroy(r->reviewed_at);
    memset(r, 0, sizeof *r);
}

const char *ss_report_reason(const char *rule)
{
    static const struct { const char *rule, *words; } w[] = {
        { "OnInsecure", "child data to an insecure address" },
        { "OnInsecureUncertain", "unclear identifier, insecure address" },
        { "OnUnscannable", "a part could not be read" },
        { "OnOversize", "too large to check" },
        { "OnRegisterStale", "register out of date" },
        { "RequirePurpose", "no purpose stated" },
        { "OnInternalError", "could not be checked" },
    };
    for (size_t i = 0; rule && i < sizeof w / sizeof *w; i++)
        if (!strcmp(rule, w[i].rule))
            return w[i].words;
    return rule ? rule : "?";
}

void ss_report_duration(gint64 s, char out[32])
{
    if (s >= 86400)
        snprintf(out, 32, "%lldd %lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
    else if (s >= 3600)
        snprintf(out, 32, "%lldh %lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else if (s >= 60)
        snprintf(out, 32, "%lldm", (long long)(s / 60));
    else
        snprintf(out, 32, "%llds", (long long)s);
}
