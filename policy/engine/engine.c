#include "engine.h"
#include "purpose.h"
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ss_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static int register_stale(const ss_register *r)
{
    time_t exp = r ? ss_register_expires(r) : 0;
    return exp != 0 && time(NULL) > exp;
}

/* A stale register makes every party insecure for child data: fail
 * closed, never trust old data. */
void ss_engine_check_address(const ss_register *r, const char *address, const char *today,
                             ss_match *m)
{
    char now[11];
    if (!today) {
        ss_today(now);
        today = now;
    }
    ss_register_check(r, address, today, m);
    /* Every party, not only the ones it would call secure: what a stale
     * register says about anyone is out of date, and the reply must say
     * that rather than blame an address (m->stale). */
    if (register_stale(r)) {
        m->secure = 0;
        m->stale = 1;
        snprintf(m->why, sizeof m->why, "the secure-domain register is out of date");
    }
}

/* Every party checked against the register. */
static void check_parties(const ss_register *r, const ss_txn *t, const char *today,
                          ss_result *out)
{
    out->nparties = t->nrcpts + 1;
    out->parties = ss_xcalloc(out->nparties, sizeof *out->parties);
    for (size_t i = 0; i < out->nparties; i++) {
        ss_party *p = &out->parties[i];
        p->is_sender = i == 0;
        p->address = ss_xstrdup(i == 0 ? (t->sender ? t->sender : "") : t->rcpts[i - 1]);
        ss_engine_check_address(r, p->address, today, &p->m);
    }
}

static void detect_opts(const ss_config *c, const char *today, ss_detect_opts *o)
{
    ss_detect_opts_default(o);
    if (today)
        sscanf(today, "%d-%d-%d", &o->ref_year, &o->ref_month, &o->ref_day);
    o->chi_mod10 = c->chi_mod10;
    o->nhs_test_range = c->nhs_test_range;
}

/* a file name reads as words: Referral_Alfie_Smith.docx (§9.3) */
static int is_file_name(const ss_segment *s)
{
    return s->location && strstr(s->location, "the name of attachment \"") != NULL;
}

void ss_engine_detect(const ss_config *c, const char *today, ss_extract *x,
                      ss_findings *f)
{
    ss_detect_opts o;
    detect_opts(c, today, &o);
    for (size_t i = 0; i < x->nsegs; i++) {
        o.filename = is_file_name(&x->segs[i]);
        ss_detect_segment(x->segs[i].text, x->segs[i].len, i, &o, f);
    }
    ss_detect_grade(f);
    ss_engine_mask_names(x, f);
}

static void unparseable(ss_extract *x, const char *why)
{
    x->skipped = ss_xrealloc(x->skipped, (x->nskipped + 1) * sizeof *x->skipped);
    x->skipped[x->nskipped].location = ss_xstrdup("the whole message");
    x->skipped[x->nskipped].why = ss_xstrdup(why);
    x->skipped[x->nskipped].unreadable = 1;
    x->nskipped++;
}

/* Detection as the extraction goes (ss_segment_fn): each segment is
 * detected the moment it is read and its text let go, so a message's
 * memory is bounded by its largest part, not the sum of them (issue 16:
 * a 50 MB message). The same detectors in the same order as
 * ss_engine_detect; the grading waits for all of them (finish). */
typedef struct {
    ss_detect_opts o;
    ss_findings *f;
} streaming;

static int detect_now(void *arg, const ss_segment *s, size_t index)
{
    streaming *st = arg;
    st->o.filename = is_file_name(s);
    ss_detect_segment(s->text, s->len, index, &st->o, st->f);
    return !st->o.filename;     /* a file name stays: ss_engine_mask_names reads it */
}

static void finish(const ss_config *c, const ss_register *r, const ss_txn *t,
                   const char *today, ss_result *out)
{
    ss_detect_grade(&out->f);       /* the segments were detected as read */
    ss_engine_mask_names(&out->x, &out->f);
    check_parties(r, t, today, out);
    ss_reference_new(out->v.reference);
    ss_decide(c, &out->f, out->parties, out->nparties, &out->x, t->oversize, &out->v);
    out->purpose = ss_engine_purpose(&out->x, &out->f);
    out->subject = ss_engine_untagged_subject(c, &out->x);
    ss_reply_build(c, &out->v, &out->f, &out->x, out->parties, out->nparties, &out->reply);
    ss_engine_rerecord(c, r, t, out);
}

void ss_engine_rerecord(const ss_config *c, const ss_register *r, const ss_txn *t,
                        ss_result *out)
{
    char now[32];
    ss_audit_now(now);
    ss_audit_in in = {
        .time = now, .source = t->source, .queue_id = t->queue_id,
        .message_id = out->x.message_id, .parties = out->parties,
        .nparties = out->nparties, .findings = &out->f, .extract = &out->x,
        .verdict = &out->v, .register_serial = r ? ss_register_serial(r) : 0,
        .key = c->audit_key, .keylen = c->audit_key_len,
        .purpose = out->purpose, .purpose_from = out->purpose ? out->x.purpose_from : NULL,
        .released_from = out->released_from, .released_by = out->released_by,
        .released_reason = out->released_reason,
    };
    free(out->record);
    out->record = ss_audit_record(&in);
}

void ss_verdict_override(ss_verdict *v, ss_action a, const char *rule, const char *reason)
{
    v->action = a;
    v->rule = rule;
    v->reasons = ss_xrealloc(v->reasons, (v->nreasons + 1) * sizeof *v->reasons);
    v->reasons[v->nreasons++] = ss_xstrdup(reason);
}

void ss_engine_limits(const ss_config *c, ss_extract_limits *l)
{
    ss_extract_limits d = SS_EXTRACT_LIMITS_DEFAULT;
    *l = d;
    l->max_depth = c->max_mime_depth;
    l->max_parts = c->max_mime_parts;
    l->attach.max_archive_bytes = c->max_archive_bytes;
    l->attach.max_total_bytes = c->max_total_bytes;
    l->attach.max_archive_depth = c->max_archive_depth;
    l->attach.max_entries = c->max_archive_entries;
    l->attach.max_seconds = c->max_scan_seconds > 3600 ? 3600u : (unsigned)c->max_scan_seconds;
    l->attach.max_memory = c->worker_memory_max;
    l->worker = c->extract_worker;      /* NULL: $SAFESHARE_EXTRACT or installed */
    /* MaxTotalBytes and MaxScanTime span the whole message */
    l->max_seconds = c->max_scan_time > 86400 ? 86400u : (unsigned)c->max_scan_time;
}

/* The message comes from memory (msg) or a file (fd >= 0). */
static int run(const ss_config *c, const ss_register *r, const ss_txn *t,
               const char *msg, size_t len, int fd, ss_result *out)
{
    memset(out, 0, sizeof *out);
    char today[11], err[256];
    if (t->today)
        snprintf(today, sizeof today, "%s", t->today);
    else
        ss_today(today);
    ss_extract_limits l;
    ss_engine_limits(c, &l);
    streaming st = { .f = &out->f };
    detect_opts(c, today, &st.o);
    l.on_segment = detect_now;
    l.on_segment_arg = &st;
    if (!t->oversize) {
        int rc = fd >= 0 ? ss_extract_fd(fd, &l, &out->x, err, sizeof err)
                         : ss_extract_mem(msg, len, &l, &out->x, err, sizeof err);
        if (rc != 0)
            unparseable(&out->x, err);
    }
    finish(c, r, t, today, out);
    return 0;
}

int ss_engine_run_mem(const ss_config *c, const ss_register *r, const ss_txn *t,
                      const char *msg, size_t len, ss_result *out)
{
    return run(c, r, t, msg, len, -1, out);
}

int ss_engine_run_fd(const ss_config *c, const ss_register *r, const ss_txn *t,
                     int fd, ss_result *out)
{
    return run(c, r, t, NULL, 0, fd, out);
}

void ss_result_free(ss_result *res)
{
    ss_extract_free(&res->x);
    ss_findings_free(&res->f);
    for (size_t i = 0; i < res->nparties; i++)
        free(res->parties[i].address);
    free(res->parties);
    ss_verdict_free(&res->v);
    ss_reply_free(&res->reply);
    free(res->record);
    free(res->purpose);
    free(res->subject);
    free(res->released_from);
    free(res->released_by);
    free(res->released_reason);
    memset(res, 0, sizeof *res);
}
