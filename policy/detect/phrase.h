/* The phrase matcher (detect_phrase.c): every keyword and safeguarding
 * term of a segment found in one pass, without a regex engine. */
#ifndef SS_DETECT_PHRASE_H
#define SS_DETECT_PHRASE_H

#include <stddef.h>
#include <stdint.h>

#include "normalise.h"

/* A phrase is a tiny pattern, enough for the spec's keyword and SG_TERMS
 * regexes without a regex engine on the hot path:
 *   literal bytes, "(a|b|)" groups (nestable, empty alternative = optional),
 *   '~' = [- ], '_' = optional whitespace (\s?), '+' = whitespace run (\s+).
 * Every phrase is at least two bytes, starts with a word character and is
 * word-bounded at the
 * start; at the end it is word-bounded when its last character is a word
 * character (regex \b). */
typedef struct {
    const char *pat;
    unsigned char ci;      /* ASCII case-insensitive */
    unsigned mask;         /* the caller's meaning (type bits, term id) */
} ss_phrase;

#define SS_PHRASE_MAX 256
#define SS_PHRASE_LIST_MAX 2048
#define SS_PHRASE_KEYS 8192
#define SS_PHRASE_KEYS_EACH 128

typedef struct {
    ss_phrase p[SS_PHRASE_MAX];
    size_t n;
    uint16_t off[257];                  /* first byte → list[off[c]..off[c+1]) */
    uint16_t list[SS_PHRASE_LIST_MAX];
    uint8_t pair[256 * 32];             /* bit (b0,b1): some phrase starts b0 b1 */
    uint8_t second[SS_PHRASE_MAX][32];  /* per phrase: bytes that may come second */
    /* Prefix filter, checked once per word start before any phrase is
     * tried: bits for every folded text prefix a match can begin with
     * (case folded, whitespace as ' '): exact 2-byte keys of phrases that
     * can end after 2 bytes, hashed 3-byte keys of those that can end after
     * 3, hashed 4-byte prefixes of all longer matches. */
    uint64_t pre2[1024], pre3[1024], pre4[1024];
    unsigned char first[256];           /* some phrase starts with this byte */
    unsigned char fold[256];            /* the filter's byte folding */
    /* Per phrase: every folded prefix of up to 16 bytes its matches can
     * begin with (key[kfrom..kto), byte j in bits 8j of two words, klen
     * bytes long; kbound: the phrase ends there on a word character, so an
     * ASCII word character must not follow), checked before the exact
     * matcher; kover = too many to list. */
    uint64_t key[SS_PHRASE_KEYS][2];
    uint8_t klen[SS_PHRASE_KEYS];
    uint8_t kbound[SS_PHRASE_KEYS];
    uint16_t kfrom[SS_PHRASE_MAX], kto[SS_PHRASE_MAX];
    unsigned char kover[SS_PHRASE_MAX];
    uint64_t k4[SS_PHRASE_MAX];         /* per phrase: 6-bit hashes of its 4-byte prefixes */
    unsigned char kshort[SS_PHRASE_MAX];/* it can match fewer than 4 bytes */
    size_t nkeys;
    unsigned char nofilter;             /* a phrase the filter cannot describe */
} ss_phrase_set;

/* Build the first-byte dispatch; call once after filling p/n. Returns -1 if
 * the set is too large (a programming error, caught by the unit tests). */
int ss_phrase_build(ss_phrase_set *s);

typedef void (*ss_phrase_cb)(void *ctx, size_t idx, size_t start, size_t end);
/* Call cb for every phrase matching at every word start, in text order. */
void ss_phrase_scan(const ss_phrase_set *s, const char *t, size_t len,
                    ss_phrase_cb cb, void *ctx);
/* The same, trying every byte without the prefix filter: the reference the
 * unit tests compare ss_phrase_scan with. */
void ss_phrase_scan_ref(const ss_phrase_set *s, const char *t, size_t len,
                        ss_phrase_cb cb, void *ctx);

#ifdef __SSE2__
#include <emmintrin.h>
/* Bit k set when b[k] is an ASCII word character ([0-9A-Za-z_]). */
static inline unsigned ss_word_mask16(const unsigned char *b)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)b);
    __m128i dig = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
                                 _mm_set1_epi8((char)(-128 + 10)));
    __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(lo, _mm_set1_epi8((char)(0x80 - 'a'))),
                                   _mm_set1_epi8((char)(-128 + 26)));
    __m128i us = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(dig, alpha), us));
}
#endif

static inline int ss_ascii_word(unsigned char c)
{
    return ss_is_alnum_ascii(c) || c == '_';
}


#endif
