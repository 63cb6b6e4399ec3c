/* Postfix's delivery log lines (delivery.h), matched with GLib's regular
 * expressions. The program name before "/smtp[PID]" is whatever
 * syslog_name says ("postfix", "postfix-out", a lab's own), so it is not
 * assumed. */
#include "delivery.h"
#include "audit/audit.h"
#include "base/buf.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GRegex *re_tls, *re_status, *re_removed;

static void *compile(void *unused)
{
    (void)unused;
    re_tls = g_regex_new("\\S+/(?:smtp|lmtp)\\[(\\d+)\\]: (Verified|Trusted|Untrusted|Anonymous)"
                         " TLS connection established to (\\S+): (\\S+) with cipher (\\S+)",
                         G_REGEX_OPTIMIZE, 0, NULL);
    re_status = g_regex_new("\\S+/(?:smtp|lmtp|local|virtual|pipe|error|discard|retry)"
                            "\\[(\\d+)\\]: ([0-9A-Za-z]+): to=<([^>]*)>,(?: orig_to=<[^>]*>,)?"
                            " relay=([^,]+),.*? dsn=([0-9.]+), status=(\\w+)",
                            G_REGEX_OPTIMIZE, 0, NULL);
    re_removed = g_regex_new("\\S+/qmgr\\[\\d+\\]: ([0-9A-Za-z]+): removed$",
                             G_REGEX_OPTIMIZE, 0, NULL);
    return NULL;
}

static void group(GMatchInfo *m, int n, char *out, size_t len)
{
    gchar *s = g_match_info_fetch(m, n);
    snprintf(out, len, "%s", s ? s : "");
    g_free(s);
}

static long group_long(GMatchInfo *m, int n)
{
    char tmp[32];
    group(m, n, tmp, sizeof tmp);
    return atol(tmp);
}

void ss_delivery_parse(const char *line, ss_dline *out)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, compile, NULL);
    memset(out, 0, sizeof out[0]);
    GMatchInfo *m = NULL;
    if (g_regex_match(re_tls, line, 0, &m)) {
        out->kind = SS_DL_TLS;
        out->pid = group_long(m, 1);
        group(m, 2, out->trust, sizeof out->trust);
        group(m, 3, out->relay, sizeof out->relay);
        group(m, 4, out->version, sizeof out->version);
        group(m, 5, out->cipher, sizeof out->cipher);
    } else if (g_match_info_free(m), m = NULL, g_regex_match(re_status, line, 0, &m)) {
        out->kind = SS_DL_STATUS;
        out->pid = group_long(m, 1);
        group(m, 2, out->queue_id, sizeof out->queue_id);
        group(m, 3, out->recipient, sizeof out->recipient);
        group(m, 4, out->relay, sizeof out->relay);
        group(m, 5, out->dsn, sizeof out->dsn);
        group(m, 6, out->status, sizeof out->status);
    } else if (g_match_info_free(m), m = NULL, g_regex_match(re_removed, line, 0, &m)) {
        out->kind = SS_DL_REMOVED;
        group(m, 1, out->queue_id, sizeof out->queue_id);
    }
    g_match_info_free(m);
}

static void member(ss_buf *b, const char *k, const char *v)
{
    ss_buf_printf(b, ",\"%s\":", k);
    ss_buf_json_quoted(b, v);
}

char *ss_delivery_record(const char *reference, const ss_dline *st, const ss_dline *tls)
{
    char now[32];
    ss_audit_now(now);
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "{\"time\":\"%s\",\"source\":\"postfix\",\"event\":\"delivery\"", now);
    member(&b, "reference", reference);
    member(&b, "queue_id", st->queue_id);
    member(&b, "recipient", st->recipient);
    member(&b, "status", st->status);
    member(&b, "dsn", st->dsn);
    member(&b, "relay", st->relay);
    if (tls) {
        ss_buf_adds(&b, ",\"tls\":{");
        ss_buf_printf(&b, "\"trust\":");
        ss_buf_json_quoted(&b, tls->trust);
        ss_buf_printf(&b, ",\"verified\":%s", !strcmp(tls->trust, "Verified") ? "true" : "false");
        member(&b, "version", tls->version);
        member(&b, "cipher", tls->cipher);
        ss_buf_addc(&b, '}');
    } else {
        ss_buf_adds(&b, ",\"tls\":null");
    }
    ss_buf_addc(&b, '}');
    return ss_buf_steal(&b);
}
