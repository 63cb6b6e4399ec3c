/* safesharectl audit show REF: one share's decision and what happened to
 * it afterwards, together: the DSL's review events and, with DeliveryLog,
 * Postfix's delivery of each recipient (relay, TLS version and cipher,
 * verified or not). The trail is read with audit search's own walker
 * (audit_rec.h), rotated and gzipped files too. */
#include "audit_ctl.h"
#include "audit_rec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define str ss_rec_str

static const char *or(const char *s, const char *dflt)
{
    return s ? s : dflt;
}

static void party(JsonObject *p, const char *role)
{
    printf("  %-5s %-32s %s: %s\n", role, or(str(p, "address"), "<>"),
           json_object_get_boolean_member_with_default(p, "secure", FALSE) ? "secure"
                                                                           : "NOT secure",
           or(str(p, "why"), ""));
}

static void decision(JsonObject *o)
{
    printf("Decision   %s  %s (%s), queue %s, register serial %" G_GINT64_FORMAT "\n",
           or(str(o, "time"), "?"), or(str(o, "action"), "?"), or(str(o, "rule"), "?"),
           or(str(o, "queue_id"), "-"),
           json_object_get_int_member_with_default(o, "register_serial", 0));
    JsonNode *s = json_object_get_member(o, "sender");
    if (s && JSON_NODE_HOLDS_OBJECT(s))
        party(json_node_get_object(s), "from");
    JsonArray *a = json_object_get_array_member(o, "recipients");
    for (guint i = 0; a && i < json_array_get_length(a); i++)
        party(json_array_get_object_element(a, i), "to");
    a = json_object_get_array_member(o, "findings");
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *f = json_array_get_object_element(a, i);
        printf("  found %s (%s) in %s: %s\n", or(str(f, "type"), "?"),
               or(str(f, "confidence"), "?"), or(str(f, "location"), "?"),
               or(str(f, "redacted"), ""));
    }
}

static void delivery(JsonObject *o)
{
    printf("  %-32s %s %s via %s (dsn %s)\n", or(str(o, "recipient"), "?"),
           or(str(o, "status"), "?"), or(str(o, "time"), "?"), or(str(o, "relay"), "?"),
           or(str(o, "dsn"), "?"));
    JsonNode *t = json_object_get_member(o, "tls");
    if (t && JSON_NODE_HOLDS_OBJECT(t)) {
        JsonObject *x = json_node_get_object(t);
        printf("  %-32s TLS %s, %s, %s\n", "", or(str(x, "version"), "?"),
               or(str(x, "cipher"), "?"),
               json_object_get_boolean_member_with_default(x, "verified", FALSE)
                   ? "certificate verified" : "certificate NOT verified");
    } else {
        printf("  %-32s no TLS connection was logged (plain text, or smtp_tls_loglevel 0)\n",
               "");
    }
}

static void other(JsonObject *o)
{
    printf("  %s  %s%s%s%s%s\n", or(str(o, "time"), "?"), or(str(o, "event"), "?"),
           str(o, "reviewer") ? " by " : "", or(str(o, "reviewer"), ""),
           str(o, "reason") || str(o, "detail") ? ": " : "",
           or(str(o, "reason"), or(str(o, "detail"), "")));
}

typedef struct {
    const char *ref;
    GPtrArray *lines;          /* the raw records of the reference, in order */
} found;

static int collect(const ss_rec *r, void *arg)
{
    found *f = arg;
    if (!g_strcmp0(str(r->o, "reference"), f->ref))
        g_ptr_array_add(f->lines, g_strndup(r->raw, r->rawlen));
    return 0;
}

/* Decision first, then deliveries, then the other events, each in order. */
static void print(const char *ref, found *f)
{
    printf("Reference  %s\n", ref);
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1)
            printf("Delivery\n");
        if (pass == 2)
            printf("Other events\n");
        int shown = 0;
        for (guint i = 0; i < f->lines->len; i++) {
            JsonParser *p = json_parser_new();
            json_parser_load_from_data(p, g_ptr_array_index(f->lines, i), -1, NULL);
            JsonObject *o = json_node_get_object(json_parser_get_root(p));
            const char *ev = str(o, "event");
            int kind = ss_rec_is_decision(o) ? 0 : ev && !strcmp(ev, "delivery") ? 1 : 2;
            if (kind == pass) {
                (pass == 0 ? decision : pass == 1 ? delivery : other)(o);
                shown++;
            }
            g_object_unref(p);
        }
        if (pass == 1 && !shown)
            printf("  none recorded (yet): set DeliveryLog to record Postfix's deliveries\n");
        if (pass == 2 && !shown)
            printf("  none\n");
    }
}

int ss_audit_show_cmd(const char *conf, int argc, char **argv)
{
    const char *ref = NULL;
    int json = 0;
    GPtrArray *logs = g_ptr_array_new();
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--log") && i + 1 < argc)
            g_ptr_array_add(logs, argv[++i]);
        else if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "-c") && i + 1 < argc)
            conf = argv[++i];
        else if (!ref)
            ref = argv[i];
        else
            ref = NULL, i = argc;
    }
    int rc = 2;
    ss_config *c = ref ? ss_ctl_config_audit(conf) : NULL;
    char upper[32], **files = NULL;
    snprintf(upper, sizeof upper, "%s", ref ? ref : "");
    for (char *p = upper; *p; p++)
        *p = g_ascii_toupper(*p);
    found f = { .ref = upper, .lines = g_ptr_array_new_with_free_func(g_free) };
    long n = c ? ss_audit_ctl_files(c, (char **)logs->pdata, logs->len, &files) : -1;
    if (!ref)
        fprintf(stderr, "usage: safesharectl audit show REFERENCE [--json] [--log FILE ...]\n");
    else if (n >= 0 && ss_rec_walk(files, (size_t)n, collect, &f, NULL) == 0) {
        if (!f.lines->len) {
            fprintf(stderr, "safesharectl: no audit record has reference %s\n", upper);
            rc = 1;
        } else {
            for (guint i = 0; json && i < f.lines->len; i++)
                printf("%s\n", (char *)g_ptr_array_index(f.lines, i));
            if (!json)
                print(upper, &f);
            rc = 0;
        }
    }
    for (long i = 0; i < n; i++)
        free(files[i]);
    free(files);
    g_ptr_array_unref(f.lines);
    g_ptr_array_free(logs, TRUE);
    ss_config_free(c);
    return rc;
}
