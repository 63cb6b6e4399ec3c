/* Encryption at rest for the quarantine: AES-256-GCM, a fresh random nonce
 * per file, the header and reference authenticated, so a copied store
 * reveals nothing and a changed byte is detected. */
#include "seal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

static const char derive_label[] = "safeshare quarantine AES-256-GCM v1";

int ss_seal_derive(const unsigned char *key, size_t keylen, unsigned char aes[SS_SEAL_AES])
{
    unsigned int n = 0;
    if (!key || keylen < 32 || keylen > INT_MAX)
        return -1;
    if (!HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)derive_label,
              sizeof derive_label - 1, aes, &n) || n != SS_SEAL_AES)
        return -1;
    return 0;
}

/* AAD = the header up to the tag, then the reference. */
static int add_aad(EVP_CIPHER_CTX *c, int enc, const unsigned char *hdr, const char *ref)
{
    int n;
    if (enc)
        return EVP_EncryptUpdate(c, NULL, &n, hdr, SS_SEAL_TAG_AT) == 1 &&
               EVP_EncryptUpdate(c, NULL, &n, (const unsigned char *)ref, (int)strlen(ref)) == 1
               ? 0 : -1;
    return EVP_DecryptUpdate(c, NULL, &n, hdr, SS_SEAL_TAG_AT) == 1 &&
           EVP_DecryptUpdate(c, NULL, &n, (const unsigned char *)ref, (int)strlen(ref)) == 1
           ? 0 : -1;
}

int ss_seal_writer_open(ss_seal_writer *w, int fd, const unsigned char *aes,
                      char kind, const char *ref)
{
    memset(w, 0, sizeof *w);
    w->fd = fd;
    if (!aes)
        return 0;
    memcpy(w->hdr, SS_SEAL_MAGIC, 4);
    w->hdr[4] = SS_SEAL_VERSION;
    w->hdr[5] = (unsigned char)kind;
    if (RAND_bytes(w->hdr + SS_SEAL_NONCE_AT, 12) != 1)
        return -1;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    w->ctx = c;
    if (!c || EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, aes, w->hdr + SS_SEAL_NONCE_AT) != 1 ||
        add_aad(c, 1, w->hdr, ref) != 0)
        goto fail;
    /* The tag is not known yet: write the header now, patch it at close. */
    if (ss_write_all(fd, w->hdr, SS_SEAL_HDR) != 0)
        goto fail;
    return 0;
fail:
    EVP_CIPHER_CTX_free(c);
    w->ctx = NULL;
    return -1;
}

int ss_seal_write(ss_seal_writer *w, const void *p, size_t n)
{
    if (!w->ctx)
        return ss_write_all(w->fd, p, n);
    const unsigned char *in = p;
    while (n > 0) {
        size_t chunk = n > 65536 ? 65536 : n;
        if (w->scap < chunk) {
            w->scratch = ss_xrealloc(w->scratch, chunk);
            w->scap = chunk;
        }
        int out = 0;
        if (EVP_EncryptUpdate(w->ctx, w->scratch, &out, in, (int)chunk) != 1 ||
            ss_write_all(w->fd, w->scratch, (size_t)out) != 0)
            return -1;
        in += chunk;
        n -= chunk;
    }
    return 0;
}

int ss_seal_writer_close(ss_seal_writer *w)
{
    int rc = 0;
    if (w->ctx) {
        int out = 0;
        unsigned char tail[16];
        if (EVP_EncryptFinal_ex(w->ctx, tail, &out) != 1 || out != 0 ||
            EVP_CIPHER_CTX_ctrl(w->ctx, EVP_CTRL_GCM_GET_TAG, 16, w->hdr + SS_SEAL_TAG_AT) != 1 ||
            pwrite(w->fd, w->hdr + SS_SEAL_TAG_AT, 16, SS_SEAL_TAG_AT) != 16)
            rc = -1;
        EVP_CIPHER_CTX_free(w->ctx);
    }
    free(w->scratch);
    OPENSSL_cleanse(w->hdr, sizeof w->hdr);
    memset(w, 0, sizeof *w);
    return rc;
}

static int read_all(int fd, size_t max, ss_buf *out)
{
    for (;;) {
        ss_buf_reserve(out, 65536);
        out->p[out->len] = '\0';
        size_t room = out->cap - out->len - 1;
        ssize_t r = read(fd, out->p + out->len, room);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        out->len += (size_t)r;
        out->p[out->len] = '\0';
        if (out->len > max)
            return -2;
    }
    return 0;
}

static int open_sealed(const ss_buf *raw, const unsigned char *aes, char kind,
                           const char *ref, ss_buf *out)
{
    const unsigned char *h = (const unsigned char *)raw->p;
    if (raw->len < SS_SEAL_HDR || memcmp(h, SS_SEAL_MAGIC, 4) != 0 || h[4] != SS_SEAL_VERSION ||
        h[5] != (unsigned char)kind || raw->len - SS_SEAL_HDR > INT_MAX)
        return SS_SEAL_DAMAGED;
    if (!aes)
        return SS_SEAL_NO_KEY;
    size_t n = raw->len - SS_SEAL_HDR;
    ss_buf_reset(out);
    ss_buf_reserve(out, n + 1);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int len = 0, fin = 0;
    unsigned char tag[16];
    memcpy(tag, h + SS_SEAL_TAG_AT, 16);
    int ok = c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, aes, h + SS_SEAL_NONCE_AT) == 1 &&
             add_aad(c, 0, h, ref) == 0 &&
             EVP_DecryptUpdate(c, (unsigned char *)out->p, &len, h + SS_SEAL_HDR, (int)n) == 1 &&
             EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1 &&
             EVP_DecryptFinal_ex(c, (unsigned char *)out->p + len, &fin) == 1;
    EVP_CIPHER_CTX_free(c);
    if (!ok) {
        /* Never hand back plaintext that failed authentication. */
        OPENSSL_cleanse(out->p, out->cap);
        ss_buf_reset(out);
        return SS_SEAL_DAMAGED;
    }
    out->len = (size_t)len + (size_t)fin;
    out->p[out->len] = '\0';
    return SS_SEAL_OK;
}

int ss_seal_read(int fd, const unsigned char *aes, char kind, const char *ref,
                   int sealed, size_t max, ss_buf *out, int *was_sealed)
{
    ss_buf raw = SS_BUF_INIT;
    int r = read_all(fd, max + SS_SEAL_HDR, &raw);
    if (r != 0) {
        ss_buf_free(&raw);
        return r == -2 ? SS_SEAL_DAMAGED : SS_SEAL_UNREADABLE;
    }
    if (sealed < 0)
        sealed = raw.len >= 4 && memcmp(raw.p, SS_SEAL_MAGIC, 4) == 0;
    if (was_sealed)
        *was_sealed = sealed;
    if (!sealed) {
        ss_buf_free(out);
        *out = raw;
        return SS_SEAL_OK;
    }
    int e = open_sealed(&raw, aes, kind, ref, out);
    ss_buf_free(&raw);
    return e;
}
