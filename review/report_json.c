/* The audit report as JSON (json-glib's builder): every row of every
 * table, for other programs and for tests that recount the figures. */
#include "report.h"

#include <json-glib/json-glib.h>
#include <string.h>

static void num(JsonBuilder *b, const char *k, gint64 v)
{
    json_builder_set_member_name(b, k);
    json_builder_add_int_value(b, v);
}

static void str(JsonBuilder *b, const char *k, const char *v)
{
    json_builder_set_member_name(b, k);
    json_builder_add_string_value(b, v);
}

/* [{key_name: key, c0: n0[, c1: n1]}], largest first. split: the key is
 * "a\tb", named key_name and c_split. */
static void rows(JsonBuilder *b, const char *member, const ss_tally *t, const char *key_name,
                 const char *split, const char *c0, const char *c1)
{
    size_t n;
    ss_tally_row *r = ss_tally_rows(t, &n);
    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (size_t i = 0; i < n; i++) {
        json_builder_begin_object(b);
        const char *tab = split ? strchr(r[i].key, '\t') : NULL;
        gchar *k = tab ? g_strndup(r[i].key, (gsize)(tab - r[i].key)) : g_strdup(r[i].key);
        str(b, key_name, k);
        g_free(k);
        if (tab)
            str(b, split, tab + 1);
        num(b, c0, r[i].n[0]);
        if (c1)
            num(b, c1, r[i].n[1]);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    g_free(r);
}

static void review(JsonBuilder *b, const ss_report *r)
{
    json_builder_set_member_name(b, "review");
    json_builder_begin_object(b);
    num(b, "overdue_hours", r->overdue_hours);
    num(b, "reviewed", r->reviewed);
    json_builder_set_member_name(b, "median_seconds");
    r->median < 0 ? json_builder_add_null_value(b) : json_builder_add_int_value(b, r->median);
    json_builder_set_member_name(b, "longest_seconds");
    r->longest < 0 ? json_builder_add_null_value(b) : json_builder_add_int_value(b, r->longest);
    num(b, "reviewed_late", r->reviewed_late);
    num(b, "waiting", r->waiting);
    num(b, "waiting_overdue", r->waiting_overdue);
    json_builder_end_object(b);
}

void ss_report_json(const ss_report *r, GString *out)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    str(b, "from", r->from);
    str(b, "to", r->to);
    num(b, "files", (gint64)r->files);
    num(b, "records", (gint64)r->records);
    num(b, "messages", r->messages);
    num(b, "accepted", r->accepted);
    num(b, "shares", r->shares);
    num(b, "shares_with_purpose", r->shares_with_purpose);
    num(b, "refused", r->refused);
    num(b, "held", r->held);
    num(b, "tempfailed", r->tempfailed);
    rows(b, "shares_by_organisation", &r->by_org, "organisation", "basis", "shares", NULL);
    rows(b, "by_reason", &r->by_reason, "rule", NULL, "refused", "held");
    rows(b, "by_sender_domain", &r->by_sender, "domain", NULL, "refused", "held");
    rows(b, "identifier_types", &r->types, "type", NULL, "messages", "findings");
    rows(b, "insecure_destinations", &r->insecure, "domain", NULL, "messages", NULL);
    review(b, r);
    json_builder_end_object(b);
    JsonGenerator *g = json_generator_new();
    json_generator_set_pretty(g, TRUE);
    JsonNode *root = json_builder_get_root(b);
    json_generator_set_root(g, root);
    gchar *text = json_generator_to_data(g, NULL);
    g_string_append(out, text);
    g_string_append_c(out, '\n');
    g_free(text);
    json_node_unref(root);
    g_object_unref(g);
    g_object_unref(b);
}
