#include "chain.h"
#include "certs/hmac.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#define SUFFIX_HEAD ",\"chain\":\""
#define SUFFIX_HEAD_LEN (sizeof SUFFIX_HEAD - 1)
#define SUFFIX_LEN (SUFFIX_HEAD_LEN + SS_CHAIN_HEX + 2)   /* ,"chain":"HEX"} */
#define PREFIX "{\"seq\":"
#define PREFIX_LEN (sizeof PREFIX - 1)

int ss_chain_key(const unsigned char *audit_key, size_t len, unsigned char out[SS_CHAIN_LEN])
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    int rc = -1;
    if (ctx) {
        OSSL_PARAM p[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)audit_key, len),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)SS_CHAIN_LABEL,
                                              sizeof SS_CHAIN_LABEL - 1),
            OSSL_PARAM_construct_end(),
        };
        rc = EVP_KDF_derive(ctx, out, SS_CHAIN_LEN, p) == 1 ? 0 : -1;
    }
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return rc;
}

int ss_chain_record_ok(const char *rec, size_t len)
{
    if (len < 4 || rec[0] != '{' || rec[1] != '"' || rec[len - 1] != '}')
        return 0;
    if (memchr(rec, '\n', len) || memchr(rec, '\r', len) || memchr(rec, '\0', len))
        return 0;
    return strncmp(rec, PREFIX, PREFIX_LEN) != 0;
}

int ss_chain_mac(const unsigned char key[SS_CHAIN_LEN], const unsigned char prev[SS_CHAIN_LEN],
                 const char *p, size_t covered, unsigned char out[SS_CHAIN_LEN])
{
    const ss_hmac_piece in[] = { { prev, SS_CHAIN_LEN }, { p, covered } };
    return ss_hmac_sha256(key, SS_CHAIN_LEN, in, 2, out);
}

void ss_chain_hex(const unsigned char c[SS_CHAIN_LEN], char out[SS_CHAIN_HEX + 1])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < SS_CHAIN_LEN; i++) {
        out[2 * i] = hex[c[i] >> 4];
        out[2 * i + 1] = hex[c[i] & 15];
    }
    out[SS_CHAIN_HEX] = '\0';
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int ss_chain_unhex(const char *hex, unsigned char out[SS_CHAIN_LEN])
{
    for (size_t i = 0; i < SS_CHAIN_LEN; i++) {
        int hi = nibble(hex[2 * i]), lo = hi < 0 ? -1 : nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

int ss_chain_line(const unsigned char key[SS_CHAIN_LEN], ss_chain_head *h,
                  const char *rec, size_t len, ss_buf *out)
{
    size_t start = out->len;
    ss_buf_printf(out, PREFIX "%llu,", h->seq + 1);
    ss_buf_add(out, rec + 1, len - 2);           /* the members, without { and } */
    unsigned char c[SS_CHAIN_LEN];
    if (ss_chain_mac(key, h->chain, out->p + start, out->len - start, c) != 0) {
        out->len = start;
        out->p[start] = '\0';
        return -1;
    }
    char hex[SS_CHAIN_HEX + 1];
    ss_chain_hex(c, hex);
    ss_buf_printf(out, SUFFIX_HEAD "%s\"}\n", hex);
    h->seq++;
    memcpy(h->chain, c, SS_CHAIN_LEN);
    return 0;
}

/* "{"seq":" then 1 to 19 digits without a leading zero, then ',"'. */
static int parse_seq(const char *line, size_t len, unsigned long long *seq)
{
    if (len < PREFIX_LEN + 3 || memcmp(line, PREFIX, PREFIX_LEN) != 0)
        return -1;
    size_t i = PREFIX_LEN, start = i;
    unsigned long long n = 0;
    while (i < len && i - start < 19 && isdigit((unsigned char)line[i]))
        n = n * 10 + (unsigned long long)(line[i++] - '0');
    if (i == start || (line[start] == '0') || i + 1 >= len || line[i] != ',' || line[i + 1] != '"')
        return -1;
    *seq = n;
    return 0;
}

int ss_chain_parse(const char *line, size_t len, unsigned long long *seq,
                   unsigned char chain[SS_CHAIN_LEN], size_t *covered)
{
    if (len < PREFIX_LEN + SUFFIX_LEN + 4 || parse_seq(line, len, seq) != 0)
        return -1;
    const char *suffix = line + len - SUFFIX_LEN;
    if (memcmp(suffix, SUFFIX_HEAD, SUFFIX_HEAD_LEN) != 0 || line[len - 2] != '"'
        || line[len - 1] != '}' || ss_chain_unhex(suffix + SUFFIX_HEAD_LEN, chain) != 0)
        return -1;
    *covered = len - SUFFIX_LEN;
    return 0;
}

int ss_chain_head_parse(const char *s, ss_chain_head *h)
{
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    if (end == s || *end != ':' || !isdigit((unsigned char)*s) || strlen(end + 1) != SS_CHAIN_HEX)
        return -1;
    h->seq = n;
    return ss_chain_unhex(end + 1, h->chain);
}
