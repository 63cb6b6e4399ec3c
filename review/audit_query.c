#include "audit_query.h"

#include <string.h>
#include <strings.h>

static int same(const char *want, const char *got)
{
    return got && strcasecmp(want, got) == 0;
}

static int in_domain(const char *domain, const char *address)
{
    char d[256];
    ss_rec_domain(address, d, sizeof d);
    size_t n = strlen(d), m = strlen(domain);
    return n >= m && strcasecmp(d + n - m, domain) == 0 && (n == m || d[n - m - 1] == '.');
}

/* Any party (sender and recipients) for which pred(want, address) holds. */
static int any_party(JsonObject *o, const char *want, int sender, int recipients,
                     int (*pred)(const char *, const char *))
{
    if (sender && pred(want, ss_rec_str(ss_rec_obj(o, "sender"), "address")))
        return 1;
    if (recipients && pred(want, ss_rec_str(o, "recipient")))      /* a delivery */
        return 1;
    JsonArray *a = recipients ? ss_rec_arr(o, "recipients") : NULL;
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonNode *n = json_array_get_element(a, i);
        if (JSON_NODE_HOLDS_OBJECT(n)
            && pred(want, ss_rec_str(json_node_get_object(n), "address")))
            return 1;
    }
    return 0;
}

static int domain_pred(const char *domain, const char *address)
{
    return address && in_domain(domain, address);
}

static int any_finding(JsonObject *o, const char *key, const char *want)
{
    JsonArray *a = ss_rec_arr(o, "findings");
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonNode *n = json_array_get_element(a, i);
        if (JSON_NODE_HOLDS_OBJECT(n) && same(want, ss_rec_str(json_node_get_object(n), key)))
            return 1;
    }
    return 0;
}

static int when_ok(const ss_query *q, gint64 t)
{
    return (!q->from || (t && t >= q->from)) && (!q->to || (t && t < q->to));
}

int ss_query_match(const ss_query *q, const ss_rec *r)
{
    JsonObject *o = r->o;
    const char *ev = ss_rec_str(o, "event");
    return (!q->ref || same(q->ref, ss_rec_str(o, "reference"))
            || same(q->ref, ss_rec_subject_ref(o)))
        && (!q->queue_id || same(q->queue_id, ss_rec_str(o, "queue_id")))
        && (!q->sender || any_party(o, q->sender, 1, 0, same))
        && (!q->recipient || any_party(o, q->recipient, 0, 1, same))
        && (!q->domain || any_party(o, q->domain, 1, 1, domain_pred))
        && (!q->action || same(q->action, ss_rec_str(o, "action")) || same(q->action, ev))
        && (!q->reviewer || same(q->reviewer, ss_rec_str(o, "reviewer")))
        && (!q->has_type || any_finding(o, "type", ss_type_name(q->type)))
        && (!q->has_value || any_finding(o, "hmac", q->hmac))
        && when_ok(q, r->when);
}
