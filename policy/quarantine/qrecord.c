/* The quarantine record, REF.json: written by us, so the reader needs only
 * the JSON we write, but it is strict about it, because a record that reads
 * wrongly could release the wrong thing or hide a held message. */
#include "quarantine_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ss_qrec_time(time_t t, char out[32])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        strcpy(out, "1970-01-01T00:00:00Z");
}

static void put_str(ss_buf *b, const char *name, const char *v)
{
    ss_buf_printf(b, "\"%s\":", name);
    ss_buf_json_quoted(b, v);
}

static void put_event(ss_buf *b, const ss_qevent *ev)
{
    char at[32];
    ss_qrec_time(ev->time, at);
    ss_buf_printf(b, "{\"state\":\"%s\",\"time\":%lld,\"at\":\"%s\",",
                  ss_qstate_name(ev->state), (long long)ev->time, at);
    put_str(b, "by", ev->by);
    ss_buf_addc(b, ',');
    put_str(b, "reason", ev->reason);
    ss_buf_addc(b, '}');
}

void ss_qrec_build(ss_buf *b, const ss_qentry *e)
{
    char at[32];
    ss_qrec_time(e->received, at);
    ss_buf_printf(b, "{\"format\":\"safeshare-quarantine\",\"version\":1,"
                  "\"reference\":\"%s\",\"received\":%lld,\"received_at\":\"%s\",",
                  e->reference, (long long)e->received, at);
    put_str(b, "sender", e->sender);
    ss_buf_adds(b, ",\"recipients\":[");
    for (size_t i = 0; i < e->nrecipients; i++) {
        if (i)
            ss_buf_addc(b, ',');
        ss_buf_json_quoted(b, e->recipients[i]);
    }
    ss_buf_adds(b, "],");
    put_str(b, "summary", e->summary);
    ss_buf_printf(b, ",\"size\":%llu,\"sha256\":\"%s\",\"encrypted\":%s,\"state\":\"%s\","
                  "\"counter\":%llu,\"history\":[", e->size, e->sha256,
                  e->encrypted ? "true" : "false", ss_qstate_name(e->state), e->counter);
    for (size_t i = 0; i < e->nhistory; i++) {
        if (i)
            ss_buf_addc(b, ',');
        put_event(b, &e->history[i]);
    }
    ss_buf_addc(b, ']');
    if (e->purpose) {
        ss_buf_adds(b, ",\"purpose\":{");
        put_str(b, "text", e->purpose);
        ss_buf_addc(b, ',');
        put_str(b, "urgency", e->urgency ? e->urgency : "routine");
        ss_buf_printf(b, ",\"time\":%lld}", (long long)e->purpose_time);
    }
    ss_buf_adds(b, ",\"meta\":");
    ss_buf_adds(b, e->meta_json ? e->meta_json : "{}");
    ss_buf_adds(b, "}\n");
}

/* ---- reading ---- */

typedef struct {
    const char *p, *end;
    int depth;
} jrd;

static void ws(jrd *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int lit(jrd *j, char c)
{
    ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return 1;
    }
    return 0;
}

int ss_qrec_hex4(const char *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d > 15)
            return -1;
        *v = *v << 4 | d;
    }
    return 0;
}

static void utf8(ss_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 63)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | (cp >> 6 & 63));
        u[2] = (char)(0x80 | (cp & 63)); n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | (cp >> 12 & 63));
        u[2] = (char)(0x80 | (cp >> 6 & 63)); u[3] = (char)(0x80 | (cp & 63)); n = 4;
    }
    if (b)
        ss_buf_add(b, u, n);
}

/* \uXXXX, with a surrogate pair joined; a lone half becomes U+FFFD. */
static int uescape(jrd *j, ss_buf *out)
{
    unsigned cp, lo;
    if (j->end - j->p < 4 || ss_qrec_hex4(j->p, &cp) != 0 || cp == 0)
        return -1;
    j->p += 4;
    if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' &&
        j->p[1] == 'u' && ss_qrec_hex4(j->p + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        j->p += 6;
    } else if (cp >= 0xD800 && cp < 0xE000) {
        cp = 0xFFFD;
    }
    utf8(out, cp);
    return 0;
}

/* A string into out (NULL: just skip it). */
static int str(jrd *j, ss_buf *out)
{
    if (!lit(j, '"'))
        return -1;
    if (out)
        ss_buf_reset(out);
    while (j->p < j->end) {
        unsigned char c = (unsigned char)*j->p++;
        if (c == '"')
            return out && !out->p ? (ss_buf_add(out, "", 0), 0) : 0;
        if (c < 0x20)
            return -1;
        if (c != '\\') {
            if (out)
                ss_buf_addc(out, (char)c);
            continue;
        }
        if (j->p >= j->end)
            return -1;
        char e = *j->p++;
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *k = e ? strchr(from, e) : NULL;
        if (k) {
            if (out)
                ss_buf_addc(out, to[k - from]);
        } else if (e != 'u' || uescape(j, out) != 0) {
            return -1;
        }
    }
    return -1;
}

static int num(jrd *j, long long *v)
{
    ws(j);
    const char *s = j->p;
    int neg = s < j->end && *s == '-';
    if (neg)
        s++;
    if (s >= j->end || *s < '0' || *s > '9')
        return -1;
    unsigned long long x = 0;
    for (; s < j->end && *s >= '0' && *s <= '9'; s++) {
        if (x > (unsigned long long)INT64_MAX / 10)
            return -1;
        x = x * 10 + (unsigned)(*s - '0');
    }
    if (x > (unsigned long long)INT64_MAX)
        return -1;
    j->p = s;
    if (v)
        *v = neg ? -(long long)x : (long long)x;
    return 0;
}

static int word(jrd *j, const char *w)
{
    ws(j);
    size_t n = strlen(w);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
        return -1;
    j->p += n;
    return 0;
}

static int skip(jrd *j);

/* Members or elements until the closing bracket, each skipped. */
static int skip_seq(jrd *j, char close, int members)
{
    if (lit(j, close))
        return 0;
    do {
        if (members && (str(j, NULL) != 0 || !lit(j, ':')))
            return -1;
        if (skip(j) != 0)
            return -1;
    } while (lit(j, ','));
    return lit(j, close) ? 0 : -1;
}

static int skip(jrd *j)
{
    ws(j);
    if (j->p >= j->end || j->depth > 64)
        return -1;
    char c = *j->p;
    if (c == '"')
        return str(j, NULL);
    if (c == '{' || c == '[') {
        j->p++;
        j->depth++;
        int r = skip_seq(j, c == '{' ? '}' : ']', c == '{');
        j->depth--;
        return r;
    }
    if (c == 't')
        return word(j, "true");
    if (c == 'f')
        return word(j, "false");
    if (c == 'n')
        return word(j, "null");
    if (num(j, NULL) != 0)
        return -1;
    /* Fractions and exponents are valid JSON in a caller's meta. */
    while (j->p < j->end && strchr("0123456789.eE+-", *j->p))
        j->p++;
    return 0;
}

int ss_qrec_is_object(const char *s)
{
    jrd j = { s, s + strlen(s), 0 };
    ws(&j);
    if (j.p >= j.end || *j.p != '{' || skip(&j) != 0)
        return 0;
    ws(&j);
    return j.p == j.end;
}

static char *take(ss_buf *b)
{
    return b->p ? ss_buf_steal(b) : ss_xstrdup("");
}

static int state_of(ss_buf *b, ss_qstate *s)
{
    return b->p ? ss_qstate_parse(b->p, s) : -1;
}

static int event(jrd *j, ss_qevent *ev, ss_buf *t)
{
    int have_state = 0, have_time = 0;
    if (!lit(j, '{'))
        return -1;
    do {
        if (str(j, t) != 0 || !lit(j, ':'))
            return -1;
        long long v;
        if (!strcmp(t->p, "state")) {
            if (str(j, t) != 0 || state_of(t, &ev->state) != 0)
                return -1;
            have_state = 1;
        } else if (!strcmp(t->p, "time")) {
            if (num(j, &v) != 0)
                return -1;
            ev->time = (time_t)v;
            have_time = 1;
        } else if (!strcmp(t->p, "by") || !strcmp(t->p, "reason")) {
            char **dst = t->p[0] == 'b' ? &ev->by : &ev->reason;
            if (*dst || str(j, t) != 0)
                return -1;
            *dst = take(t);
        } else if (skip(j) != 0) {
            return -1;
        }
    } while (lit(j, ','));
    if (!ev->by)
        ev->by = ss_xstrdup("");
    if (!ev->reason)
        ev->reason = ss_xstrdup("");
    return lit(j, '}') && have_state && have_time ? 0 : -1;
}

static int history(jrd *j, ss_qentry *e, ss_buf *t)
{
    if (!lit(j, '[') || e->history)
        return -1;
    if (lit(j, ']'))
        return 0;
    size_t cap = 0;
    do {
        if (e->nhistory == cap) {
            cap = cap ? cap * 2 : 4;
            e->history = ss_xrealloc(e->history, cap * sizeof *e->history);
        }
        ss_qevent *ev = &e->history[e->nhistory++];
        memset(ev, 0, sizeof *ev);
        if (event(j, ev, t) != 0)
            return -1;
    } while (lit(j, ','));
    return lit(j, ']') ? 0 : -1;
}

static int recipients(jrd *j, ss_qentry *e, ss_buf *t)
{
    if (!lit(j, '[') || e->recipients)
        return -1;
    e->recipients = ss_xcalloc(1, sizeof *e->recipients);
    if (lit(j, ']'))
        return 0;
    do {
        if (str(j, t) != 0)
            return -1;
        e->recipients = ss_xrealloc(e->recipients, (e->nrecipients + 1) * sizeof *e->recipients);
        e->recipients[e->nrecipients++] = take(t);
    } while (lit(j, ','));
    return lit(j, ']') ? 0 : -1;
}

static int hex64(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

/* {"text":..., "urgency":..., "time":N}: what the sender said. */
static int purpose(jrd *j, ss_qentry *e, ss_buf *t)
{
    long long v;
    if (!lit(j, '{') || e->purpose)
        return -1;
    do {
        if (str(j, t) != 0 || !lit(j, ':'))
            return -1;
        if (!strcmp(t->p, "text") || !strcmp(t->p, "urgency")) {
            char **dst = t->p[0] == 't' ? &e->purpose : &e->urgency;
            if (*dst || str(j, t) != 0)
                return -1;
            *dst = take(t);
        } else if (!strcmp(t->p, "time")) {
            if (num(j, &v) != 0)
                return -1;
            e->purpose_time = (time_t)v;
        } else if (skip(j) != 0) {
            return -1;
        }
    } while (lit(j, ','));
    if (!e->purpose || !e->urgency || ss_qurgency_ok(e->urgency) != 0)
        return -1;
    return lit(j, '}') ? 0 : -1;
}

/* One top-level member whose name is in t. */
static int member(jrd *j, ss_qentry *e, ss_buf *t, int *seen_version)
{
    long long v;
    const char *k = t->p;
    char **sdst = !strcmp(k, "sender") ? &e->sender : !strcmp(k, "summary") ? &e->summary : NULL;
    if (sdst) {
        if (*sdst || str(j, t) != 0)
            return -1;
        *sdst = take(t);
        return 0;
    }
    if (!strcmp(k, "version"))
        return num(j, &v) == 0 && v == 1 ? (*seen_version = 1, 0) : -1;
    if (!strcmp(k, "reference"))
        return str(j, t) == 0 && t->p && ss_reference_ok(t->p)
               ? (strcpy(e->reference, t->p), 0) : -1;
    if (!strcmp(k, "received") || !strcmp(k, "size") || !strcmp(k, "counter")) {
        if (num(j, &v) != 0 || v < 0)
            return -1;
        if (k[0] == 'r')
            e->received = (time_t)v;
        else if (k[0] == 's')
            e->size = (unsigned long long)v;
        else
            e->counter = (unsigned long long)v;
        return 0;
    }
    if (!strcmp(k, "sha256"))
        return str(j, t) == 0 && t->p && hex64(t->p) ? (strcpy(e->sha256, t->p), 0) : -1;
    if (!strcmp(k, "encrypted"))
        return word(j, "true") == 0 ? (e->encrypted = 1, 0) : word(j, "false");
    if (!strcmp(k, "state"))
        return str(j, t) == 0 && state_of(t, &e->state) == 0 ? 0 : -1;
    if (!strcmp(k, "recipients"))
        return recipients(j, e, t);
    if (!strcmp(k, "history"))
        return history(j, e, t);
    if (!strcmp(k, "purpose"))
        return purpose(j, e, t);
    if (!strcmp(k, "meta")) {
        ws(j);
        const char *s = j->p;
        if (e->meta_json || s >= j->end || *s != '{' || skip(j) != 0)
            return -1;
        e->meta_json = ss_xstrndup(s, (size_t)(j->p - s));
        return 0;
    }
    return skip(j);
}

int ss_qrec_parse(const char *s, size_t n, ss_qentry *e)
{
    memset(e, 0, sizeof *e);
    e->state = SS_QS__COUNT;
    jrd j = { s, s + n, 0 };
    ss_buf t = SS_BUF_INIT;
    int seen_version = 0, rc = -1;
    if (!lit(&j, '{'))
        goto out;
    do {
        if (str(&j, &t) != 0 || !lit(&j, ':') || member(&j, e, &t, &seen_version) != 0)
            goto out;
    } while (lit(&j, ','));
    if (!lit(&j, '}'))
        goto out;
    ws(&j);
    /* Consistent: the state is the last event's, and nothing is missing. */
    if (j.p == j.end && seen_version && e->reference[0] && e->sha256[0] && e->sender &&
        e->summary && e->recipients && e->meta_json && e->nhistory > 0 &&
        e->history[e->nhistory - 1].state == e->state) {
        e->changed = e->history[e->nhistory - 1].time;
        rc = 0;
    }
out:
    ss_buf_free(&t);
    if (rc != 0)
        ss_qentry_free(e);
    return rc;
}
