/* Register updates over HTTPS with libcurl (fetch.h). */
#include "fetch.h"
#include "base/buf.h"
#include "base/file.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIG_MAX 1024
#define VALIDATOR_MAX 256

typedef struct {
    ss_buf body;
    size_t max;
    int too_big;
    char etag[VALIDATOR_MAX];
    char modified[VALIDATOR_MAX];
} transfer;

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    transfer *t = arg;
    size_t len = size * n;
    if (t->body.len + len > t->max) {
        t->too_big = 1;
        return 0;               /* makes libcurl stop with CURLE_WRITE_ERROR */
    }
    ss_buf_add(&t->body, p, len);
    return len;
}

/* "ETag: x" and "Last-Modified: x", kept verbatim for the next request. */
static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    transfer *t = arg;
    size_t len = size * n;
    static const struct { const char *name; size_t off; } want[] = {
        { "etag:", offsetof(transfer, etag) },
        { "last-modified:", offsetof(transfer, modified) },
    };
    for (size_t i = 0; i < 2; i++) {
        size_t k = strlen(want[i].name);
        if (len <= k || strncasecmp(p, want[i].name, k) != 0)
            continue;
        const char *v = p + k, *end = p + len;
        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
            end--;
        if (end - v < VALIDATOR_MAX)
            snprintf((char *)t + want[i].off, VALIDATOR_MAX, "%.*s", (int)(end - v), v);
    }
    return len;
}

static CURL *handle(const ss_fetch_opts *f, const char *url, transfer *t)
{
    CURL *c = curl_easy_init();
    if (!c)
        return NULL;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (f->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, f->ca_file);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, f->timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, f->timeout < 10 ? f->timeout : 10L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->max);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "safeshare-register-fetch/1");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
    return c;
}

/* GET url (conditionally when etag/modified are given). Returns the HTTP
 * status, or -1 with why. */
static long get(const ss_fetch_opts *f, const char *url, const char *etag,
                const char *modified, transfer *t, char *why, size_t whylen)
{
    CURL *c = handle(f, url, t);
    if (!c) {
        snprintf(why, whylen, "libcurl could not start");
        return -1;
    }
    struct curl_slist *h = NULL;
    char line[VALIDATOR_MAX + 32];
    if (etag && *etag) {
        snprintf(line, sizeof line, "If-None-Match: %s", etag);
        h = curl_slist_append(h, line);
    }
    if (modified && *modified) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", modified);
        h = curl_slist_append(h, line);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    CURLcode rc = curl_easy_perform(c);
    long status = -1;
    if (t->too_big || rc == CURLE_FILESIZE_EXCEEDED)
        snprintf(why, whylen, "%s is larger than RegisterMaxSize (%zu bytes)", url, t->max);
    else if (rc != CURLE_OK)
        snprintf(why, whylen, "%s: %s", url, curl_easy_strerror(rc));
    else
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* StateDir/register.fetch: the validators of the copy we hold. */
static void validators_path(const char *state_dir, ss_buf *p)
{
    ss_buf_printf(p, "%s/register.fetch", state_dir);
}

static void validators_read(const char *state_dir, char *etag, char *modified)
{
    ss_buf p = SS_BUF_INIT;
    char *text = NULL, why[256];
    size_t len;
    etag[0] = modified[0] = '\0';
    if (!state_dir)
        return;
    validators_path(state_dir, &p);
    if (ss_file_read(p.p, 4096, &text, &len, why, sizeof why) == 0) {
        const char *e = strstr(text, "etag "), *m = strstr(text, "last-modified ");
        if (e)
            sscanf(e + 5, "%255[^\n]", etag);
        if (m)
            sscanf(m + 14, "%255[^\n]", modified);
    }
    free(text);
    ss_buf_free(&p);
}

static void validators_write(const char *state_dir, const transfer *t)
{
    ss_buf p = SS_BUF_INIT, body = SS_BUF_INIT;
    char why[256];
    if (!state_dir)
        return;
    validators_path(state_dir, &p);
    ss_buf_printf(&body, "etag %s\nlast-modified %s\n", t->etag, t->modified);
    ss_file_replace(p.p, body.p, body.len, 0600, why, sizeof why);
    ss_buf_free(&p);
    ss_buf_free(&body);
}

/* The signature beside the register; absent (404) is allowed when the
 * vet does not require one. 0 fetched or absent, -1 with why. */
static int get_sig(const ss_fetch_opts *f, transfer *sig, char *why, size_t whylen)
{
    ss_buf url = SS_BUF_INIT;
    ss_buf_printf(&url, "%s.sig", f->url);
    sig->max = SIG_MAX;
    long status = get(f, url.p, NULL, NULL, sig, why, whylen);
    if (status == 404)
        ss_buf_free(&sig->body);
    else if (status != 200 && status != -1)
        snprintf(why, whylen, "%s: HTTP %ld", url.p, status);
    ss_buf_free(&url);
    return status == 200 || status == 404 ? 0 : -1;
}

static int install(const ss_regtrust_opts *o, const transfer *reg, const transfer *sig,
                   char *why, size_t whylen)
{
    ss_buf p = SS_BUF_INIT;
    ss_buf_printf(&p, "%s.sig", o->path);
    int rc = 0;
    /* The signature first: a crash between the two renames leaves a pair
     * that does not verify, which is refused, never a new register taken
     * on an old signature. */
    if (sig->body.len)
        rc = ss_file_replace(p.p, sig->body.p, sig->body.len, 0644, why, whylen);
    if (rc == 0)
        rc = ss_file_replace(o->path, reg->body.p, reg->body.len, 0644, why, whylen);
    ss_buf_free(&p);
    return rc;
}

ss_update_status ss_register_update(const ss_regtrust_opts *o, const ss_fetch_opts *f,
                                    unsigned long long *serial, char *why, size_t whylen)
{
    transfer reg = { .max = f->max_size }, sig = { .max = SIG_MAX };
    char etag[VALIDATOR_MAX], modified[VALIDATOR_MAX], signer[SS_ANCHOR_NAME], detail[768];
    ss_update_status st = SS_UPDATE_FAILED;
    ss_register *r = NULL;
    ss_anchors *a = NULL;
    ss_lastgood lg;
    validators_read(o->state_dir, etag, modified);
    long status = get(f, f->url, etag, modified, &reg, why, whylen);
    if (status == 304) {
        st = SS_UPDATE_UNCHANGED;
        goto out;
    }
    if (status != 200) {
        if (status > 0)
            snprintf(why, whylen, "%s: HTTP %ld", f->url, status);
        goto out;
    }
    if (get_sig(f, &sig, why, whylen) != 0
        || ss_lastgood_read(o->state_dir, &lg, why, whylen) != 0
        || (o->anchors_dir && !(a = ss_anchors_load(o->anchors_dir, why, whylen))))
        goto out;
    if (ss_regtrust_vet(o, a, &lg, f->url, reg.body.p ? reg.body.p : "", reg.body.len,
                        (const unsigned char *)sig.body.p, sig.body.len, &r, signer, detail,
                        sizeof detail) != 0) {
        snprintf(why, whylen, "%s refused: %s", f->url, detail);
        goto out;
    }
    char hash[65];
    ss_sha256_hex(reg.body.p, reg.body.len, hash);
    *serial = ss_register_serial(r);
    /* Installed is the newest good register: remember it at once, so a
     * rollback served next is refused even before the milter reloads. */
    ss_regtrust t = { .reg = r, .bytes = reg.body.p, .len = reg.body.len,
                      .sig = (unsigned char *)sig.body.p, .siglen = sig.body.len };
    snprintf(t.sha256, sizeof t.sha256, "%s", hash);
    if (lg.known && lg.serial == *serial && !strcmp(lg.sha256, hash))
        st = SS_UPDATE_UNCHANGED;       /* the server ignored our conditions */
    else if (install(o, &reg, &sig, why, whylen) == 0
             && ss_regtrust_commit(o->state_dir, &t, why, whylen) == 0)
        st = SS_UPDATE_INSTALLED;
    if (st != SS_UPDATE_FAILED)
        validators_write(o->state_dir, &reg);
out:
    ss_register_free(r);
    ss_anchors_free(a);
    ss_buf_free(&reg.body);
    ss_buf_free(&sig.body);
    return st;
}

long ss_fetch_backoff(unsigned failures, long interval)
{
    if (failures == 0)
        return interval;
    long wait = 60;
    for (unsigned i = 1; i < failures && wait < interval; i++)
        wait *= 2;
    return wait < interval ? wait : interval;
}
