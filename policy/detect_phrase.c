/* Keyword and term matching without regex: first-byte dispatch, then a
 * small backtracking matcher over the phrase's mini-pattern. Phrases are
 * short, so the cost per word start is a table lookup and, rarely, a few
 * byte compares. */
#include "detect_int.h"

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
    return 0;
}

void ss_phrase_scan(const ss_phrase_set *s, const char *t, size_t len,
                    ss_phrase_cb cb, void *ctx)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        size_t a = s->off[c], b = s->off[c + 1];
        if (a == b)
            continue;
        /* every phrase is at least two bytes long */
        if (i + 1 >= len)
            break;
        unsigned char d = (unsigned char)t[i + 1];
        if (!(s->pair[(c << 5) | (d >> 3)] & (1u << (d & 7))) || ss_is_word_before(t, i))
            continue;
        for (size_t k = a; k < b; k++) {
            if (!(s->second[s->list[k]][d >> 3] & (1u << (d & 7))))
                continue;
            const ss_phrase *ph = &s->p[s->list[k]];
            size_t r = match(ph->pat, t, len, i, ph->ci, i);
            if (r != NOMATCH)
                cb(ctx, s->list[k], i, r);
        }
    }
}
