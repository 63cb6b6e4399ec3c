#include "audit.h"
#include "base/buf.h"
#include "certs/hmac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

void ss_audit_hmac(const unsigned char *key, size_t keylen, ss_type t,
                   const char *value, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    const char *name = ss_type_name(t);
    const ss_hmac_piece in[] = { { name, strlen(name) }, { ":", 1 }, { value, strlen(value) } };
    unsigned char md[SS_HMAC_LEN];
    if (ss_hmac_sha256(key, keylen, in, 3, md) != 0)
        memset(md, 0, sizeof md);        /* never the value: all zeroes is no match */
    for (unsigned i = 0; i < SS_HMAC_LEN; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

void ss_audit_now(char out[32])
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char s[24];
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%s.%03dZ", s, (int)(tv.tv_usec / 1000) % 1000);
}

static void kv(ss_buf *b, const char *k, const char *v, int comma)
{
    if (comma)
        ss_buf_addc(b, ',');
    ss_buf_printf(b, "\"%s\":", k);
    ss_buf_json_or_null(b, v);
}

static void party_json(ss_buf *b, const ss_party *p)
{
    ss_buf_addc(b, '{');
    kv(b, "address", p->address, 0);
    ss_buf_printf(b, ",\"secure\":%s", p->m.secure ? "true" : "false");
    kv(b, "entry", p->m.entry[0] ? p->m.entry : NULL, 1);
    kv(b, "org", p->m.org[0] ? p->m.org : NULL, 1);
    kv(b, "basis", p->m.basis[0] ? p->m.basis : NULL, 1);
    kv(b, "why", p->m.why, 1);
    ss_buf_addc(b, '}');
}

static void findings_json(ss_buf *b, const ss_audit_in *in)
{
    const ss_findings *f = in->findings;
    ss_buf_adds(b, ",\"findings\":[");
    for (size_t i = 0; f && i < f->n; i++) {
        const ss_finding *g = &f->v[i];
        const ss_extract *x = in->extract;
        ss_buf_adds(b, i ? ",{" : "{");
        kv(b, "type", ss_type_name(g->type), 0);
        kv(b, "confidence", ss_conf_name(g->confidence), 1);
        kv(b, "location", x && g->seg < x->nsegs ? x->segs[g->seg].location : NULL, 1);
        kv(b, "redacted", g->redacted, 1);
        if (g->value[0]) {
            char h[65];
            ss_audit_hmac(in->key, in->keylen, g->type, g->value, h);
            kv(b, "hmac", h, 1);
        }
        ss_buf_addc(b, '}');
    }
    ss_buf_addc(b, ']');
}

static void unscanned_json(ss_buf *b, const ss_extract *x)
{
    ss_buf_adds(b, ",\"unscanned\":[");
    for (size_t i = 0; x && i < x->nskipped; i++) {
        ss_buf_adds(b, i ? ",{" : "{");
        kv(b, "location", x->skipped[i].location, 0);
        kv(b, "why", x->skipped[i].why, 1);
        ss_buf_printf(b, ",\"unreadable\":%s}", x->skipped[i].unreadable ? "true" : "false");
    }
    ss_buf_addc(b, ']');
}

/* What the sender said the share is for, and, for a released message,
 * the held one it was and the DSL's decision: what the guidance asks a
 * record of a share to say, beside what and with whom. */
static void purpose_json(ss_buf *b, const ss_audit_in *in)
{
    ss_buf_printf(b, ",\"child_data\":%s", in->verdict->why & SS_WHY_CHILD_DATA ? "true" : "false");
    kv(b, "purpose", in->purpose, 1);
    kv(b, "purpose_from", in->purpose ? in->purpose_from : NULL, 1);
    if (!in->released_from)
        return;
    ss_buf_adds(b, ",\"released\":{");
    kv(b, "reference", in->released_from, 0);
    kv(b, "by", in->released_by, 1);
    kv(b, "reason", in->released_reason, 1);
    ss_buf_addc(b, '}');
}

char *ss_audit_record(const ss_audit_in *in)
{
    ss_buf b = SS_BUF_INIT;
    const ss_verdict *v = in->verdict;
    ss_buf_addc(&b, '{');
    kv(&b, "time", in->time, 0);
    kv(&b, "reference", v->reference, 1);
    kv(&b, "source", in->source, 1);
    kv(&b, "queue_id", in->queue_id, 1);
    kv(&b, "message_id", in->message_id, 1);
    ss_buf_adds(&b, ",\"sender\":");
    if (in->nparties > 0 && in->parties[0].is_sender)
        party_json(&b, &in->parties[0]);
    else
        ss_buf_adds(&b, "null");
    ss_buf_adds(&b, ",\"recipients\":[");
    int first = 1;
    for (size_t i = 0; i < in->nparties; i++) {
        if (in->parties[i].is_sender)
            continue;
        if (!first)
            ss_buf_addc(&b, ',');
        first = 0;
        party_json(&b, &in->parties[i]);
    }
    ss_buf_addc(&b, ']');
    findings_json(&b, in);
    unscanned_json(&b, in->extract);
    purpose_json(&b, in);
    kv(&b, "action", ss_action_name(v->action), 1);
    kv(&b, "rule", v->rule, 1);
    ss_buf_adds(&b, ",\"reasons\":[");
    for (size_t i = 0; i < v->nreasons; i++) {
        if (i)
            ss_buf_addc(&b, ',');
        ss_buf_json_quoted(&b, v->reasons[i]);
    }
    ss_buf_printf(&b, "],\"register_serial\":%llu}", in->register_serial);
    return ss_buf_steal(&b);
}
