#include "release.h"
#include "certs/token.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int ss_bodyhash_init(ss_bodyhash *h)
{
    memset(h, 0, sizeof *h);
    h->at_line_start = 1;       /* a message may start with its empty line */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return -1;
    }
    h->md = md;
    return 0;
}

static void digest(ss_bodyhash *h, const char *p, size_t n)
{
    if (n && !h->failed && EVP_DigestUpdate(h->md, p, n) != 1)
        h->failed = 1;
}

/* Line feeds are held back until something follows them, so trailing ones
 * never reach the digest; CRs never do. Batched to keep EVP calls few. */
static void body_bytes(ss_bodyhash *h, const char *p, size_t n)
{
    char out[4096];
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\r')
            continue;
        if (p[i] == '\n') {
            h->nl_pending++;
            continue;
        }
        while (h->nl_pending) {
            if (o == sizeof out)
                digest(h, out, o), o = 0;
            out[o++] = '\n';
            h->nl_pending--;
        }
        if (o == sizeof out)
            digest(h, out, o), o = 0;
        out[o++] = p[i];
    }
    digest(h, out, o);
}

void ss_bodyhash_add(ss_bodyhash *h, const void *data, size_t n)
{
    const char *p = data;
    size_t i = 0;
    while (!h->in_body && i < n) {
        char c = p[i++];
        if (c == '\r')
            continue;
        if (c == '\n') {
            if (h->at_line_start)
                h->in_body = 1;
            h->at_line_start = 1;
        } else {
            h->at_line_start = 0;
        }
    }
    if (h->in_body && i < n)
        body_bytes(h, p + i, n - i);
}

int ss_bodyhash_final(ss_bodyhash *h, unsigned char out[32])
{
    unsigned int len = 0;
    int ok = h->md && !h->failed && EVP_DigestFinal_ex(h->md, out, &len) == 1 && len == 32;
    EVP_MD_CTX_free(h->md);
    h->md = NULL;
    return ok ? 0 : -1;
}

int ss_release_body_sha256(const char *msg, size_t len, unsigned char out[32])
{
    ss_bodyhash h;
    if (ss_bodyhash_init(&h) != 0)
        return -1;
    ss_bodyhash_add(&h, msg, len);
    return ss_bodyhash_final(&h, out);
}

/* ---- the canonical message hash ---- */

#define HEAD_MAX (16u << 20)    /* a header section larger than this is no release */

int ss_msghash_init(ss_msghash *h, int after_token)
{
    memset(h, 0, sizeof *h);
    h->after_token = after_token;
    return ss_bodyhash_init(&h->body);
}

/* The header section ends at its first empty line (CRs already gone). */
static int head_ends(const ss_buf *b)
{
    return b->len == 1 || (b->len >= 2 && b->p[b->len - 2] == '\n');
}

void ss_msghash_add(ss_msghash *h, const void *data, size_t n)
{
    const char *p = data;
    ss_bodyhash_add(&h->body, p, n);
    for (size_t i = 0; i < n && !h->head_done; i++) {
        if (p[i] == '\r')
            continue;
        if (h->head.len >= HEAD_MAX) {
            h->body.failed = 1;
            return;
        }
        ss_buf_addc(&h->head, p[i]);
        if (p[i] == '\n' && head_ends(&h->head))
            h->head_done = 1;
    }
}

/* The length of a field's name: up to its colon (or the whole line when
 * it has none), trailing blanks dropped. */
static size_t name_len(const char *f, size_t n)
{
    const char *colon = memchr(f, ':', n);
    size_t nl = colon ? (size_t)(colon - f) : n;
    while (nl > 0 && (f[nl - 1] == ' ' || f[nl - 1] == '\t'))
        nl--;
    return nl;
}

/* One field, canonical: "name:value\n", name lower-case, the value's
 * folding and runs of blanks one space, trimmed. */
static void canon_field(ss_buf *out, const char *f, size_t n)
{
    size_t nl = name_len(f, n);
    for (size_t i = 0; i < nl; i++)
        ss_buf_addc(out, (char)((f[i] >= 'A' && f[i] <= 'Z') ? f[i] + 32 : f[i]));
    ss_buf_addc(out, ':');
    const char *colon = memchr(f, ':', n);
    int blank = 1;                     /* leading blanks go */
    for (size_t i = colon ? (size_t)(colon - f) + 1 : n; i < n; i++) {
        int ws = f[i] == ' ' || f[i] == '\t' || f[i] == '\n';
        if (ws && !blank)
            ss_buf_addc(out, ' ');
        else if (!ws)
            ss_buf_addc(out, f[i]);
        blank = ws;
    }
    if (out->p[out->len - 1] == ' ')
        out->len--;
    ss_buf_addc(out, '\n');
}

/* Every field of the header section h (CR-free) into out, canonical. */
static void canon_head(const char *h, size_t n, int after_token, ss_buf *out)
{
    int counting = !after_token;
    size_t i = 0;
    while (i < n && h[i] != '\n') {
        size_t s = i;                  /* a field: its line and continuation lines */
        do {
            const char *nl = memchr(h + i, '\n', n - i);
            i = nl ? (size_t)(nl - h) + 1 : n;
        } while (i < n && (h[i] == ' ' || h[i] == '\t'));
        size_t e = h[i - 1] == '\n' ? i - 1 : i;
        size_t nl = name_len(h + s, e - s);
        if (nl == strlen(SS_TOKEN_HEADER) && strncasecmp(h + s, SS_TOKEN_HEADER, nl) == 0)
            counting = 1;              /* the release's own field: never hashed */
        else if (counting)
            canon_field(out, h + s, e - s);
    }
}

int ss_msghash_final(ss_msghash *h, unsigned char out[32])
{
    unsigned char body[32];
    int rc = ss_bodyhash_final(&h->body, body);
    ss_buf c = SS_BUF_INIT;
    ss_buf_adds(&c, "safeshare-message-v1\n");
    canon_head(h->head.p ? h->head.p : "", h->head.len, h->after_token, &c);
    ss_buf_addc(&c, '\n');
    ss_buf_add(&c, body, 32);
    unsigned int n = 0;
    if (rc == 0 && (EVP_Digest(c.p, c.len, out, &n, EVP_sha256(), NULL) != 1 || n != 32))
        rc = -1;
    ss_buf_free(&c);
    ss_buf_free(&h->head);
    return rc;
}

int ss_release_msg_sha256(const char *msg, size_t len, int after_token,
                          unsigned char out[32])
{
    ss_msghash h;
    if (ss_msghash_init(&h, after_token) != 0)
        return -1;
    ss_msghash_add(&h, msg, len);
    return ss_msghash_final(&h, out);
}

int ss_release_msg_sha256_fd(int fd, int after_token, unsigned char out[32])
{
    ss_msghash h;
    if (ss_msghash_init(&h, after_token) != 0)
        return -1;
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n == 0)
            break;
        if (n < 0) {
            unsigned char junk[32];
            ss_msghash_final(&h, junk);
            return -1;
        }
        ss_msghash_add(&h, chunk, (size_t)n);
    }
    return ss_msghash_final(&h, out);
}

int ss_release_build(const unsigned char *key, size_t keylen, const char *ref,
                     const char *from, const char *const *to, size_t nto,
                     const char *msg, size_t len, time_t now, ss_buf *out)
{
    ss_token_bind b;
    char tok[SS_TOKEN_MAX];
    if (ss_release_msg_sha256(msg, len, 0, b.msg) != 0)
        return -1;
    ss_token_envelope(from, to, nto, b.env);
    if (ss_token_make(key, keylen, ref, &b, now, tok) != 0)
        return -1;
    ss_release_message(msg, len, tok, out);
    return 0;
}

/* Length of the line at p (with its line feed), within end. */
static size_t line_len(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
}

static int is_token_header(const char *p, size_t n)
{
    size_t h = strlen(SS_TOKEN_HEADER);
    return n > h && strncasecmp(p, SS_TOKEN_HEADER, h) == 0
        && (p[h] == ':' || p[h] == ' ' || p[h] == '\t');
}

void ss_release_message(const char *msg, size_t len, const char *token, ss_buf *out)
{
    ss_buf_printf(out, "%s: %s\r\n", SS_TOKEN_HEADER, token);
    const char *p = msg, *end = msg + len;
    int dropping = 0;
    while (p < end) {
        size_t n = line_len(p, end);
        if (p[0] == '\n' || (p[0] == '\r' && n >= 2 && p[1] == '\n'))
            break;                      /* the empty line: the rest is body */
        int cont = p[0] == ' ' || p[0] == '\t';
        if (!cont)
            dropping = is_token_header(p, n);
        if (!dropping)
            ss_buf_add(out, p, n);
        p += n;
    }
    ss_buf_add(out, p, (size_t)(end - p));
}

typedef struct {
    const char *p;
    size_t left;
} upload;

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
    upload *u = arg;
    size_t n = size * nmemb < u->left ? size * nmemb : u->left;
    memcpy(dst, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

int ss_release_submit(const char *url, const char *sender, const char *const *rcpts,
                      size_t nrcpts, const char *msg, size_t len, char *err, size_t errlen)
{
    return ss_release_submit_timed(url, sender, rcpts, nrcpts, msg, len, 15, 300, err, errlen);
}

int ss_release_submit_timed(const char *url, const char *sender, const char *const *rcpts,
                            size_t nrcpts, const char *msg, size_t len, long connect_secs,
                            long total_secs, char *err, size_t errlen)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "could not start an SMTP client");
        return -1;
    }
    struct curl_slist *to = NULL;
    char addr[1024];
    for (size_t i = 0; i < nrcpts; i++) {
        snprintf(addr, sizeof addr, "<%s>", rcpts[i]);
        to = curl_slist_append(to, addr);
    }
    snprintf(addr, sizeof addr, "<%s>", sender ? sender : "");
    upload u = { msg, len };
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect_secs);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, total_secs);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK)
        snprintf(err, errlen, "%s: %s (last SMTP reply %ld)", url,
                 cerr[0] ? cerr : curl_easy_strerror(rc), code);
    curl_slist_free_all(to);
    curl_easy_cleanup(c);
    return rc == CURLE_OK ? 0 : -1;
}
