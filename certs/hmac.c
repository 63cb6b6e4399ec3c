/* HMAC-SHA256 with OpenSSL's implementation fetched once (certs/hmac.h).
 *
 * Each thread also keeps the context last keyed with each of a few keys
 * (the audit key, the chain key) and copies it for a new MAC: keying a
 * fresh context looks the digest up by name every time, which costs more
 * than hashing a record. */
#include "hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define KEYS 4                   /* keyed contexts kept per thread */
#define MAX_KEY 256

typedef struct {
    unsigned char key[MAX_KEY];
    size_t keylen;
    EVP_MAC_CTX *ctx;            /* keyed, never updated: copied for each MAC */
} keyed;

typedef struct {
    keyed k[KEYS];
    unsigned next;               /* the slot a new key replaces */
} cache;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t slot;
static EVP_MAC *mac;             /* shared: fetched objects are thread-safe */

static void drop(void *p)
{
    cache *c = p;
    for (int i = 0; i < KEYS; i++) {
        EVP_MAC_CTX_free(c->k[i].ctx);
        OPENSSL_cleanse(c->k[i].key, sizeof c->k[i].key);
    }
    free(c);
}

static void setup(void)
{
    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    pthread_key_create(&slot, drop);
}

static EVP_MAC_CTX *new_keyed(const unsigned char *key, size_t keylen)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    if (ctx && !EVP_MAC_init(ctx, key, keylen, params)) {
        EVP_MAC_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

/* A copy of this thread's context keyed with key (free it), or NULL. */
static EVP_MAC_CTX *keyed_copy(const unsigned char *key, size_t keylen)
{
    cache *c = pthread_getspecific(slot);
    if (!c && keylen <= MAX_KEY && (c = calloc(1, sizeof *c)) != NULL)
        pthread_setspecific(slot, c);
    if (!c || keylen > MAX_KEY)
        return new_keyed(key, keylen);
    for (int i = 0; i < KEYS; i++)
        if (c->k[i].ctx && c->k[i].keylen == keylen && !memcmp(c->k[i].key, key, keylen))
            return EVP_MAC_CTX_dup(c->k[i].ctx);
    keyed *k = &c->k[c->next++ % KEYS];
    EVP_MAC_CTX_free(k->ctx);
    k->ctx = new_keyed(key, keylen);
    memcpy(k->key, key, keylen);
    k->keylen = keylen;
    return k->ctx ? EVP_MAC_CTX_dup(k->ctx) : NULL;
}

int ss_hmac_sha256(const unsigned char *key, size_t keylen, const ss_hmac_piece *pieces,
                   size_t npieces, unsigned char out[SS_HMAC_LEN])
{
    pthread_once(&once, setup);
    EVP_MAC_CTX *ctx = keyed_copy(key, keylen);
    size_t n = 0;
    int ok = ctx != NULL;
    for (size_t i = 0; ok && i < npieces; i++)
        ok = EVP_MAC_update(ctx, pieces[i].p, pieces[i].n);
    ok = ok && EVP_MAC_final(ctx, out, &n, SS_HMAC_LEN) && n == SS_HMAC_LEN;
    EVP_MAC_CTX_free(ctx);
    return ok ? 0 : -1;
}
