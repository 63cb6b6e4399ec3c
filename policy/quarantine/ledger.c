/* The store's ledger (quarantine_int.h): what stops an old sealed record
 * being put back. Every record written in an encrypted store carries a
 * counter, one more than the record it replaces, inside the sealed (and
 * so authenticated) JSON; the ledger, .ledger in QuarantineDir, remembers
 * the highest counter written for each reference, one line per write,
 *
 *   REF COUNTER STATE MAC
 *
 * MAC an HMAC-SHA256 of "REF COUNTER STATE" under a key derived from the
 * store's, so nobody without the key can add a line that counts. A record
 * whose counter is below the ledger's for its reference is an earlier
 * copy, put back: it is refused. The line is appended after the record is
 * in place, so a crash leaves the record ahead of the ledger (accepted),
 * never behind it. */
#include "quarantine_int.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define LEDGER ".ledger"
#define LEDGER_MAX (64u << 20)   /* a larger ledger is damaged */

static const char label[] = "safeshare quarantine ledger v1";

/* The MAC of one line's text, hex. */
static int line_mac(const unsigned char *aes, const char *text, size_t n, char out[65])
{
    unsigned char k[32], m[32];
    unsigned int kl = 0, ml = 0;
    int ok = HMAC(EVP_sha256(), aes, 32, (const unsigned char *)label, sizeof label - 1, k,
                  &kl) && HMAC(EVP_sha256(), k, (int)kl, (const unsigned char *)text, n, m, &ml)
             && ml == 32;
    OPENSSL_cleanse(k, sizeof k);
    for (int i = 0; ok && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", m[i]);
    return ok ? 0 : -1;
}

int ss_qledger_add(int dirfd, const unsigned char *aes, const ss_qentry *e)
{
    char text[96], mac[65];
    int n = snprintf(text, sizeof text, "%s %llu %s", e->reference, e->counter,
                     ss_qstate_name(e->state));
    if (n < 0 || (size_t)n >= sizeof text || line_mac(aes, text, (size_t)n, mac) != 0)
        return -1;
    char line[192];
    int len = snprintf(line, sizeof line, "%s %s\n", text, mac);
    int fd = openat(dirfd, LEDGER, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    int rc = fd >= 0 && ss_write_all(fd, line, (size_t)len) == 0 && fdatasync(fd) == 0 ? 0 : -1;
    if (rc != 0)
        ss_log(SS_LOG_WARNING, "%s: the quarantine ledger could not be written (%s): the entry "
               "is decided, but a copy of its previous record would not be caught until its "
               "next change", e->reference, strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc;
}

static int by_ref(const void *a, const void *b)
{
    return strcmp(((const ss_qledger_row *)a)->ref, ((const ss_qledger_row *)b)->ref);
}

/* One line: its reference and counter when its MAC is right, else 0. */
static int parse_line(const unsigned char *aes, const char *s, size_t n, ss_qledger_row *row)
{
    const char *sp = n > 65 ? s + n - 65 : NULL;
    char ref[32], st[16], want[65];
    unsigned long long c;
    if (!sp || *sp != ' ' || line_mac(aes, s, (size_t)(sp - s), want) != 0 ||
        CRYPTO_memcmp(want, sp + 1, 64) != 0)
        return 0;                       /* not ours: it counts for nothing */
    char text[96];
    if ((size_t)(sp - s) >= sizeof text)
        return 0;
    memcpy(text, s, (size_t)(sp - s));
    text[sp - s] = '\0';
    if (sscanf(text, "%31s %llu %15s", ref, &c, st) != 3 || !ss_reference_ok(ref))
        return 0;
    memcpy(row->ref, ref, sizeof row->ref);
    row->counter = c;
    return 1;
}

int ss_qledger_load(int dirfd, const unsigned char *aes, ss_qledger *lg)
{
    memset(lg, 0, sizeof *lg);
    int fd = openat(dirfd, LEDGER, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    ss_buf b = SS_BUF_INIT;
    char chunk[65536];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof chunk)) > 0 && b.len < LEDGER_MAX)
        ss_buf_add(&b, chunk, (size_t)r);
    close(fd);
    if (r < 0 || b.len >= LEDGER_MAX) {
        ss_buf_free(&b);
        return -1;
    }
    size_t cap = 0;
    for (size_t i = 0; i < b.len;) {
        const char *nl = memchr(b.p + i, '\n', b.len - i);
        size_t n = nl ? (size_t)(nl - (b.p + i)) : b.len - i;
        if (lg->n == cap) {
            cap = cap ? cap * 2 : 64;
            lg->v = ss_xrealloc(lg->v, cap * sizeof *lg->v);
        }
        lg->n += (size_t)parse_line(aes, b.p + i, n, &lg->v[lg->n]);
        i += n + 1;
    }
    ss_buf_free(&b);
    if (lg->n > 1)
        qsort(lg->v, lg->n, sizeof *lg->v, by_ref);
    return 0;
}

unsigned long long ss_qledger_max(const ss_qledger *lg, const char *ref)
{
    ss_qledger_row key = { .counter = 0 };
    snprintf(key.ref, sizeof key.ref, "%s", ref);
    ss_qledger_row *hit = lg->n ? bsearch(&key, lg->v, lg->n, sizeof *lg->v, by_ref) : NULL;
    if (!hit)
        return 0;
    /* Rows of one reference sit together: the highest of them counts. */
    while (hit > lg->v && !strcmp(hit[-1].ref, ref))
        hit--;
    unsigned long long max = 0;
    for (; hit < lg->v + lg->n && !strcmp(hit->ref, ref); hit++)
        if (hit->counter > max)
            max = hit->counter;
    return max;
}

void ss_qledger_free(ss_qledger *lg)
{
    free(lg->v);
    memset(lg, 0, sizeof *lg);
}
