/* Ed25519 register signatures with OpenSSL 3 (regsig.h). Ed25519 signs
 * the message itself (no separate digest), which is what `openssl pkeyutl
 * -rawin` does, so a site can check our work with stock tools. */
#include "regsig.h"
#include "base/buf.h"
#include "base/file.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define ANCHOR_MAX 16          /* more trust anchors than this is a mistake */
#define KEYFILE_MAX 16384

struct ss_anchors {
    size_t n;
    EVP_PKEY *key[ANCHOR_MAX];
    char name[ANCHOR_MAX][SS_ANCHOR_NAME];
};

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

/* One PEM public key that must be Ed25519. */
static EVP_PKEY *read_pub(const char *path, char *why, size_t whylen)
{
    char *pem = NULL;
    size_t len = 0;
    if (ss_file_read(path, KEYFILE_MAX, &pem, &len, why, whylen) != 0) {
        if (!pem)
            snprintf(why, whylen, "cannot read trust anchor %s", path);
        return NULL;
    }
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    free(pem);
    if (!k || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
        snprintf(why, whylen, "trust anchor %s is not an Ed25519 public key in PEM "
                 "(make one with: openssl pkey -in reg.key -pubout)", path);
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The anchor file names in dir, sorted so logs and tests are stable. */
static size_t list_anchors(DIR *d, char **names, size_t max)
{
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max + 1) {
        if (e->d_name[0] == '.' || strlen(e->d_name) >= SS_ANCHOR_NAME)
            continue;
        if (has_suffix(e->d_name, ".pub") || has_suffix(e->d_name, ".pem"))
            names[n++] = ss_xstrdup(e->d_name);
    }
    qsort(names, n < max ? n : max, sizeof *names, name_cmp);
    return n;
}

ss_anchors *ss_anchors_load(const char *dir, char *why, size_t whylen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(why, whylen, "cannot read the trust anchor directory %s: %s", dir,
                 strerror(errno));
        return NULL;
    }
    char *names[ANCHOR_MAX + 1];
    size_t n = list_anchors(d, names, ANCHOR_MAX);
    closedir(d);
    ss_anchors *a = ss_xcalloc(1, sizeof *a);
    int bad = 0;
    if (n == 0)
        bad = snprintf(why, whylen, "%s holds no trust anchor (*.pub or *.pem)", dir) > 0;
    else if (n > ANCHOR_MAX)
        bad = snprintf(why, whylen, "%s holds more than %d trust anchors", dir,
                       ANCHOR_MAX) > 0;
    for (size_t i = 0; i < n && i < ANCHOR_MAX; i++) {
        ss_buf p = SS_BUF_INIT;
        ss_buf_printf(&p, "%s/%s", dir, names[i]);
        if (!bad && !(a->key[a->n] = read_pub(p.p, why, whylen)))
            bad = 1;
        else if (!bad)
            snprintf(a->name[a->n++], SS_ANCHOR_NAME, "%s", names[i]);
        ss_buf_free(&p);
        free(names[i]);
    }
    if (n > ANCHOR_MAX)
        free(names[ANCHOR_MAX]);
    if (bad) {
        ss_anchors_free(a);
        return NULL;
    }
    return a;
}

void ss_anchors_free(ss_anchors *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++)
        EVP_PKEY_free(a->key[i]);
    free(a);
}

size_t ss_anchors_count(const ss_anchors *a)
{
    return a ? a->n : 0;
}

static int verify_one(EVP_PKEY *k, const void *data, size_t len, const void *sig,
                      size_t siglen)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) == 1
             && EVP_DigestVerify(ctx, sig, siglen, data, len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

int ss_sig_verify(const ss_anchors *a, const void *data, size_t len, const void *sig,
                  size_t siglen, char *who, char *why, size_t whylen)
{
    if (siglen != SS_SIG_LEN) {
        snprintf(why, whylen, "the signature is %zu bytes, not the %d bytes of an Ed25519 "
                 "signature", siglen, SS_SIG_LEN);
        return -1;
    }
    for (size_t i = 0; a && i < a->n; i++) {
        if (verify_one(a->key[i], data, len, sig, siglen)) {
            snprintf(who, SS_ANCHOR_NAME, "%s", a->name[i]);
            return 0;
        }
    }
    snprintf(why, whylen, "the signature does not verify against any of the %zu trust "
             "anchor%s", ss_anchors_count(a), ss_anchors_count(a) == 1 ? "" : "s");
    return -1;
}

static EVP_PKEY *read_private(const char *keyfile, char *why, size_t whylen)
{
    struct stat st;
    if (stat(keyfile, &st) != 0) {
        snprintf(why, whylen, "cannot read %s: %s", keyfile, strerror(errno));
        return NULL;
    }
    if (st.st_mode & 0077) {
        snprintf(why, whylen, "%s must not be readable by group or others (chmod 600)",
                 keyfile);
        return NULL;
    }
    FILE *f = fopen(keyfile, "re");
    EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!k || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
        snprintf(why, whylen, "%s is not an Ed25519 private key in PEM "
                 "(make one with: openssl genpkey -algorithm ed25519 -out reg.key)", keyfile);
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

int ss_sig_sign(const char *keyfile, const void *data, size_t len,
                unsigned char sig[SS_SIG_LEN], char *why, size_t whylen)
{
    EVP_PKEY *k = read_private(keyfile, why, whylen);
    if (!k)
        return -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t siglen = SS_SIG_LEN;
    int ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) == 1
             && EVP_DigestSign(ctx, sig, &siglen, data, len) == 1 && siglen == SS_SIG_LEN;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    if (!ok)
        snprintf(why, whylen, "OpenSSL could not sign with %s", keyfile);
    return ok ? 0 : -1;
}
