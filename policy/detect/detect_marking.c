/* Protective markings (spec §9.2, _OS_RE/_FORMAL_RE/_PROTECT_RE in the
 * script): OFFICIAL-SENSITIVE in any case and joiner; upper-case TOP
 * SECRET/SECRET/RESTRICTED/CONFIDENTIAL standing alone at a line start or
 * after a bracket; PROTECT - PERSONAL or [PROTECT]. Plain OFFICIAL is the
 * baseline tier and not a signal. Hand-written: the scan only stops at line
 * starts, brackets and word starts with 'o' or 'P'. */
#include "detectors.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static int has_ci(const char *t, size_t len, size_t i, const char *w)
{
    size_t n = strlen(w);
    return i + n <= len && strncasecmp(t + i, w, n) == 0;
}

static int has(const char *t, size_t len, size_t i, const char *w)
{
    size_t n = strlen(w);
    return i + n <= len && memcmp(t + i, w, n) == 0;
}

/* \bofficial\s*[-_]?\s*sensitive\b at word start i: end or 0. */
static size_t match_os(const char *t, size_t len, size_t i)
{
    /* "of", "on", "our" start most words here: one byte rules them out */
    if (i + 1 >= len || (t[i + 1] | 0x20) != 'f' || !has_ci(t, len, i, "official"))
        return 0;
    size_t k = i + 8;
    while (k < len && ss_is_space((unsigned char)t[k]))
        k++;
    if (k < len && (t[k] == '-' || t[k] == '_'))
        k++;
    while (k < len && ss_is_space((unsigned char)t[k]))
        k++;
    if (!has_ci(t, len, k, "sensitive") || ss_is_word_at(t, len, k + 9))
        return 0;
    return k + 9;
}

/* (?m)(TOP SECRET|SECRET|RESTRICTED|CONFIDENTIAL)(?=[ \t]*($|[:\])-]))
 * at i: the word's length or 0. Line end also accepts CR (mail text). */
static size_t match_formal(const char *t, size_t len, size_t i)
{
    static const char *const words[] = { "TOP SECRET", "SECRET", "RESTRICTED", "CONFIDENTIAL" };
    /* most lines start with none of the four first letters */
    if (i >= len || !strchr("TSRC", t[i]) || t[i] == '\0')
        return 0;
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        if (!has(t, len, i, words[w]))
            continue;
        size_t n = strlen(words[w]), k = i + n;
        while (k < len && is_blank((unsigned char)t[k]))
            k++;
        if (k == len || strchr("\n\r:])-", t[k]) != NULL)
            return n;
    }
    return 0;
}

/* \bPROTECT([ \t]*[-:][ \t]*PERSONAL\b|(?=[ \t]*\])) at word start i. */
static size_t match_protect(const char *t, size_t len, size_t i)
{
    if (i + 1 >= len || t[i + 1] != 'R' || !has(t, len, i, "PROTECT"))
        return 0;
    size_t k = i + 7;
    while (k < len && is_blank((unsigned char)t[k]))
        k++;
    if (k < len && t[k] == ']')
        return i + 7;
    if (k >= len || (t[k] != '-' && t[k] != ':'))
        return 0;
    k++;
    while (k < len && is_blank((unsigned char)t[k]))
        k++;
    if (!has(t, len, k, "PERSONAL") || ss_is_word_at(t, len, k + 8))
        return 0;
    return k + 8;
}

static void emit(const ss_segctx *c, ss_findings *out, size_t s, size_t e,
                 const char *canon)
{
    const char *t = c->nm->text;
    ss_finding *f = ss_finding_add(c, out, SS_T_MARKING, s, e);
    f->confidence = SS_CONF_HIGH;
    size_t n = e - s < sizeof f->value - 1 ? e - s : sizeof f->value - 1;
    memcpy(f->value, t + s, n);
    f->value[n] = '\0';
    snprintf(f->redacted, sizeof f->redacted, "%s", canon);
    out->has_marking = 1;
}

/* A formal marking after optional blanks from i (line start or bracket). */
static size_t try_formal(const ss_segctx *c, ss_findings *out, size_t i)
{
    const char *t = c->nm->text;
    size_t len = c->nm->len;
    while (i < len && is_blank((unsigned char)t[i]))
        i++;
    size_t n = match_formal(t, len, i);
    if (n == 0)
        return 0;
    char canon[16];
    snprintf(canon, sizeof canon, "%.*s", (int)n, t + i);
    emit(c, out, i, i + n, canon);
    return i + n;
}

/* The next i >= from where a marking could begin: a line end or bracket,
 * or "of" (any case) or "PR" not inside an ASCII word. Any other byte is
 * passed over by the loop below without effect (match_os and
 * match_protect reject on the second letter), so skipping it changes
 * nothing. */
static size_t next_candidate(const char *t, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)t;
#ifdef __SSE2__
    for (; i + 17 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
        __m128i vn = _mm_loadu_si128((const __m128i *)(const void *)(u + i + 1));
        __m128i punct = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('['))),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('(')));
        __m128i of = _mm_and_si128(
            _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('o')),
            _mm_cmpeq_epi8(_mm_or_si128(vn, _mm_set1_epi8(0x20)), _mm_set1_epi8('f')));
        __m128i pr = _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('P')),
                                   _mm_cmpeq_epi8(vn, _mm_set1_epi8('R')));
        __m128i letter = _mm_or_si128(of, pr);
        unsigned w = ss_word_mask16(u + i);
        unsigned carry = i > 0 && ss_ascii_word(u[i - 1]);
        unsigned starts = w & ~((w << 1) | carry);
        unsigned m = ((unsigned)_mm_movemask_epi8(punct) |
                      ((unsigned)_mm_movemask_epi8(letter) & starts)) & 0xFFFFu;
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i < len; i++) {
        unsigned char c = u[i];
        if (c == '\n' || c == '[' || c == '(')
            return i;
        int second = i + 1 < len && (((c | 0x20) == 'o' && (u[i + 1] | 0x20) == 'f') ||
                                     (c == 'P' && u[i + 1] == 'R'));
        if (second && !(i > 0 && ss_ascii_word(u[i - 1])))
            return i;
    }
    return len;
}

void ss_marking_detect(const ss_segctx *c, ss_findings *out)
{
    const char *t = c->nm->text;
    size_t len = c->nm->len, i = 0, e;
    if ((e = try_formal(c, out, 0)) != 0)
        i = e;
    while ((i = next_candidate(t, len, i)) < len) {
        unsigned char ch = (unsigned char)t[i];
        if (ch == '\n' || ch == '[' || ch == '(') {
            if ((e = try_formal(c, out, i + 1)) != 0) {
                i = e;
                continue;
            }
        } else if ((ch == 'o' || ch == 'O') && !ss_is_word_before(t, i) &&
                   (e = match_os(t, len, i)) != 0) {
            emit(c, out, i, e, "OFFICIAL-SENSITIVE");
            i = e;
            continue;
        } else if (ch == 'P' && !ss_is_word_before(t, i) &&
                   (e = match_protect(t, len, i)) != 0) {
            emit(c, out, i, e, e - i > 7 ? "PROTECT-PERSONAL" : "PROTECT");
            i = e;
            continue;
        }
        i++;
    }
}
