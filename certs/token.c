/* Release tokens (token.h). The signature covers every field, and is
 * checked first, in constant time: nothing a sender could have written is
 * believed before it. Then what it is bound to: the message, the
 * envelope, the time. */
#include "token.h"
#include "base/reference.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* A released message may wait in the MTA's queue a while; a token from
 * further ahead than this is not ours to trust. */
#define CLOCK_SKEW 300

const char *ss_token_result_name(ss_token_result r)
{
    switch (r) {
    case SS_TOK_OK: return "ok";
    case SS_TOK_FORGED: return "forged";
    case SS_TOK_EXPIRED: return "expired";
    case SS_TOK_WRONG_MESSAGE: return "wrong message";
    case SS_TOK_WRONG_ENVELOPE: return "wrong sender or recipients";
    }
    return "forged";
}

static int sign(const unsigned char *key, size_t keylen, const char *ref, long long issued,
                const ss_token_bind *b, unsigned char mac[32])
{
    unsigned char msg[160];
    int n = snprintf((char *)msg, sizeof msg, "safeshare-release-v2\n%s\n%lld\n", ref, issued);
    unsigned int len = 0;
    if (keylen > INT_MAX || n < 0 || (size_t)n + 64 > sizeof msg)
        return -1;
    memcpy(msg + n, b->msg, 32);
    memcpy(msg + n + 32, b->env, 32);
    if (!HMAC(EVP_sha256(), key, (int)keylen, msg, (size_t)n + 64, mac, &len) || len != 32)
        return -1;
    return 0;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *lower(const char *s)
{
    char *d = strdup(s ? s : "");
    for (char *p = d; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return d;
}

void ss_token_envelope(const char *sender, const char *const *rcpts, size_t nrcpts,
                       unsigned char out[32])
{
    char **r = calloc(nrcpts ? nrcpts : 1, sizeof *r);
    char *from = lower(sender);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = r && from && md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    for (size_t i = 0; ok && i < nrcpts; i++)
        ok = (r[i] = lower(rcpts[i])) != NULL;
    if (ok && nrcpts > 1)
        qsort(r, nrcpts, sizeof *r, by_text);
    ok = ok && EVP_DigestUpdate(md, "safeshare-envelope-v1\n", 22) == 1 &&
         EVP_DigestUpdate(md, from, strlen(from) + 1) == 1;
    for (size_t i = 0; ok && i < nrcpts; i++)
        ok = EVP_DigestUpdate(md, r[i], strlen(r[i]) + 1) == 1;
    unsigned int n = 0;
    if (!ok || EVP_DigestFinal_ex(md, out, &n) != 1 || n != 32)
        memset(out, 0, 32);      /* binds nothing a real envelope hashes to */
    for (size_t i = 0; r && i < nrcpts; i++)
        free(r[i]);
    free(r);
    free(from);
    EVP_MD_CTX_free(md);
}

static void tohex(const unsigned char *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = '\0';
}

int ss_token_make(const unsigned char *key, size_t keylen, const char *ref,
                  const ss_token_bind *bind, time_t issued, char out[SS_TOKEN_MAX])
{
    unsigned char mac[32];
    char mh[65], eh[65], ch[65];
    out[0] = '\0';
    if (!key || keylen < SS_TOKEN_KEY_MIN || !ss_reference_ok(ref) || issued < 0 ||
        sign(key, keylen, ref, (long long)issued, bind, mac) != 0)
        return -1;
    tohex(bind->msg, 32, mh);
    tohex(bind->env, 32, eh);
    tohex(mac, 32, ch);
    snprintf(out, SS_TOKEN_MAX, "v2.%s.%lld.%s.%s.%s", ref, (long long)issued, mh, eh, ch);
    return 0;
}

/* Exactly 64 lower-case hex digits into 32 bytes. */
static int unhex(const char *s, size_t n, unsigned char out[32])
{
    if (n != 64)
        return -1;
    for (size_t i = 0; i < 64; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return -1;
        out[i / 2] = (unsigned char)(i % 2 ? out[i / 2] | v : v << 4);
    }
    return 0;
}

typedef struct {
    char ref[32];
    long long issued;
    ss_token_bind bind;
    unsigned char mac[32];
} parsed;

#define FIELDS 6

/* "v2" . REF . TIME . MSG . ENV . MAC, nothing more, nothing less. */
static int parse(const char *s, size_t n, parsed *t)
{
    const char *f[FIELDS], *end = s + n;
    size_t len[FIELDS];
    for (int i = 0; i < FIELDS; i++) {
        const char *dot = memchr(s, '.', (size_t)(end - s));
        if ((i < FIELDS - 1) != (dot != NULL))
            return -1;
        f[i] = s;
        len[i] = (size_t)((dot ? dot : end) - s);
        s = dot ? dot + 1 : end;
    }
    if (len[0] != 2 || memcmp(f[0], "v2", 2) != 0 || len[1] == 0 || len[1] > 31 ||
        len[2] == 0 || len[2] > 18)
        return -1;
    memcpy(t->ref, f[1], len[1]);
    t->ref[len[1]] = '\0';
    t->issued = 0;
    for (size_t i = 0; i < len[2]; i++) {
        if (f[2][i] < '0' || f[2][i] > '9')
            return -1;
        t->issued = t->issued * 10 + (f[2][i] - '0');
    }
    return ss_reference_ok(t->ref) && unhex(f[3], len[3], t->bind.msg) == 0 &&
           unhex(f[4], len[4], t->bind.env) == 0 && unhex(f[5], len[5], t->mac) == 0 ? 0 : -1;
}

ss_token_result ss_token_check(const unsigned char *key, size_t keylen, const char *token,
                               const ss_token_bind *arrived, time_t now, long max_age,
                               char ref[32])
{
    if (ref)
        ref[0] = '\0';
    if (!key || keylen < SS_TOKEN_KEY_MIN || !token)
        return SS_TOK_FORGED;
    while (*token == ' ' || *token == '\t' || *token == '\r' || *token == '\n')
        token++;
    size_t n = strlen(token);
    while (n > 0 && strchr(" \t\r\n", token[n - 1]))
        n--;
    parsed t;
    unsigned char want[32];
    if (n >= SS_TOKEN_MAX || parse(token, n, &t) != 0 ||
        sign(key, keylen, t.ref, t.issued, &t.bind, want) != 0 ||
        CRYPTO_memcmp(want, t.mac, 32) != 0)
        return SS_TOK_FORGED;
    if (CRYPTO_memcmp(t.bind.msg, arrived->msg, 32) != 0)
        return SS_TOK_WRONG_MESSAGE;
    if (CRYPTO_memcmp(t.bind.env, arrived->env, 32) != 0)
        return SS_TOK_WRONG_ENVELOPE;
    if (t.issued > (long long)now + CLOCK_SKEW || (long long)now - t.issued > max_age)
        return SS_TOK_EXPIRED;
    if (ref)
        memcpy(ref, t.ref, sizeof t.ref);
    return SS_TOK_OK;
}
