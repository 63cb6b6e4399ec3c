/* Which register may be in force (trust.h). */
#include "trust.h"
#include "base/buf.h"
#include "base/file.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#define STATE_MAX 4096

void ss_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32 && i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[64] = '\0';
}

void ss_utc_string(time_t t, char out[32])
{
    struct tm tm;
    if (t == 0 || !gmtime_r(&t, &tm))
        snprintf(out, 32, "never");
    else
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void state_path(ss_buf *b, const char *dir, const char *name)
{
    ss_buf_reset(b);
    ss_buf_printf(b, "%s/%s", dir, name);
}

int ss_lastgood_read(const char *state_dir, ss_lastgood *lg, char *why, size_t whylen)
{
    memset(lg, 0, sizeof *lg);
    if (!state_dir)
        return 0;
    ss_buf p = SS_BUF_INIT;
    state_path(&p, state_dir, "register.last-good");
    char *text = NULL;
    size_t len;
    int rc = ss_file_read(p.p, STATE_MAX, &text, &len, why, whylen);
    if (rc == 0) {
        const char *s = strstr(text, "\nserial "), *h = strstr(text, "\nsha256 ");
        if (s && h && sscanf(s + 8, "%llu", &lg->serial) == 1
            && sscanf(h + 8, "%64[0-9a-f]", lg->sha256) == 1 && strlen(lg->sha256) == 64)
            lg->known = 1;
        else
            rc = -1, snprintf(why, whylen, "%s is damaged; remove it to accept the "
                              "current register as the last good one", p.p);
    }
    free(text);
    ss_buf_free(&p);
    return rc < 0 ? -1 : 0;
}

static int check_signature(const ss_regtrust_opts *o, const ss_anchors *a, const char *name,
                           const char *data, size_t len, const unsigned char *sig,
                           size_t siglen, char *signer, char *why, size_t whylen)
{
    signer[0] = '\0';
    if (!sig) {
        if (!o->require_sig)
            return 0;
        snprintf(why, whylen, "it has no signature (%s.sig) and RegisterRequireSignature "
                 "is yes", name);
        return -1;
    }
    if (!a)
        return o->require_sig ? (snprintf(why, whylen, "no trust anchors to check its "
                                          "signature with"), -1) : 0;
    char detail[256];
    if (ss_sig_verify(a, data, len, sig, siglen, signer, detail, sizeof detail) != 0) {
        snprintf(why, whylen, "%s (%s.sig; anchors in %s)", detail, name,
                 o->anchors_dir ? o->anchors_dir : "?");
        return -1;
    }
    return 0;
}

/* %serial, %expires and an entry: a register that lacks one cannot be
 * ordered, cannot go stale, or would make everyone insecure at once. */
static int check_complete(const ss_register *r, char *why, size_t whylen)
{
    if (ss_register_serial(r) == 0)
        snprintf(why, whylen, "it has no %%serial, so it cannot be told from an older copy");
    else if (ss_register_expires(r) == 0)
        snprintf(why, whylen, "it has no %%expires; a register must say when it goes stale");
    else if (ss_register_live_count(r) == 0)
        snprintf(why, whylen, "it has no entries; an empty register would make every "
                 "recipient insecure");
    else
        return 0;
    return -1;
}

static int check_order(const ss_regtrust_opts *o, const ss_lastgood *lg, const ss_register *r,
                       const char *hash, char *why, size_t whylen)
{
    unsigned long long serial = ss_register_serial(r);
    int same = lg && lg->known && serial == lg->serial && strcmp(hash, lg->sha256) == 0;
    if (same)
        return 0;       /* the last good register itself: in force, stale or not */
    if (lg && lg->known && serial < lg->serial) {
        snprintf(why, whylen, "serial %llu is below the last good register's %llu "
                 "(a rollback)", serial, lg->serial);
        return -1;
    }
    if (lg && lg->known && serial == lg->serial) {
        snprintf(why, whylen, "serial %llu is the last good register's, but the contents "
                 "differ; publish a change under a higher serial", serial);
        return -1;
    }
    if (o->now >= ss_register_expires(r)) {
        char when[32];
        ss_utc_string(ss_register_expires(r), when);
        snprintf(why, whylen, "it expired at %s (serial %llu)", when, serial);
        return -1;
    }
    return 0;
}

int ss_regtrust_vet(const ss_regtrust_opts *o, const ss_anchors *a, const ss_lastgood *lg,
                    const char *name, const char *data, size_t len,
                    const unsigned char *sig, size_t siglen, ss_register **out,
                    char *signer, char *why, size_t whylen)
{
    *out = NULL;
    if (check_signature(o, a, name, data, len, sig, siglen, signer, why, whylen) != 0)
        return -1;
    ss_register *r = NULL;
    if (ss_register_parse(name, data, len, &r, why, whylen) != 0)
        return -1;
    char hash[65];
    ss_sha256_hex(data, len, hash);
    if (check_complete(r, why, whylen) != 0 || check_order(o, lg, r, hash, why, whylen) != 0) {
        ss_register_free(r);
        return -1;
    }
    *out = r;
    return 0;
}

/* PATH and PATH.sig into t; the signature is optional here (the vet
 * decides whether it was needed). */
static int read_pair(const char *path, ss_regtrust *t, char *why, size_t whylen)
{
    int rc = ss_file_read(path, SS_REG_MAX_BYTES, &t->bytes, &t->len, why, whylen);
    if (rc == 1)
        snprintf(why, whylen, "cannot read %s: %s", path, strerror(ENOENT));
    if (rc != 0)
        return -1;
    ss_buf p = SS_BUF_INIT;
    ss_buf_printf(&p, "%s.sig", path);
    char *sig = NULL;
    rc = ss_file_read(p.p, 1024, &sig, &t->siglen, why, whylen);
    ss_buf_free(&p);
    t->sig = (unsigned char *)sig;
    return rc < 0 ? -1 : 0;
}

static void clear(ss_regtrust *t)
{
    ss_register_free(t->reg);
    free(t->bytes);
    free(t->sig);
    memset(t, 0, sizeof *t);
}

static int try_file(const ss_regtrust_opts *o, const ss_anchors *a, const ss_lastgood *lg,
                    const char *path, ss_regtrust *t, char *why, size_t whylen)
{
    if (read_pair(path, t, why, whylen) != 0
        || ss_regtrust_vet(o, a, lg, path, t->bytes, t->len, t->sig, t->siglen, &t->reg,
                           t->signer, why, whylen) != 0) {
        clear(t);
        return -1;
    }
    ss_sha256_hex(t->bytes, t->len, t->sha256);
    return 0;
}

/* StateDir's copy, only if it is byte for byte the recorded last good. */
static int try_kept(const ss_regtrust_opts *o, const ss_anchors *a, const ss_lastgood *lg,
                    ss_regtrust *t, char *why, size_t whylen)
{
    ss_buf p = SS_BUF_INIT;
    state_path(&p, o->state_dir, "register.good");
    int rc = try_file(o, a, lg, p.p, t, why, whylen);
    if (rc == 0 && strcmp(t->sha256, lg->sha256) != 0) {
        snprintf(why, whylen, "%s is not the recorded last good register", p.p);
        clear(t);
        rc = -1;
    }
    ss_buf_free(&p);
    return rc;
}

int ss_regtrust_load(const ss_regtrust_opts *o, ss_regtrust *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char why[768], kept_why[768];
    ss_lastgood lg;
    ss_anchors *a = NULL;
    if (ss_lastgood_read(o->state_dir, &lg, why, sizeof why) != 0) {
        snprintf(err, errlen, "StateDir: %s", why);
        return -1;
    }
    if (o->anchors_dir && !(a = ss_anchors_load(o->anchors_dir, why, sizeof why))) {
        snprintf(err, errlen, "RegisterTrustAnchors: %s", why);
        return -1;
    }
    int rc = try_file(o, a, &lg, o->path, out, why, sizeof why);
    if (rc != 0 && lg.known) {
        rc = try_kept(o, a, &lg, out, kept_why, sizeof kept_why);
        if (rc == 0) {
            out->from_kept = 1;
            snprintf(out->refused, sizeof out->refused, "%s", why);
        }
    }
    if (rc != 0)
        snprintf(err, errlen, "register %s refused: %s", o->path, why);
    ss_anchors_free(a);
    return rc;
}

void ss_regtrust_free(ss_regtrust *t)
{
    clear(t);
}

/* A reload and an update may commit at once; the three files must
 * describe one register. */
static pthread_mutex_t commit_mu = PTHREAD_MUTEX_INITIALIZER;

static int commit(const char *state_dir, const ss_regtrust *t, char *why, size_t whylen);

int ss_regtrust_commit(const char *state_dir, const ss_regtrust *t, char *why, size_t whylen)
{
    if (!state_dir || t->from_kept)
        return 0;
    pthread_mutex_lock(&commit_mu);
    int rc = commit(state_dir, t, why, whylen);
    pthread_mutex_unlock(&commit_mu);
    return rc;
}

static int commit(const char *state_dir, const ss_regtrust *t, char *why, size_t whylen)
{
    ss_lastgood lg;
    /* Already remembered, or overtaken by a newer one committed meanwhile:
     * the last good serial never goes down. */
    if (ss_lastgood_read(state_dir, &lg, why, whylen) == 0 && lg.known
        && (lg.serial > ss_register_serial(t->reg)
            || (lg.serial == ss_register_serial(t->reg) && !strcmp(lg.sha256, t->sha256))))
        return 0;
    ss_buf p = SS_BUF_INIT, body = SS_BUF_INIT;
    int rc;
    state_path(&p, state_dir, "register.good.sig");
    if (t->sig)
        rc = ss_file_replace(p.p, t->sig, t->siglen, 0600, why, whylen);
    else
        rc = unlink(p.p) == 0 || errno == ENOENT ? 0
             : (snprintf(why, whylen, "cannot remove %s: %s", p.p, strerror(errno)), -1);
    state_path(&p, state_dir, "register.good");
    if (rc == 0)
        rc = ss_file_replace(p.p, t->bytes, t->len, 0600, why, whylen);
    ss_buf_printf(&body, "# The last register safeshare took into force. Remove this file "
                  "only to accept a lower serial on purpose.\nserial %llu\nsha256 %s\n",
                  ss_register_serial(t->reg), t->sha256);
    state_path(&p, state_dir, "register.last-good");
    if (rc == 0)
        rc = ss_file_replace(p.p, body.p, body.len, 0600, why, whylen);
    ss_buf_free(&p);
    ss_buf_free(&body);
    return rc;
}
