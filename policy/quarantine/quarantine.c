/* The quarantine store (quarantine.h, safeshare-quarantine(5)).
 *
 * Three rules carry the guarantees:
 *  - a file is written under a temporary name, fsynced, then given its
 *    real name, and the directory fsynced: a name never shows a partial
 *    file;
 *  - REF.json, which makes an entry exist, is named only after REF.msg is
 *    on disk; purge removes it first;
 *  - whoever writes holds an exclusive flock on the entry's REF.msg (put
 *    from creation, set_state and purge for their read-check-write), so
 *    decisions are serialised per entry and a lock that is free means its
 *    writer is gone (the kernel drops flocks of dead processes). */
#include "quarantine_int.h"
#include "certs/seal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#define RECORD_MAX (1u << 20)   /* a record larger than this is damaged */

static ss_qerr fail(char *err, size_t errlen, ss_qerr e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static ss_qerr fail(char *err, size_t errlen, ss_qerr e, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return e;
}

/* ---- files ---- */

static int open_dir(const char *dir)
{
    return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int lock_fd(int fd, int op)
{
    int r;
    while ((r = flock(fd, op)) != 0 && errno == EINTR)
        ;
    return r;
}

/* A new, locked, 0600 file ".tmp-REF-RANDOM" in dirfd. */
static int open_temp(int dirfd, const char *ref, char name[64])
{
    for (int tries = 0; tries < 8; tries++) {
        unsigned char r[8];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
            return -1;
        snprintf(name, 64, ".tmp-%s-%02x%02x%02x%02x%02x%02x%02x%02x", ref,
                 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
        int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd >= 0 && lock_fd(fd, LOCK_EX) != 0) {
            unlinkat(dirfd, name, 0);
            close(fd);
            return -1;
        }
        return fd;
    }
    return -1;
}

static void entry_name(char out[48], const char *ref, const char *ext)
{
    snprintf(out, 48, "%s.%s", ref, ext);
}

static int plaintext_ok;

void ss_quarantine_plaintext_ok(int yes)
{
    plaintext_ok = yes;
}

/* Read and parse REF.json. */

/* What a sealed read's answer means for an entry. */
static ss_qerr from_seal(int r)
{
    switch (r) {
    case SS_SEAL_OK: return SS_Q_OK;
    case SS_SEAL_NO_KEY: return SS_Q_NO_KEY;
    case SS_SEAL_DAMAGED: return SS_Q_DAMAGED;
    default: return SS_Q_UNREADABLE;
    }
}
/* A record that reads, but must not be believed: written in clear into
 * an encrypted store, or older than the ledger says. lg may be NULL (it
 * is loaded for this one record). */
static ss_qerr distrust(int dirfd, const unsigned char *aes, const ss_qledger *lg, int sealed,
                        const ss_qentry *e, char *err, size_t errlen)
{
    if (!aes)
        return SS_Q_OK;
    if (!sealed && !plaintext_ok)
        return fail(err, errlen, SS_Q_DAMAGED, "%s: the record is in clear but QuarantineKey "
                    "is set: refused (QuarantineAllowPlaintext yes reads a store from before "
                    "the key)", e->reference);
    ss_qledger own;
    if (!lg && ss_qledger_load(dirfd, aes, &own) != 0)
        return fail(err, errlen, SS_Q_UNREADABLE, "%s: the store's ledger is unreadable: %s",
                    e->reference, strerror(errno));
    unsigned long long max = ss_qledger_max(lg ? lg : &own, e->reference);
    if (!lg)
        ss_qledger_free(&own);
    if (e->counter < max)
        return fail(err, errlen, SS_Q_DAMAGED, "%s: the record is older than the store's "
                    "ledger says (%llu, not %llu): an earlier copy was put back; refused",
                    e->reference, e->counter, max);
    return SS_Q_OK;
}

static ss_qerr read_record(int dirfd, const char *ref, const unsigned char *aes,
                           const ss_qledger *lg, ss_qentry *e, char *err, size_t errlen)
{
    char name[48];
    entry_name(name, ref, "json");
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? fail(err, errlen, SS_Q_UNKNOWN_REF, "%s: unknown reference", ref)
                               : fail(err, errlen, SS_Q_UNREADABLE, "%s: store unreadable: %s",
                                      ref, strerror(errno));
    ss_buf b = SS_BUF_INIT;
    int sealed = 0;
    ss_qerr r = from_seal(ss_seal_read(fd, aes, 'J', ref, -1, RECORD_MAX, &b, &sealed));
    close(fd);
    if (r == SS_Q_OK && (ss_qrec_parse(b.p, b.len, e) != 0 || strcmp(e->reference, ref) != 0)) {
        ss_qentry_free(e);
        r = SS_Q_DAMAGED;
    }
    ss_buf_free(&b);
    if (r != SS_Q_OK)
        return fail(err, errlen, r, "%s: %s", ref, ss_qerr_message(r));
    if ((r = distrust(dirfd, aes, lg, sealed, e, err, errlen)) != SS_Q_OK)
        ss_qentry_free(e);
    return r;
}

/* Write the record of e to a temp file, fsynced. fd stays open (locked). */
static int write_record(int dirfd, const ss_qentry *e, const unsigned char *aes, char tmp[64])
{
    int fd = open_temp(dirfd, e->reference, tmp);
    if (fd < 0)
        return -1;
    ss_buf b = SS_BUF_INIT;
    ss_qrec_build(&b, e);
    ss_seal_writer w;
    int rc = ss_seal_writer_open(&w, fd, aes, 'J', e->reference);
    if (rc == 0)
        rc = ss_seal_write(&w, b.p, b.len);
    if (ss_seal_writer_close(&w) != 0)
        rc = -1;
    ss_buf_free(&b);
    if (rc != 0 || fsync(fd) != 0) {
        unlinkat(dirfd, tmp, 0);
        close(fd);
        return -1;
    }
    return fd;
}

/* Key from the caller's secret, or none. */
static ss_qerr derive(const unsigned char *key, size_t keylen, unsigned char aes[SS_SEAL_AES],
                      const unsigned char **use, char *err, size_t errlen)
{
    *use = NULL;
    if (!key || keylen == 0)
        return SS_Q_OK;
    if (ss_seal_derive(key, keylen, aes) != 0)
        return fail(err, errlen, SS_Q_INVALID, "the quarantine key must be at least 32 bytes");
    *use = aes;
    return SS_Q_OK;
}

ss_qerr ss_quarantine_init(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return fail(err, errlen, SS_Q_UNREADABLE, "%s: cannot create the quarantine directory: %s",
                    dir, strerror(errno));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(err, errlen, SS_Q_UNREADABLE, "%s: not a directory", dir);
    if (st.st_mode & 0077)
        return fail(err, errlen, SS_Q_UNREADABLE,
                    "%s: the quarantine directory must not be reachable by group or others (chmod 700)",
                    dir);
    return SS_Q_OK;
}

/* ---- put ---- */

/* Copy the message into the writer, hashing the plaintext. */
static int copy_message(const ss_qput *in, ss_seal_writer *w, unsigned char sha[32],
                        unsigned long long *size)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 ? 0 : -1;
    *size = 0;
    if (rc == 0 && in->msg) {
        rc = EVP_DigestUpdate(md, in->msg, in->msg_len) == 1 ? ss_seal_write(w, in->msg, in->msg_len) : -1;
        *size = in->msg_len;
    } else if (rc == 0) {
        char *chunk = ss_xmalloc(65536);
        for (;;) {
            ssize_t r = read(in->msg_fd, chunk, 65536);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                rc = r < 0 ? -1 : 0;
                break;
            }
            if (EVP_DigestUpdate(md, chunk, (size_t)r) != 1 || ss_seal_write(w, chunk, (size_t)r) != 0) {
                rc = -1;
                break;
            }
            *size += (unsigned long long)r;
        }
        free(chunk);
    }
    unsigned int n = 0;
    if (rc == 0 && (EVP_DigestFinal_ex(md, sha, &n) != 1 || n != 32))
        rc = -1;
    EVP_MD_CTX_free(md);
    return rc;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* REF.msg: written, fsynced, linked (link refuses an existing name, so a
 * reference is never overwritten). Returns the locked fd. */
static int put_message(int dirfd, const ss_qput *in, const unsigned char *aes, ss_qentry *e)
{
    char tmp[64], name[48];
    int fd = open_temp(dirfd, in->reference, tmp);
    if (fd < 0)
        return -1;
    ss_seal_writer w;
    unsigned char sha[32];
    int rc = ss_seal_writer_open(&w, fd, aes, 'M', in->reference);
    if (rc == 0)
        rc = copy_message(in, &w, sha, &e->size);
    if (ss_seal_writer_close(&w) != 0)
        rc = -1;
    if (rc == 0)
        rc = fsync(fd);
    entry_name(name, in->reference, "msg");
    if (rc == 0 && linkat(dirfd, tmp, dirfd, name, 0) != 0)
        rc = errno == EEXIST ? -2 : -1;
    int saved = errno;
    unlinkat(dirfd, tmp, 0);
    if (rc != 0) {
        close(fd);
        errno = saved;
        return rc;
    }
    hex(sha, 32, e->sha256);
    return fd;
}

static ss_qerr put_check(const ss_qput *in, char *err, size_t errlen)
{
    if (!in || !ss_reference_ok(in->reference))
        return fail(err, errlen, SS_Q_INVALID, "not a valid reference");
    size_t text = (in->summary ? strlen(in->summary) : 0) + (in->sender ? strlen(in->sender) : 0);
    for (size_t i = 0; in->recipients && i < in->nrecipients; i++)
        text += strlen(in->recipients[i]) + 1;
    /* JSON escaping can make a byte six; the record must stay readable. */
    if (6 * text + (in->meta_json ? strlen(in->meta_json) : 0) > RECORD_MAX / 2)
        return fail(err, errlen, SS_Q_INVALID, "%s: the metadata is too large", in->reference);
    if (in->meta_json && !ss_qrec_is_object(in->meta_json))
        return fail(err, errlen, SS_Q_INVALID, "%s: the metadata is not one JSON object",
                    in->reference);
    if (!in->msg && in->msg_fd < 0)
        return fail(err, errlen, SS_Q_INVALID, "%s: no message given", in->reference);
    return SS_Q_OK;
}

/* The first record of an entry: borrowed strings, nothing to free. */
static void first_record(const ss_qput *in, int sealed, ss_qevent *ev, ss_qentry *e)
{
    time_t now = in->now ? in->now : time(NULL);
    snprintf(e->reference, sizeof e->reference, "%s", in->reference);
    e->state = SS_QS_HELD;
    e->received = e->changed = now;
    e->sender = (char *)(in->sender ? in->sender : "");
    e->recipients = (char **)in->recipients;
    e->nrecipients = in->recipients ? in->nrecipients : 0;
    e->summary = (char *)(in->summary ? in->summary : "");
    e->encrypted = sealed;
    e->counter = 1;
    e->meta_json = (char *)in->meta_json;
    *ev = (ss_qevent){ SS_QS_HELD, now, (char *)"safeshare-milter", e->summary };
    e->history = ev;
    e->nhistory = 1;
}

static ss_qerr put_in(int dirfd, const ss_qput *in, const unsigned char *aes,
                      char *err, size_t errlen)
{
    ss_qentry e;
    ss_qevent ev;
    memset(&e, 0, sizeof e);
    first_record(in, aes != NULL, &ev, &e);
    char msgname[48], jsname[48], tmp[64];
    entry_name(msgname, in->reference, "msg");
    entry_name(jsname, in->reference, "json");
    int mfd = put_message(dirfd, in, aes, &e);
    if (mfd == -2)
        return fail(err, errlen, SS_Q_EXISTS, "%s: reference already in use", in->reference);
    if (mfd < 0)
        return fail(err, errlen, SS_Q_WRITE_FAILED, "%s: could not store the message: %s",
                    in->reference, strerror(errno));
    /* The message is named and on disk before the record can name it. */
    int jfd = fsync(dirfd) == 0 ? write_record(dirfd, &e, aes, tmp) : -1;
    int rc = jfd < 0 ? -1 : linkat(dirfd, tmp, dirfd, jsname, 0);
    int saved = errno;
    if (jfd >= 0) {
        unlinkat(dirfd, tmp, 0);
        close(jfd);
    }
    if (rc == 0 && fsync(dirfd) != 0) {
        saved = errno;
        unlinkat(dirfd, jsname, 0);
        rc = -1;
    }
    if (rc != 0) {
        unlinkat(dirfd, msgname, 0);
        fsync(dirfd);
    } else if (aes) {
        ss_qledger_add(dirfd, aes, &e);
    }
    close(mfd);
    if (rc != 0)
        return fail(err, errlen, SS_Q_WRITE_FAILED, "%s: could not store the record: %s",
                    in->reference, strerror(saved));
    return SS_Q_OK;
}

ss_qerr ss_quarantine_put(const char *dir, const ss_qput *in,
                          const unsigned char *key, size_t keylen,
                          char *err, size_t errlen)
{
    unsigned char aes[SS_SEAL_AES];
    const unsigned char *use;
    ss_qerr r = put_check(in, err, errlen);
    if (r == SS_Q_OK)
        r = derive(key, keylen, aes, &use, err, errlen);
    if (r != SS_Q_OK)
        return r;
    int dirfd = open_dir(dir);
    struct stat st;
    if (dirfd < 0 || fstat(dirfd, &st) != 0 || (st.st_mode & 0077)) {
        r = fail(err, errlen, SS_Q_WRITE_FAILED, "%s: quarantine directory %s: %s", in->reference,
                 dir, dirfd < 0 ? strerror(errno) : "reachable by group or others (chmod 700)");
    } else {
        r = put_in(dirfd, in, use, err, errlen);
    }
    if (dirfd >= 0)
        close(dirfd);
    OPENSSL_cleanse(aes, sizeof aes);
    return r;
}

/* ---- get ---- */

static ss_qerr read_message(int dirfd, const ss_qentry *e, const unsigned char *aes, ss_buf *msg)
{
    if (aes && !e->encrypted && !plaintext_ok)
        return SS_Q_DAMAGED;               /* held in clear in an encrypted store */
    char name[48];
    entry_name(name, e->reference, "msg");
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? SS_Q_DAMAGED : SS_Q_UNREADABLE;
    size_t max = e->size > (unsigned long long)((size_t)-1 / 4) ? (size_t)-1 / 4 : (size_t)e->size;
    ss_qerr r = from_seal(ss_seal_read(fd, aes, 'M', e->reference, e->encrypted, max, msg, NULL));
    close(fd);
    if (r != SS_Q_OK)
        return r;
    unsigned char sha[32];
    char h[65];
    unsigned int n = 0;
    if (EVP_Digest(msg->p, msg->len, sha, &n, EVP_sha256(), NULL) != 1)
        return SS_Q_UNREADABLE;
    hex(sha, 32, h);
    if (msg->len != e->size || strcmp(h, e->sha256) != 0)
        return SS_Q_DAMAGED;
    return SS_Q_OK;
}

ss_qerr ss_quarantine_get(const char *dir, const char *ref,
                          const unsigned char *key, size_t keylen,
                          ss_qentry *e, ss_buf *msg, char *err, size_t errlen)
{
    unsigned char aes[SS_SEAL_AES];
    const unsigned char *use;
    memset(e, 0, sizeof *e);
    if (msg)
        ss_buf_reset(msg);
    if (!ss_reference_ok(ref))
        return fail(err, errlen, SS_Q_UNKNOWN_REF, "unknown reference");
    ss_qerr r = derive(key, keylen, aes, &use, err, errlen);
    if (r != SS_Q_OK)
        return r;
    int dirfd = open_dir(dir);
    if (dirfd < 0)
        r = fail(err, errlen, SS_Q_UNREADABLE, "%s: store unreadable: %s", dir, strerror(errno));
    else
        r = read_record(dirfd, ref, use, NULL, e, err, errlen);
    if (r == SS_Q_OK && msg && (r = read_message(dirfd, e, use, msg)) != SS_Q_OK) {
        fail(err, errlen, r, "%s: %s", ref, ss_qerr_message(r));
        ss_qentry_free(e);
        ss_buf_reset(msg);
    }
    if (dirfd >= 0)
        close(dirfd);
    OPENSSL_cleanse(aes, sizeof aes);
    return r;
}

/* ---- list ---- */

static int passes(const ss_qfilter *f, const ss_qentry *e)
{
    if (!f)
        return 1;
    return (f->any_state || e->state == f->state) &&
           (!f->received_before || e->received < f->received_before) &&
           (!f->received_after || e->received >= f->received_after) &&
           (!f->sender || !strcasecmp(f->sender, e->sender));
}

static int by_age(const void *a, const void *b)
{
    const ss_qentry *x = a, *y = b;
    if (x->received != y->received)
        return x->received < y->received ? -1 : 1;
    return strcmp(x->reference, y->reference);
}

typedef struct {
    ss_qentry *v;
    size_t n, cap;
    size_t unreadable;
    ss_qerr worst;
} entries;

/* The reference a directory entry names, if it is "REF.json". */
static int json_ref(const char *name, char ref[32])
{
    size_t n = strlen(name);
    if (n < 6 || n - 5 > 31 || strcmp(name + n - 5, ".json") != 0)
        return 0;
    memcpy(ref, name, n - 5);
    ref[n - 5] = '\0';
    return ss_reference_ok(ref);
}

static ss_qerr collect(int dirfd, const ss_qfilter *f, const unsigned char *aes,
                       const ss_qledger *lg, entries *out, char *err, size_t errlen)
{
    int d2 = dup(dirfd);
    DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
    if (!d) {
        if (d2 >= 0)
            close(d2);
        return fail(err, errlen, SS_Q_UNREADABLE, "store unreadable: %s", strerror(errno));
    }
    struct dirent *de;
    char ref[32];
    while ((de = readdir(d)) != NULL) {
        if (!json_ref(de->d_name, ref))
            continue;
        ss_qentry e;
        char why[160];
        ss_qerr r = read_record(dirfd, ref, aes, lg, &e, why, sizeof why);
        if (r == SS_Q_UNKNOWN_REF)
            continue;   /* purged while we walked */
        if (r != SS_Q_OK) {
            if (out->unreadable++ == 0) {
                out->worst = r;
                fail(err, errlen, r, "%s", why);
            }
            continue;
        }
        if (!passes(f, &e)) {
            ss_qentry_free(&e);
            continue;
        }
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 16;
            out->v = ss_xrealloc(out->v, out->cap * sizeof *out->v);
        }
        out->v[out->n++] = e;
    }
    closedir(d);
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, by_age);
    return SS_Q_OK;
}

static void entries_free(entries *es)
{
    for (size_t i = 0; i < es->n; i++)
        ss_qentry_free(&es->v[i]);
    free(es->v);
}

/* What list and purge share: the store's key derived, its directory open,
 * and the complete entries that pass f collected, oldest first. */
typedef struct {
    unsigned char aes[SS_SEAL_AES];
    const unsigned char *use;
    int dirfd;
    ss_qledger lg;               /* read once for the whole walk */
    entries es;
} walk;

static ss_qerr walk_open(walk *w, const char *dir, const ss_qfilter *f,
                         const unsigned char *key, size_t keylen, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->dirfd = -1;
    ss_qerr r = derive(key, keylen, w->aes, &w->use, err, errlen);
    if (r != SS_Q_OK)
        return r;
    w->dirfd = open_dir(dir);
    if (w->dirfd < 0)
        return fail(err, errlen, SS_Q_UNREADABLE, "%s: store unreadable: %s", dir, strerror(errno));
    if (w->use && ss_qledger_load(w->dirfd, w->use, &w->lg) != 0)
        return fail(err, errlen, SS_Q_UNREADABLE, "%s: the store's ledger is unreadable: %s",
                    dir, strerror(errno));
    return collect(w->dirfd, f, w->use, &w->lg, &w->es, err, errlen);
}

/* Free the walk; an entry that could not be read turns success into its
 * error, so no caller mistakes a partly unreadable store for a whole one. */
static ss_qerr walk_close(walk *w, ss_qerr r)
{
    if (r == SS_Q_OK && w->es.unreadable)
        r = w->es.worst;
    entries_free(&w->es);
    ss_qledger_free(&w->lg);
    if (w->dirfd >= 0)
        close(w->dirfd);
    OPENSSL_cleanse(w->aes, sizeof w->aes);
    return r;
}

ss_qerr ss_quarantine_list(const char *dir, const ss_qfilter *f,
                           const unsigned char *key, size_t keylen,
                           ss_qlist_cb cb, void *arg, size_t *unreadable,
                           char *err, size_t errlen)
{
    walk w;
    ss_qerr r = walk_open(&w, dir, f, key, keylen, err, errlen);
    for (size_t i = 0; r == SS_Q_OK && i < w.es.n; i++)
        if (cb && cb(&w.es.v[i], arg) != 0)
            break;
    if (unreadable)
        *unreadable = w.es.unreadable;
    return walk_close(&w, r);
}

/* ---- decisions ---- */

static int move_allowed(ss_qstate from, ss_qstate to)
{
    return (from == SS_QS_HELD && (to == SS_QS_RELEASED || to == SS_QS_REFUSED)) ||
           (from == SS_QS_RELEASED && to == SS_QS_DELIVERED) ||
           (from == SS_QS_DELIVERED && to == SS_QS_RELEASED);   /* use given back */
}

static ss_qerr wrong_state(const ss_qentry *e, char *err, size_t errlen)
{
    ss_qerr r = e->state == SS_QS_RELEASED ? SS_Q_ALREADY_RELEASED
              : e->state == SS_QS_REFUSED ? SS_Q_ALREADY_REFUSED
              : e->state == SS_QS_DELIVERED ? SS_Q_ALREADY_DELIVERED : SS_Q_NOT_RELEASED;
    const ss_qevent *last = &e->history[e->nhistory - 1];
    char at[32];
    ss_qrec_time(last->time, at);
    return fail(err, errlen, r, "%s: %s (by %s at %s)", e->reference, ss_qerr_message(r),
                last->by, at);
}

/* Lock the entry by its REF.msg, which is never replaced. */
static int lock_entry(int dirfd, const char *ref)
{
    char name[48];
    entry_name(name, ref, "msg");
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0 && lock_fd(fd, LOCK_EX) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Under the lock: the new record replaces the old one by rename. */
static ss_qerr replace_record(int dirfd, ss_qentry *e, const unsigned char *aes,
                              char *err, size_t errlen)
{
    char tmp[64], name[48];
    entry_name(name, e->reference, "json");
    e->counter++;
    int fd = write_record(dirfd, e, aes, tmp);
    int rc = fd < 0 ? -1 : renameat(dirfd, tmp, dirfd, name);
    if (rc != 0 && fd >= 0)
        unlinkat(dirfd, tmp, 0);
    if (rc == 0)
        rc = fsync(dirfd);
    if (fd >= 0)
        close(fd);
    if (rc != 0)
        return fail(err, errlen, SS_Q_WRITE_FAILED, "%s: could not record the decision: %s",
                    e->reference, strerror(errno));
    if (aes)                               /* after: a crash leaves the record ahead */
        ss_qledger_add(dirfd, aes, e);
    return SS_Q_OK;
}

/* The record read, changed by fn and replaced, under the entry lock. */
typedef ss_qerr (*change_fn)(ss_qentry *e, const void *arg, char *err, size_t errlen);

static ss_qerr change_locked(const char *dir, const char *ref, const unsigned char *key,
                             size_t keylen, change_fn fn, const void *arg, ss_qentry *out,
                             char *err, size_t errlen)
{
    unsigned char aes[SS_SEAL_AES];
    const unsigned char *use;
    ss_qerr r = derive(key, keylen, aes, &use, err, errlen);
    if (r != SS_Q_OK)
        return r;
    ss_qentry e;
    memset(&e, 0, sizeof e);
    int dirfd = open_dir(dir);
    int lk = dirfd >= 0 ? lock_entry(dirfd, ref) : -1;
    if (dirfd < 0)
        r = fail(err, errlen, SS_Q_UNREADABLE, "%s: store unreadable: %s", dir, strerror(errno));
    else if (lk < 0)
        r = errno == ENOENT ? fail(err, errlen, SS_Q_UNKNOWN_REF, "%s: unknown reference", ref)
                            : fail(err, errlen, SS_Q_UNREADABLE, "%s: store unreadable: %s", ref,
                                   strerror(errno));
    else if ((r = read_record(dirfd, ref, use, NULL, &e, err, errlen)) == SS_Q_OK
             && (r = fn(&e, arg, err, errlen)) == SS_Q_OK)
        r = replace_record(dirfd, &e, use, err, errlen);
    if (lk >= 0)
        close(lk);
    if (dirfd >= 0)
        close(dirfd);
    if (r == SS_Q_OK && out)
        *out = e;
    else
        ss_qentry_free(&e);
    OPENSSL_cleanse(aes, sizeof aes);
    return r;
}

typedef struct {
    ss_qstate from, to;
    const char *by, *reason;
    time_t now;
} move_arg;

/* A new record with one more event; only a full, fsynced rename changes
 * what readers see. */
static ss_qerr move(ss_qentry *e, const void *arg, char *err, size_t errlen)
{
    const move_arg *m = arg;
    if (e->state != m->from)
        return wrong_state(e, err, errlen);
    e->history = ss_xrealloc(e->history, (e->nhistory + 1) * sizeof *e->history);
    e->history[e->nhistory++] = (ss_qevent){ m->to, m->now, ss_xstrdup(m->by),
                                             ss_xstrdup(m->reason) };
    e->state = m->to;
    e->changed = m->now;
    return SS_Q_OK;
}

ss_qerr ss_quarantine_set_state(const char *dir, const char *ref,
                                ss_qstate from, ss_qstate to,
                                const char *by, const char *reason, time_t now,
                                const unsigned char *key, size_t keylen,
                                ss_qentry *out, char *err, size_t errlen)
{
    if (!ss_reference_ok(ref))
        return fail(err, errlen, SS_Q_UNKNOWN_REF, "unknown reference");
    if (!move_allowed(from, to))
        return fail(err, errlen, SS_Q_INVALID, "%s: cannot go from %s to %s", ref,
                    ss_qstate_name(from), ss_qstate_name(to));
    if (!by || !*by || !reason || !*reason)
        return fail(err, errlen, SS_Q_INVALID, "%s: a decision needs who made it and a reason", ref);
    if (strlen(by) > 256 || strlen(reason) > 4096)
        return fail(err, errlen, SS_Q_INVALID, "%s: the reviewer or reason is too long", ref);
    move_arg m = { from, to, by, reason, now ? now : time(NULL) };
    return change_locked(dir, ref, key, keylen, move, &m, out, err, errlen);
}

typedef struct {
    const char *text, *urgency;
    time_t now;
} purpose_arg;

static ss_qerr set_purpose(ss_qentry *e, const void *arg, char *err, size_t errlen)
{
    const purpose_arg *p = arg;
    if (e->state != SS_QS_HELD)
        return wrong_state(e, err, errlen);
    free(e->purpose);
    free(e->urgency);
    e->purpose = ss_xstrdup(p->text);
    e->urgency = ss_xstrdup(p->urgency);
    e->purpose_time = p->now;
    return SS_Q_OK;
}

ss_qerr ss_quarantine_set_purpose(const char *dir, const char *ref, const char *text,
                                  const char *urgency, time_t now,
                                  const unsigned char *key, size_t keylen,
                                  char *err, size_t errlen)
{
    if (!ss_reference_ok(ref))
        return fail(err, errlen, SS_Q_UNKNOWN_REF, "unknown reference");
    if (!text || !*text || strlen(text) > 2000 || ss_qurgency_ok(urgency) != 0)
        return fail(err, errlen, SS_Q_INVALID, "%s: a purpose needs words (at most 2000 "
                    "bytes) and an urgency: urgent, soon or routine", ref);
    purpose_arg a = { text, urgency, now ? now : time(NULL) };
    return change_locked(dir, ref, key, keylen, set_purpose, &a, NULL, err, errlen);
}

ss_qerr ss_quarantine_consume_token(const char *dir, const char *ref,
                                    const unsigned char *key, size_t keylen,
                                    char *err, size_t errlen)
{
    return ss_quarantine_set_state(dir, ref, SS_QS_RELEASED, SS_QS_DELIVERED, "safeshare-milter",
                                   "release token used", 0, key, keylen, NULL, err, errlen);
}

ss_qerr ss_quarantine_return_token(const char *dir, const char *ref,
                                   const unsigned char *key, size_t keylen,
                                   char *err, size_t errlen)
{
    return ss_quarantine_set_state(dir, ref, SS_QS_DELIVERED, SS_QS_RELEASED, "safeshare-milter",
                                   "release token given back: its audit record could not be "
                                   "written, so the MTA was told to try again", 0, key, keylen,
                                   NULL, err, errlen);
}

/* ---- purge and fsck ---- */

/* Under the entry's lock, check again (it may have been decided since the
 * walk), then remove the record first so the entry leaves list at once. */
static int purge_one(int dirfd, const ss_qentry *seen, time_t older_than, unsigned states,
                     const unsigned char *aes, const ss_qledger *lg)
{
    int lk = lock_entry(dirfd, seen->reference);
    if (lk < 0)
        return 0;
    ss_qentry e;
    int removed = 0;
    if (read_record(dirfd, seen->reference, aes, lg, &e, NULL, 0) == SS_Q_OK) {
        char name[48];
        entry_name(name, e.reference, "json");
        if ((states & (1u << e.state)) && e.changed < older_than &&
            unlinkat(dirfd, name, 0) == 0) {
            fsync(dirfd);
            entry_name(name, e.reference, "msg");
            unlinkat(dirfd, name, 0);
            fsync(dirfd);
            removed = 1;
        }
        ss_qentry_free(&e);
    }
    close(lk);
    return removed;
}

ss_qerr ss_quarantine_purge(const char *dir, time_t older_than, unsigned states,
                            const unsigned char *key, size_t keylen,
                            ss_qlist_cb cb, void *arg, size_t *removed,
                            char *err, size_t errlen)
{
    if (removed)
        *removed = 0;
    if (states == 0)
        states = 1u << SS_QS_REFUSED | 1u << SS_QS_DELIVERED;
    walk w;
    ss_qerr r = walk_open(&w, dir, NULL, key, keylen, err, errlen);
    for (size_t i = 0; r == SS_Q_OK && i < w.es.n; i++) {
        const ss_qentry *e = &w.es.v[i];
        if (!(states & (1u << e->state)) || e->changed >= older_than)
            continue;
        if (purge_one(w.dirfd, e, older_than, states, w.use, &w.lg)) {
            if (removed)
                ++*removed;
            if (cb)
                cb(e, arg);
        }
    }
    return walk_close(&w, r);
}

/* A leftover is a temp file, or REF.msg with no REF.json. */
static int leftover(int dirfd, const char *name)
{
    if (!strncmp(name, ".tmp-", 5))
        return 1;
    size_t n = strlen(name);
    char ref[32], js[48];
    if (n < 5 || n - 4 > 31 || strcmp(name + n - 4, ".msg") != 0)
        return 0;
    memcpy(ref, name, n - 4);
    ref[n - 4] = '\0';
    if (!ss_reference_ok(ref))
        return 0;
    entry_name(js, ref, "json");
    return faccessat(dirfd, js, F_OK, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT;
}

/* Remove name if no live writer holds it and it is still a leftover once
 * we hold its lock (a put may have named its record meanwhile). */
static int sweep_one(int dirfd, const char *name, time_t cutoff)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
        st.st_mtime > cutoff)
        return 0;
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    int gone = 0;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 && leftover(dirfd, name))
        gone = unlinkat(dirfd, name, 0) == 0;
    close(fd);
    return gone;
}

ss_qerr ss_quarantine_fsck(const char *dir, time_t grace, ss_qfsck_cb cb,
                           void *arg, size_t *removed, char *err, size_t errlen)
{
    size_t count = 0;
    int dirfd = open_dir(dir);
    DIR *d = dirfd >= 0 ? fdopendir(dup(dirfd)) : NULL;
    if (!d) {
        if (dirfd >= 0)
            close(dirfd);
        return fail(err, errlen, SS_Q_UNREADABLE, "%s: store unreadable: %s", dir, strerror(errno));
    }
    time_t cutoff = time(NULL) - grace;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!leftover(dirfd, de->d_name) || !sweep_one(dirfd, de->d_name, cutoff))
            continue;
        count++;
        if (cb)
            cb(de->d_name, arg);
    }
    closedir(d);
    if (count)
        fsync(dirfd);
    close(dirfd);
    if (removed)
        *removed = count;
    return SS_Q_OK;
}
