/* The audit writer (audit.h): chained records, appended whole or not at
 * all, durable before the caller hears 0, shared safely between threads
 * (group commit), reloaded snapshots and other processes (the head file's
 * lock), and resuming by itself once a full disk has room again. */
#include "audit.h"
#include "chain.h"
#include "headfile.h"
#include "view.h"
#include "base/buf.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct ss_audit {
    ss_view v;                   /* files, owner for new ones, chain key, head */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int locked;                  /* this handle holds the head file's lock */
    ss_chain_head durable;       /* the chain after the last synced record */
    off_t durable_size;
    unsigned long long written;  /* records appended, ever (monotonic, so a waiter */
    unsigned long long synced;   /* from a finished session is never confused) */
    unsigned epoch;              /* bumped when a sync fails: its waiters failed */
    int syncing;                 /* a thread is in fdatasync now */
    int failing;                 /* a failure was logged; log the recovery once */
};

static int resolve_group(const ss_config *c, ss_view *v, char *err, size_t errlen)
{
    int shared = ss_config_audit_gid(c, &v->gid, err, errlen);
    v->has_group = shared > 0;
    v->mode = shared > 0 ? 0640 : 0600;
    return shared < 0 ? -1 : 0;
}

ss_audit *ss_audit_open(const ss_config *c, char *err, size_t errlen)
{
    ss_audit *a = ss_xcalloc(1, sizeof *a);
    a->v.fd = a->v.hfd = -1;
    if (resolve_group(c, &a->v, err, errlen) != 0
        || ss_chain_key(c->audit_key, c->audit_key_len, a->v.key) != 0
        || ss_view_open(&a->v, c->audit_log, err, errlen) != 0) {
        if (!err[0])
            snprintf(err, errlen, "%s: AuditKey: cannot derive the chain key", c->path);
        ss_view_close(&a->v);
        free(a);
        return NULL;
    }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    return a;
}

void ss_audit_close(ss_audit *a)
{
    if (!a)
        return;
    if (a->locked)
        flock(a->v.hfd, LOCK_UN);
    ss_view_close(&a->v);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
}

/* Said once per episode: each failing message is also logged by its caller. */
static void complain(ss_audit *a, const char *what, int e)
{
    if (a->failing)
        return;
    a->failing = 1;
    ss_log(SS_LOG_ERR, "audit log %s: %s failed: %s; messages get OnInternalError until "
           "a record can be written (nothing partial is left in the file)",
           a->v.path, what, strerror(e));
}

static void release(ss_audit *a)
{
    if (a->locked)
        flock(a->v.hfd, LOCK_UN);
    a->locked = 0;
}

/* Take the lock and find where the chain stands. 0 or -1 (logged). */
static int acquire(ss_audit *a)
{
    int rc;
    while ((rc = flock(a->v.hfd, LOCK_EX)) != 0 && errno == EINTR)
        ;
    if (rc != 0) {
        complain(a, "locking the head file", errno);
        return -1;
    }
    char err[512] = "";
    if (ss_view_establish(&a->v, err, sizeof err) != 0) {
        if (!a->failing)
            ss_log(SS_LOG_ERR, "%s", err);
        a->failing = 1;
        flock(a->v.hfd, LOCK_UN);
        return -1;
    }
    a->locked = 1;
    a->durable = a->v.cur;
    a->durable_size = a->v.cur_size;
    return 0;
}

/* Write one line at the end; on any failure cut the file back so no part
 * of it stays, and leave the chain where it was. */
static int write_line(ss_audit *a, const char *rec, size_t len)
{
    ss_chain_head before = a->v.cur;
    ss_buf line = SS_BUF_INIT;
    int rc = ss_chain_line(a->v.key, &a->v.cur, rec, len, &line);
    if (rc == 0 && (rc = ss_write_all(a->v.fd, line.p, line.len)) != 0) {
        complain(a, "write", errno);
        if (ftruncate(a->v.fd, a->v.cur_size) != 0)
            a->v.torn = 1;       /* nothing more until it is cut back */
    }
    if (rc == 0)
        a->v.cur_size += (off_t)line.len;
    else
        a->v.cur = before;
    ss_buf_free(&line);
    return rc;
}

/* The records view.c asks for (a repaired tail, a chain started again)
 * go in first, so the trail itself says what happened. */
static int write_notes(ss_audit *a)
{
    char *note;
    while ((note = ss_view_take_note(&a->v)) != NULL) {
        int rc = write_line(a, note, strlen(note));
        free(note);
        if (rc != 0)
            return -1;
        a->written++;
    }
    return 0;
}

/* A sync failed: what it covered may not be on disk, so cut it all off
 * and fail every waiter of this epoch. */
static void sync_failed(ss_audit *a, int e)
{
    complain(a, "sync", e);
    if (ftruncate(a->v.fd, a->durable_size) != 0)
        a->v.valid = 0;
    a->v.cur = a->durable;
    a->v.cur_size = a->durable_size;
    a->written = a->synced;
    a->epoch++;
    release(a);
}

/* Sync everything written so far (the first waiter does it for all). */
static void sync_round(ss_audit *a)
{
    a->syncing = 1;
    unsigned long long upto = a->written;
    ss_headfile hf = { .h = a->v.cur, .ino = a->v.ino, .size = (unsigned long long)a->v.cur_size };
    off_t size = a->v.cur_size;
    pthread_mutex_unlock(&a->mu);
    int s = fdatasync(a->v.fd);
    if (s == 0)
        s = ss_headfile_write(a->v.hfd, &hf);
    int e = errno;
    pthread_mutex_lock(&a->mu);
    a->syncing = 0;
    if (s != 0) {
        sync_failed(a, e);
    } else {
        a->synced = upto;
        a->durable = hf.h;
        a->durable_size = size;
        if (a->failing)
            ss_log(SS_LOG_NOTICE, "audit log %s: writing again", a->v.path);
        a->failing = 0;
        if (a->written == a->synced)
            release(a);
    }
    pthread_cond_broadcast(&a->cv);
}

static int append_locked(ss_audit *a, const char *rec, size_t len)
{
    if (!a->locked && acquire(a) != 0)
        return -1;
    if (a->v.torn && ftruncate(a->v.fd, a->v.cur_size) == 0)
        a->v.torn = 0;
    if (a->v.torn || write_notes(a) != 0 || write_line(a, rec, len) != 0) {
        if (a->written == a->synced && !a->syncing)
            release(a);
        return -1;
    }
    unsigned long long mine = ++a->written;
    unsigned epoch = a->epoch;
    while (a->epoch == epoch && a->synced < mine) {
        if (a->syncing)
            pthread_cond_wait(&a->cv, &a->mu);
        else
            sync_round(a);
    }
    return a->epoch == epoch && a->synced >= mine ? 0 : -1;
}

int ss_audit_append(ss_audit *a, const char *record, size_t len)
{
    if (!a || !ss_chain_record_ok(record, len)) {
        ss_log(SS_LOG_ERR, "audit log: refused a record that is not one JSON object on one line");
        return -1;
    }
    pthread_mutex_lock(&a->mu);
    int rc = append_locked(a, record, len);
    pthread_mutex_unlock(&a->mu);
    return rc;
}

int ss_audit_write(const ss_config *c, const char *record, size_t len, char *err,
                   size_t errlen)
{
    ss_audit *a = ss_audit_open(c, err, errlen);
    if (!a)
        return -1;
    int rc = ss_audit_append(a, record, len);
    if (rc != 0)
        snprintf(err, errlen, "%s: could not write the audit record", c->audit_log);
    ss_audit_close(a);
    return rc;
}
