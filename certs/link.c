#include "link.h"
#include "base/reference.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define LABEL "safeshare review links v1"
#define MAC_BYTES 16

int ss_link_key(const unsigned char *release_key, size_t keylen, unsigned char out[32])
{
    unsigned int n = 0;
    if (!release_key || keylen < 32 || keylen > 4096)
        return -1;
    return HMAC(EVP_sha256(), release_key, (int)keylen, (const unsigned char *)LABEL,
                strlen(LABEL), out, &n) && n == 32 ? 0 : -1;
}

/* "v1.EXPIRES.MAC" for these fields; expires as the digits given. */
static int token(const unsigned char key[32], ss_link_kind kind, const char *ref,
                 const char *expires, char out[SS_LINK_MAX])
{
    char msg[96];
    unsigned char mac[32];
    unsigned int n = 0;
    int len = snprintf(msg, sizeof msg, "%c\n%s\n%s", (char)kind, ref, expires);
    if (len < 0 || (size_t)len >= sizeof msg
        || !HMAC(EVP_sha256(), key, 32, (const unsigned char *)msg, (size_t)len, mac, &n)
        || n != 32)
        return -1;
    int at = snprintf(out, SS_LINK_MAX, "v1.%s.", expires);
    for (int i = 0; i < MAC_BYTES && at > 0 && at + 2 < SS_LINK_MAX; i++)
        at += snprintf(out + at, SS_LINK_MAX - (size_t)at, "%02x", mac[i]);
    OPENSSL_cleanse(mac, sizeof mac);
    return at == 3 + (int)strlen(expires) + 1 + 2 * MAC_BYTES ? 0 : -1;
}

int ss_link_make(const unsigned char key[32], ss_link_kind kind, const char *ref,
                 time_t expires, char out[SS_LINK_MAX])
{
    char e[24];
    out[0] = '\0';
    if (!ss_reference_ok(ref) || expires <= 0)
        return -1;
    snprintf(e, sizeof e, "%lld", (long long)expires);
    return token(key, kind, ref, e, out);
}

ss_link_result ss_link_check(const unsigned char key[32], ss_link_kind kind, const char *ref,
                             const char *tok, time_t now)
{
    if (!tok || !ref || !ss_reference_ok(ref) || strncmp(tok, "v1.", 3) != 0)
        return SS_LINK_FORGED;
    const char *e = tok + 3, *dot = strchr(e, '.');
    size_t elen = dot ? (size_t)(dot - e) : 0;
    if (elen == 0 || elen > 19 || strspn(e, "0123456789") != elen)
        return SS_LINK_FORGED;
    char expires[24], want[SS_LINK_MAX];
    memcpy(expires, e, elen);
    expires[elen] = '\0';
    if (token(key, kind, ref, expires, want) != 0 || strlen(tok) != strlen(want)
        || CRYPTO_memcmp(tok, want, strlen(want)) != 0)
        return SS_LINK_FORGED;
    return strtoll(expires, NULL, 10) < (long long)now ? SS_LINK_EXPIRED : SS_LINK_OK;
}
