#include "audit_rec.h"
#include "audit/lines.h"
#include "base/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *ss_rec_str(JsonObject *o, const char *key)
{
    JsonNode *n = o ? json_object_get_member(o, key) : NULL;
    return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
               ? json_node_get_string(n) : NULL;
}

JsonArray *ss_rec_arr(JsonObject *o, const char *key)
{
    JsonNode *n = o ? json_object_get_member(o, key) : NULL;
    return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

JsonObject *ss_rec_obj(JsonObject *o, const char *key)
{
    JsonNode *n = o ? json_object_get_member(o, key) : NULL;
    return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

int ss_rec_bool(JsonObject *o, const char *key)
{
    JsonNode *n = o ? json_object_get_member(o, key) : NULL;
    if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN)
        return -1;
    return json_node_get_boolean(n) ? 1 : 0;
}

int ss_rec_is_decision(JsonObject *o)
{
    return ss_rec_str(o, "action") != NULL;
}

const char *ss_rec_subject_ref(JsonObject *o)
{
    const char *from = ss_rec_str(ss_rec_obj(o, "released"), "reference");
    return from ? from : ss_rec_str(o, "reference");
}

void ss_rec_domain(const char *address, char *out, size_t n)
{
    const char *at = address ? strrchr(address, '@') : NULL;
    size_t i = 0;
    for (const char *p = at ? at + 1 : ""; *p && i + 1 < n; p++)
        out[i++] = (char)tolower((unsigned char)*p);
    out[i] = '\0';
}

gint64 ss_rec_parse_time(const char *iso)
{
    GDateTime *d = iso ? g_date_time_new_from_iso8601(iso, NULL) : NULL;
    gint64 t = d ? g_date_time_to_unix(d) : 0;
    if (d)
        g_date_time_unref(d);
    return t;
}

gint64 ss_rec_local_day(const char *ymd)
{
    int y, m, d, n = 0;
    if (sscanf(ymd, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || ymd[n] != '\0' || !g_date_valid_dmy(
            (GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return -1;
    GDateTime *t = g_date_time_new_local(y, m, d, 0, 0, 0);
    gint64 s = t ? g_date_time_to_unix(t) : -1;
    if (t)
        g_date_time_unref(t);
    return s;
}

void ss_rec_local_time(gint64 t, char out[17])
{
    GDateTime *d = g_date_time_new_from_unix_local(t);
    gchar *s = d ? g_date_time_format(d, "%Y-%m-%d %H:%M") : NULL;
    snprintf(out, 17, "%s", s ? s : "?");
    g_free(s);
    if (d)
        g_date_time_unref(d);
}

static int walk_file(JsonParser *p, const char *file, ss_rec_fn fn, void *arg, size_t *skipped)
{
    char err[512];
    ss_lines *in = ss_lines_open(file, err, sizeof err);
    if (!in) {
        fprintf(stderr, "safesharectl: %s\n", err);
        return -1;
    }
    ss_buf l = SS_BUF_INIT;
    int terminated, got, rc = 0;
    while (rc == 0 && (got = ss_lines_next(in, &l, &terminated, err, sizeof err)) > 0) {
        JsonNode *root = json_parser_load_from_data(p, l.p ? l.p : "", (gssize)l.len, NULL)
                             ? json_parser_get_root(p) : NULL;
        if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
            if (skipped && (*skipped)++ == 0)
                fprintf(stderr, "safesharectl: %s:%llu: not a JSON record, skipped (and any "
                        "others like it; `audit verify` says why)\n", file,
                        ss_lines_number(in));
            continue;
        }
        ss_rec r = { .o = json_node_get_object(root), .file = file,
                     .line = ss_lines_number(in), .raw = l.p, .rawlen = l.len };
        r.when = ss_rec_parse_time(ss_rec_str(r.o, "time"));
        rc = fn(&r, arg);
    }
    if (got < 0) {
        fprintf(stderr, "safesharectl: %s:%llu: %s\n", file, ss_lines_number(in) + 1, err);
        rc = -1;
    }
    ss_buf_free(&l);
    ss_lines_close(in);
    return rc < 0 ? -1 : rc;
}

int ss_rec_walk(char *const *files, size_t n, ss_rec_fn fn, void *arg, size_t *skipped)
{
    JsonParser *p = json_parser_new_immutable();
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = walk_file(p, files[i], fn, arg, skipped);
    g_object_unref(p);
    return rc < 0 ? -1 : 0;
}
