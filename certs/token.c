/* Release tokens (token.h). The signature covers every field, and is
 * checked first, in constant time: nothing a sender could have written is
 * believed before it. */
#include "token.h"
#include "base/reference.h"

#include <limits.h>
#include <stdio.h>
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
    }
    return "forged";
}

static int sign(const unsigned char *key, size_t keylen, const char *ref, long long issued,
                const unsigned char sha[32], unsigned char mac[32])
{
    unsigned char msg[128];
    int n = snprintf((char *)msg, sizeof msg, "safeshare-release-v1\n%s\n%lld\n", ref, issued);
    unsigned int len = 0;
    if (keylen > INT_MAX || n < 0 || (size_t)n + 32 > sizeof msg)
        return -1;
    memcpy(msg + n, sha, 32);
    if (!HMAC(EVP_sha256(), key, (int)keylen, msg, (size_t)n + 32, mac, &len) || len != 32)
        return -1;
    return 0;
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
                  const unsigned char msg_sha256[32], time_t issued,
                  char out[SS_TOKEN_MAX])
{
    unsigned char mac[32];
    char sh[65], mh[65];
    out[0] = '\0';
    if (!key || keylen < SS_TOKEN_KEY_MIN || !ss_reference_ok(ref) || issued < 0 ||
        sign(key, keylen, ref, (long long)issued, msg_sha256, mac) != 0)
        return -1;
    tohex(msg_sha256, 32, sh);
    tohex(mac, 32, mh);
    snprintf(out, SS_TOKEN_MAX, "v1.%s.%lld.%s.%s", ref, (long long)issued, sh, mh);
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
    unsigned char sha[32], mac[32];
} parsed;

/* "v1" . REF . TIME . SHA . MAC, nothing more, nothing less. */
static int parse(const char *s, size_t n, parsed *t)
{
    const char *f[5], *end = s + n;
    size_t len[5];
    for (int i = 0; i < 5; i++) {
        const char *dot = memchr(s, '.', (size_t)(end - s));
        if ((i < 4) != (dot != NULL))
            return -1;
        f[i] = s;
        len[i] = (size_t)((dot ? dot : end) - s);
        s = dot ? dot + 1 : end;
    }
    if (len[0] != 2 || memcmp(f[0], "v1", 2) != 0 || len[1] == 0 || len[1] > 31 ||
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
    return ss_reference_ok(t->ref) && unhex(f[3], len[3], t->sha) == 0 &&
           unhex(f[4], len[4], t->mac) == 0 ? 0 : -1;
}

ss_token_result ss_token_check(const unsigned char *key, size_t keylen, const char *token,
                               const unsigned char msg_sha256[32], time_t now,
                               long max_age, char ref[32])
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
        sign(key, keylen, t.ref, t.issued, t.sha, want) != 0 ||
        CRYPTO_memcmp(want, t.mac, 32) != 0)
        return SS_TOK_FORGED;
    if (CRYPTO_memcmp(t.sha, msg_sha256, 32) != 0)
        return SS_TOK_WRONG_MESSAGE;
    if (t.issued > (long long)now + CLOCK_SKEW || (long long)now - t.issued > max_age)
        return SS_TOK_EXPIRED;
    if (ref)
        memcpy(ref, t.ref, sizeof t.ref);
    return SS_TOK_OK;
}
