/* Keyword and term matching without regex: first-byte dispatch, then a
 * small backtracking matcher over the phrase's mini-pattern. Phrases are
 * short, so the cost per word start is a table lookup and, rarely, a few
 * byte compares. */
#include "phrase.h"

#include <string.h>

#define NOMATCH ((size_t)-1)

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* p points just after a '|' in a group: return the byte after the group's
 * closing ')'. */
static const char *skip_group(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth-- == 0)
            return p + 1;
    }
    return p;
}

/* The next alternative after the one starting at a, or NULL at ')'. */
static const char *next_alt(const char *a)
{
    int depth = 0;
    for (; *a; a++) {
        if (*a == '(')
            depth++;
        else if (*a == ')' && depth-- == 0)
            return NULL;
        else if (*a == '|' && depth == 0)
            return a + 1;
    }
    return NULL;
}

static size_t match(const char *p, const char *t, size_t len, size_t ti,
                    int ci, size_t start)
{
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '\0') {
            if (ti > start && ss_is_word_before(t, ti) && ss_is_word_at(t, len, ti))
                return NOMATCH;
            return ti;
        }
        if (c == '(') {
            for (const char *a = p + 1; a; a = next_alt(a)) {
                size_t r = match(a, t, len, ti, ci, start);
                if (r != NOMATCH)
                    return r;
            }
            return NOMATCH;
        }
        if (c == '|') {
            p = skip_group(p + 1);
            continue;
        }
        if (c == ')') {
            p++;
            continue;
        }
        if (c == '_') {
            if (ti < len && ss_is_space((unsigned char)t[ti])) {
                size_t r = match(p + 1, t, len, ti + 1, ci, start);
                if (r != NOMATCH)
                    return r;
            }
            p++;
            continue;
        }
        if (c == '+') {
            /* \s+ : the next pattern byte is never a space, so greedy is exact */
            size_t k = ti;
            while (k < len && ss_is_space((unsigned char)t[k]))
                k++;
            if (k == ti)
                return NOMATCH;
            ti = k;
            p++;
            continue;
        }
        if (ti >= len)
            return NOMATCH;
        unsigned char x = (unsigned char)t[ti];
        if (c == '~') {
            if (x != '-' && x != ' ')
                return NOMATCH;
        } else if (ci ? lower(x) != lower(c) : x != c) {
            return NOMATCH;
        }
        ti++;
        p++;
    }
}

/* Mark every byte the pattern at p can start with. */
static void first_bytes(const char *p, int ci, unsigned char set[256])
{
    for (;;) {
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '\0':
            return;
        case '(':
            for (const char *a = p + 1; a; a = next_alt(a))
                first_bytes(a, ci, set);
            return;
        case '|':
            p = skip_group(p + 1);
            continue;
        case ')':
            p++;
            continue;
        case '~':
            set['-'] = set[' '] = 1;
            return;
        case '+':
            for (int b = 0; b < 256; b++)
                if (ss_is_space((unsigned char)b))
                    set[b] = 1;
            return;
        case '_':
            for (int b = 0; b < 256; b++)
                if (ss_is_space((unsigned char)b))
                    set[b] = 1;
            p++;
            continue;
        default:
            set[c] = 1;
            if (ci) {
                set[lower(c)] = 1;
                if (c >= 'a' && c <= 'z')
                    set[c - 32] = 1;
            }
            return;
        }
    }
}

/* Mark every byte that can follow the pattern's first byte (an
 * over-approximation is fine: this only filters). */
static void second_bytes(const char *p, int ci, unsigned char set[256])
{
    for (;;) {
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '\0':
            return;
        case '(':
            for (const char *a = p + 1; a; a = next_alt(a))
                second_bytes(a, ci, set);
            return;
        case '|':
            p = skip_group(p + 1);
            continue;
        case ')':
            p++;
            continue;
        case '_':
        case '+':
            /* never first in a phrase; be permissive if it is */
            memset(set, 1, 256);
            return;
        default:
            first_bytes(p + 1, ci, set);
            return;
        }
    }
}

/* ---- prefix filter ------------------------------------------------------
 * Text bytes are folded (ASCII upper to lower, whitespace to ' ') so one key
 * covers every spelling a phrase accepts; a false positive only costs the
 * exact matcher a try. */

static unsigned char fold_b(unsigned char c)
{
    if (ss_is_space(c))
        return ' ';
    return (unsigned char)lower(c);
}

static unsigned hash3(unsigned a, unsigned b, unsigned c)
{
    return ((a | b << 8 | c << 16) * 0x9E3779B1u) >> 16;
}

static unsigned hash4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return ((a | b << 8 | c << 16 | d << 24) * 0x9E3779B1u) >> 16;
}

static void set_bit(uint64_t *bm, unsigned i)
{
    bm[i >> 6] |= 1ull << (i & 63);
}

static int get_bit(const uint64_t *bm, unsigned i)
{
    return (int)(bm[i >> 6] >> (i & 63)) & 1;
}

#define KEYLEN 16

/* One enumerated prefix k[0..n) (n <= KEYLEN, shorter when the phrase can end
 * there) of phrase ph: into the phrase's key list and the set's filter. */
static void record(ss_phrase_set *s, size_t ph, const unsigned char *k, int n)
{
    if (n >= 4) {
        unsigned h = hash4(k[0], k[1], k[2], k[3]);
        set_bit(s->pre4, h);
        s->k4[ph] |= 1ull << (h >> 10);
    } else if (s->kshort[ph] = 1, n == 3)
        set_bit(s->pre3, hash3(k[0], k[1], k[2]));
    else if (n == 2)
        set_bit(s->pre2, (unsigned)k[0] << 8 | k[1]);
    else
        s->nofilter = 1;   /* a one-byte match: the filter cannot see it */
    if (s->kover[ph])
        return;
    if (s->nkeys == SS_PHRASE_KEYS || s->nkeys - s->kfrom[ph] == SS_PHRASE_KEYS_EACH) {
        s->kover[ph] = 1;
        return;
    }
    uint64_t v[2] = { 0, 0 };
    for (int j = 0; j < n; j++)
        v[j / 8] |= (uint64_t)k[j] << (8 * (j % 8));
    s->key[s->nkeys][0] = v[0];
    s->key[s->nkeys][1] = v[1];
    s->kbound[s->nkeys] = n < KEYLEN && n > 0 &&
                          (ss_is_alnum_ascii(k[n - 1]) || k[n - 1] == '_');
    s->klen[s->nkeys++] = (uint8_t)n;
}

/* Every folded prefix (up to KEYLEN bytes) of every string the pattern at
 * p matches, after the n bytes already in k. Walks the pattern exactly as
 * match() does. */
static void enum_prefixes(ss_phrase_set *s, size_t ph, const char *p, unsigned char *k, int n)
{
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (n == KEYLEN || c == '\0') {
            record(s, ph, k, n);
            return;
        }
        switch (c) {
        case '(':
            for (const char *a = p + 1; a; a = next_alt(a))
                enum_prefixes(s, ph, a, k, n);
            return;
        case '|':
            p = skip_group(p + 1);
            continue;
        case ')':
            p++;
            continue;
        case '_':
            k[n] = ' ';
            enum_prefixes(s, ph, p + 1, k, n + 1);
            p++;
            continue;
        case '+':
            for (int m = n; m < KEYLEN; m++) {
                k[m] = ' ';
                enum_prefixes(s, ph, p + 1, k, m + 1);
            }
            return;
        case '~':
            k[n] = '-';
            enum_prefixes(s, ph, p + 1, k, n + 1);
            k[n] = ' ';
            enum_prefixes(s, ph, p + 1, k, n + 1);
            return;
        default:
            k[n++] = fold_b(c);
            p++;
        }
    }
}

static void build_prefixes(ss_phrase_set *s)
{
    unsigned char k[KEYLEN];
    memset(s->pre2, 0, sizeof s->pre2);
    memset(s->pre3, 0, sizeof s->pre3);
    memset(s->pre4, 0, sizeof s->pre4);
    s->nofilter = 0;
    s->nkeys = 0;
    for (int b = 0; b < 256; b++) {
        s->fold[b] = fold_b((unsigned char)b);
        s->first[b] = s->off[b] != s->off[b + 1];
        /* the scan skips through words: a phrase must start with an ASCII
         * word character for that to be exact */
        if (s->first[b] && !(ss_is_alnum_ascii((unsigned char)b) || b == '_'))
            s->nofilter = 1;
    }
    for (size_t i = 0; i < s->n; i++) {
        s->kover[i] = 0;
        s->k4[i] = 0;
        s->kshort[i] = 0;
        s->kfrom[i] = (uint16_t)s->nkeys;
        enum_prefixes(s, i, s->p[i].pat, k, 0);
        s->kto[i] = (uint16_t)s->nkeys;
    }
}

static void build_pairs(ss_phrase_set *s)
{
    unsigned char f[256], n[256];
    memset(s->pair, 0, sizeof s->pair);
    for (size_t i = 0; i < s->n; i++) {
        memset(f, 0, sizeof f);
        memset(n, 0, sizeof n);
        first_bytes(s->p[i].pat, s->p[i].ci, f);
        second_bytes(s->p[i].pat, s->p[i].ci, n);
        memset(s->second[i], 0, sizeof s->second[i]);
        for (int b = 0; b < 256; b++)
            if (n[b])
                s->second[i][b >> 3] |= (uint8_t)(1u << (b & 7));
        for (int a = 0; a < 256; a++) {
            if (!f[a])
                continue;
            for (int b = 0; b < 256; b++)
                if (n[b])
                    s->pair[(a << 5) | (b >> 3)] |= (uint8_t)(1u << (b & 7));
        }
    }
}

/* Two passes (count, then fill) so no shared scratch space is needed: sets
 * may be built concurrently from different pthread_once routines. */
int ss_phrase_build(ss_phrase_set *s)
{
    size_t count[256] = { 0 };
    unsigned char set[256];
    if (s->n > SS_PHRASE_MAX)
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        memset(set, 0, sizeof set);
        first_bytes(s->p[i].pat, s->p[i].ci, set);
        for (int b = 0; b < 256; b++)
            count[b] += set[b];
    }
    size_t total = 0;
    for (int b = 0; b < 256; b++) {
        s->off[b] = (uint16_t)total;
        total += count[b];
        if (total > SS_PHRASE_LIST_MAX)
            return -1;
    }
    s->off[256] = (uint16_t)total;
    size_t fill[256];
    for (int b = 0; b < 256; b++)
        fill[b] = s->off[b];
    for (size_t i = 0; i < s->n; i++) {
        memset(set, 0, sizeof set);
        first_bytes(s->p[i].pat, s->p[i].ci, set);
        for (int b = 0; b < 256; b++)
            if (set[b])
                s->list[fill[b]++] = (uint16_t)i;
    }
    build_pairs(s);
    build_prefixes(s);
    return 0;
}

static uint64_t low_bytes(size_t n)
{
    return n >= 8 ? ~0ull : (1ull << (8 * n)) - 1;
}

/* Does the text at u (avail bytes, folded into tk) begin with a key of
 * phrase ph? */
static int key_match(const ss_phrase_set *s, size_t ph, const uint64_t tk[2],
                     size_t avail, const unsigned char *u)
{
    for (size_t j = s->kfrom[ph]; j < s->kto[ph]; j++) {
        size_t n = s->klen[j];
        if (n > avail || ((tk[0] ^ s->key[j][0]) & low_bytes(n)) != 0 ||
            (n > 8 && ((tk[1] ^ s->key[j][1]) & low_bytes(n - 8)) != 0))
            continue;
        if (s->kbound[j] && n < avail && ss_ascii_word(u[n]))
            continue;
        return 1;
    }
    return 0;
}

/* The text's next avail (<= KEYLEN) bytes, folded like the phrases' keys. */
static void fold_key(const ss_phrase_set *s, const unsigned char *u, size_t avail,
                     uint64_t tk[2])
{
    tk[0] = tk[1] = 0;
    for (size_t j = 0; j < avail; j++)
        tk[j / 8] |= (uint64_t)s->fold[u[j]] << (8 * (j % 8));
}

/* Does the phrase's key list admit the text at u? The 4-byte bucket test
 * first (b4: the text's bucket bit), then the folded keys, computed once. */
static int keys_admit(const ss_phrase_set *s, size_t idx, const unsigned char *u,
                      size_t avail, uint64_t b4, uint64_t tk[2], int *have_tk)
{
    if (!s->kshort[idx] && !(s->k4[idx] & b4))
        return 0;
    if (s->kover[idx])
        return 1;
    if (!*have_tk) {
        fold_key(s, u, avail, tk);
        *have_tk = 1;
    }
    return key_match(s, idx, tk, avail, u);
}

/* Try every phrase whose first byte is t[i] at word start i; with keys,
 * only those whose key list admits the text. */
static void try_at(const ss_phrase_set *s, const char *t, size_t len, size_t i,
                   int keys, ss_phrase_cb cb, void *ctx)
{
    const unsigned char *u = (const unsigned char *)t;
    unsigned char c = u[i], d = u[i + 1];
    size_t avail = len - i < KEYLEN ? len - i : KEYLEN;
    uint64_t b4 = avail >= 4 ? 1ull << (hash4(s->fold[c], s->fold[d], s->fold[u[i + 2]],
                                              s->fold[u[i + 3]]) >> 10) : ~0ull;
    uint64_t tk[2];
    int have_tk = 0;
    for (size_t k = s->off[c]; k < s->off[c + 1]; k++) {
        size_t idx = s->list[k];
        if (!(s->second[idx][d >> 3] & (1u << (d & 7))) ||
            (keys && !keys_admit(s, idx, u + i, avail, b4, tk, &have_tk)))
            continue;
        const ss_phrase *ph = &s->p[idx];
        size_t r = match(ph->pat, t, len, i, ph->ci, i);
        if (r != NOMATCH)
            cb(ctx, idx, i, r);
    }
}

void ss_phrase_scan_ref(const ss_phrase_set *s, const char *t, size_t len,
                        ss_phrase_cb cb, void *ctx)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if (s->off[c] == s->off[c + 1])
            continue;
        /* every phrase is at least two bytes long */
        if (i + 1 >= len)
            break;
        unsigned char d = (unsigned char)t[i + 1];
        if (!(s->pair[(c << 5) | (d >> 3)] & (1u << (d & 7))) || ss_is_word_before(t, i))
            continue;
        try_at(s, t, len, i, 0, cb, ctx);
    }
}

/* Can a phrase match at i (i + 1 < len)? False positives allowed. */
static int maybe_at(const ss_phrase_set *s, const unsigned char *u, size_t len, size_t i)
{
    const unsigned char *f = s->fold;
    unsigned a = f[u[i]], b = f[u[i + 1]];
    if (get_bit(s->pre2, a << 8 | b))
        return 1;
    if (i + 2 >= len)
        return 0;
    unsigned c = f[u[i + 2]];
    if (get_bit(s->pre3, hash3(a, b, c)))
        return 1;
    return i + 3 < len && get_bit(s->pre4, hash4(a, b, c, f[u[i + 3]]));
}


/* A word start at i (t[i] an ASCII word character, t[i-1] not), with at
 * least four bytes left: the whole filter without a branch until the
 * (rarely true) answer, so mispredictions do not cost a pipeline per word. */
static inline void word_start4(const ss_phrase_set *s, const char *t, size_t len, size_t i,
                               ss_phrase_cb cb, void *ctx)
{
    const unsigned char *u = (const unsigned char *)t, *f = s->fold;
    unsigned c = u[i], d = u[i + 1];
    unsigned a = f[c], b = f[d], e = f[u[i + 2]], g = f[u[i + 3]];
    /* a pair bit is only ever set for a phrase's first byte */
    unsigned hit = (unsigned)(s->pair[(c << 5) | (d >> 3)] >> (d & 7)) &
                   (unsigned)(get_bit(s->pre2, a << 8 | b) | get_bit(s->pre3, hash3(a, b, e)) |
                              get_bit(s->pre4, hash4(a, b, e, g)));
    if (__builtin_expect(hit & 1u, 0) == 0)
        return;
    /* a non-ASCII letter before is a word character too */
    if (i > 0 && u[i - 1] >= 0x80 && ss_is_word_before(t, i))
        return;
    try_at(s, t, len, i, 1, cb, ctx);
}

/* A word start at i (t[i] an ASCII word character, t[i-1] not): try it. */
static void word_start(const ss_phrase_set *s, const char *t, size_t len, size_t i,
                       ss_phrase_cb cb, void *ctx)
{
    const unsigned char *u = (const unsigned char *)t;
    if (!s->first[u[i]] || i + 1 >= len)
        return;
    /* a non-ASCII letter before is a word character too */
    if (i > 0 && u[i - 1] >= 0x80 && ss_is_word_before(t, i))
        return;
    unsigned char c = u[i], d = u[i + 1];
    if ((s->pair[(c << 5) | (d >> 3)] & (1u << (d & 7))) && maybe_at(s, u, len, i))
        try_at(s, t, len, i, 1, cb, ctx);
}


/* Only word starts can begin a match, and every phrase starts with an
 * ASCII word character: find word starts 16 bytes at a time and ask the
 * prefix filter once at each before trying any phrase. Same calls, same
 * order as ss_phrase_scan_ref. */
void ss_phrase_scan(const ss_phrase_set *s, const char *t, size_t len,
                    ss_phrase_cb cb, void *ctx)
{
    if (s->nofilter) {
        ss_phrase_scan_ref(s, t, len, cb, ctx);
        return;
    }
    const unsigned char *u = (const unsigned char *)t;
    size_t i = 0;
    unsigned carry = 0;   /* t[i-1] is an ASCII word character */
#ifdef __SSE2__
    for (; i + 16 <= len; i += 16) {
        unsigned w = ss_word_mask16(u + i);
        unsigned starts = w & ~((w << 1) | carry) & 0xFFFFu;
        carry = (w >> 15) & 1u;
        while (starts) {
            size_t at = i + (size_t)__builtin_ctz(starts);
            if (at + 4 <= len)
                word_start4(s, t, len, at, cb, ctx);
            else
                word_start(s, t, len, at, cb, ctx);
            starts &= starts - 1;
        }
    }
#endif
    for (; i < len; i++) {
        unsigned w = ss_ascii_word(u[i]);
        if (w && !carry)
            word_start(s, t, len, i, cb, ctx);
        carry = w;
    }
}
