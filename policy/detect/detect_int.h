/* Internals shared by the detector files (not part of the public contract).
 * Flow per segment: normalise → find every keyword once (sorted positions)
 * → scan ten-digit candidates once → each type's file turns candidates into
 * findings, grading confidence by binary search over the keyword positions. */
#ifndef SS_DETECT_INT_H
#define SS_DETECT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "detect.h"
#include "normalise.h"

/* ---- phrase matcher (detect_phrase.c) ----------------------------------
 * A phrase is a tiny pattern, enough for the spec's keyword and SG_TERMS
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
/* The built sets, for those tests. */
const ss_phrase_set *ss_kw_phrases(void);
const ss_phrase_set *ss_sg_phrases(void);

/* ---- keyword positions --------------------------------------------------*/
#define SS_KW_DEMOTE (1u << 20)   /* telephone / commercial label (§10) */
#define SS_KW_AGE    (1u << 21)   /* child-age signal (§7.5, detect_age.c) */
#define SS_KW_BIT(t) (1u << (t))

typedef struct {
    size_t s, e;                  /* normalised byte span */
    unsigned mask;
} ss_kwhit;

/* Safeguarding terms seen in a segment: the first match of each. */
#define SS_SG_MAX 64
typedef struct {
    size_t s[SS_SG_MAX], e[SS_SG_MAX];
    unsigned char seen[SS_SG_MAX];
} ss_sg_hits;

/* The SG_TERMS phrases (detect_sg.c); term i is ss_sg_terms[i]. */
extern const ss_phrase ss_sg_terms[];
extern const size_t ss_sg_nterms;
void ss_sg_hit(ss_sg_hits *h, size_t term, size_t s, size_t e);

/* ---- tables (detect_table.c, spec §10, §7.5, §2) ----------------------
 * A segment that is a CSV file or a sheet: rows on lines, cells split by
 * TAB or by commas. Spans are offsets in the normalised text. */
typedef struct {
    size_t s, e;
} ss_span;

typedef struct {
    char sep;                     /* '\t' or ','; 0: not a table */
    const char *t;
    size_t len;
    size_t hs, he;                /* the header line */
    ss_span *hdr;                 /* its cells, trimmed */
    size_t ncols;
    size_t *lines, nlines;        /* data line starts, built on first use */
    int indexed;
    /* where the last ss_table_locate stopped, to go on from there */
    int cur_ok, cur_q;
    size_t cur_line, cur_pos, cur_col;
    /* keyword types in each header cell, and in row row_line (ss_table_kw) */
    unsigned *hdr_mask;
    unsigned row_mask;
    size_t row_line;
    int row_ok;
} ss_table;

/* Recognise a table in normalised text (tb->sep == 0 when it is not one). */
void ss_table_find(ss_table *tb, const char *t, size_t len);
void ss_table_free(ss_table *tb);
/* The data row [*ls, *le) and column of pos; 0 when pos is not in a data
 * row. Cheapest when asked in increasing pos. */
int ss_table_locate(ss_table *tb, size_t pos, size_t *ls, size_t *le, size_t *col);

typedef struct {
    const ss_norm *nm;
    const ss_detect_opts *o;
    size_t seg;
    ss_table *tab;                /* NULL unless the segment is a table */
    ss_sg_hits *sg;               /* filled by the same scan as the keywords */
    const uint64_t *digits;       /* ss_digit_bits of the normalised text */
    ss_kwhit *kw;                 /* sorted by s */
    size_t nkw, kwcap;
} ss_segctx;

/* A keyword of any type in mask within 300 characters of [s, e), or in a
 * table, in the header cell of its column or anywhere in its row. */
int ss_kw_near(const ss_segctx *c, unsigned mask, size_t s, size_t e);
/* The first keyword hit starting at or after pos. */
size_t ss_kw_first(const ss_segctx *c, size_t pos);
/* A keyword hit inside [s, e) with a type in mask and none in without. */
int ss_kw_within(const ss_segctx *c, unsigned mask, unsigned without,
                 size_t s, size_t e);

/* Table rules on the keyword hits (detect_table.c). */
/* A keyword of mask in pos's column header or row. */
int ss_table_kw(const ss_segctx *c, unsigned mask, size_t pos);
/* Column col is headed by a DOB label (§7.5): "DOB", "Pupil date of birth",
 * "D.O.B (dd/mm/yyyy)". */
int ss_table_hdr_dob(const ss_segctx *c, size_t col);
/* Column col's header holds a keyword of mask and none of without. */
int ss_table_hdr_kw(const ss_segctx *c, size_t col, unsigned mask, unsigned without);
/* Every non-empty data cell (trimmed) of the columns k with cols[k] set,
 * in text order; cols has c->tab->ncols entries. */
typedef void (*ss_table_cell_cb)(void *ctx, size_t col, size_t s, size_t e);
void ss_table_cells(const ss_segctx *c, const unsigned char *cols,
                    ss_table_cell_cb cb, void *ctx);
/* The table rules' findings: 9-digit cells under a CHI header (§2). */
void ss_chi_table_detect(const ss_segctx *c, ss_findings *out);
/* A telephone/commercial label ending within 20 characters before s. */
int ss_demote_before(const ss_segctx *c, size_t s);
/* Step a confidence level by delta levels, clamped to LOW..HIGH. */
int ss_conf_step(int conf, int delta);
/* Append a zeroed finding for type t at normalised [s, e) of this segment. */
ss_finding *ss_finding_add(const ss_segctx *c, ss_findings *out, ss_type t,
                           size_t s, size_t e);
/* Keyword confidence + demotion for an identifier finding. */
void ss_grade_identifier(const ss_segctx *c, ss_finding *f, size_t s, size_t e,
                         int with_kw, int without_kw);

/* §7.5 child-age signals: phrases for the keyword scan, and the check of
 * a hit's surroundings (a number under 18, a recent birth year). Returns
 * the mask to keep for the hit, 0 when it is no signal. */
extern const ss_phrase ss_age_signals[];
extern const size_t ss_age_nsignals;
unsigned ss_age_check(const ss_segctx *c, unsigned mask, size_t s, size_t e);

/* Per-type keyword lists (mask = SS_KW_BIT(type)). */
extern const ss_phrase ss_nhs_keywords[];
extern const size_t ss_nhs_nkeywords;
extern const ss_phrase ss_chi_keywords[];
extern const size_t ss_chi_nkeywords;
extern const ss_phrase ss_hcn_keywords[];
extern const size_t ss_hcn_nkeywords;
extern const ss_phrase ss_uln_keywords[];
extern const size_t ss_uln_nkeywords;
extern const ss_phrase ss_upn_keywords[];
extern const size_t ss_upn_nkeywords;
extern const ss_phrase ss_nino_keywords[];
extern const size_t ss_nino_nkeywords;

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

/* ---- fast skips (detect_ten.c) ------------------------------------------
 * Digits are rare in prose, and every numeric identifier starts at the
 * start of a digit run: the detectors jump from run to run. */
/* Bit i of the result set when t[i] is an ASCII digit ((len + 63) / 64
 * words, malloc'd): built once per segment, so each detector skips 64
 * bytes of prose per word read. */
uint64_t *ss_digit_bits(const char *t, size_t len);
/* The first i >= from with bit i set, or len. */
static inline size_t ss_next_digit(const uint64_t *bits, size_t len, size_t from)
{
    if (from >= len)
        return len;
    size_t w = from / 64, nw = (len + 63) / 64;
    uint64_t m = bits[w] & (~0ull << (from % 64));
    while (m == 0) {
        if (++w >= nw)
            return len;
        m = bits[w];
    }
    return w * 64 + (size_t)__builtin_ctzll(m);
}
/* The end of the digit run starting at i. */
size_t ss_digit_run_end(const char *t, size_t len, size_t i);

/* ---- ten-digit candidates (detect_ten.c, spec §0.2, §0.3) ------------- */
enum { SS_FORM_CONTIG, SS_FORM_334, SS_FORM_64 };
#define SS_TEN_MOD10_ONLY 0x100u  /* CHI passes by Luhn only */

typedef struct {
    size_t s, e;                  /* normalised span */
    char d[11];                   /* the ten digits, NUL-terminated */
    int form;
    unsigned types;               /* SS_KW_BIT(type) set + SS_TEN_MOD10_ONLY */
} ss_ten_cand;

typedef struct {
    ss_ten_cand *v;
    size_t n, cap;
} ss_ten_cands;

/* Classify ten digits in a form (§0.3), honouring o->chi_mod10. */
unsigned ss_ten_classify(const char *d, int form, const ss_detect_opts *o);
/* Every candidate of normalised text with a non-empty classification. */
void ss_ten_scan(const char *t, size_t len, const uint64_t *digits,
                 const ss_detect_opts *o, ss_ten_cands *out);

/* Per-type emitters: one finding from a classified candidate. */
void ss_nhs_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out);
void ss_chi_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out);
void ss_hcn_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out);
void ss_uln_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out);
/* "*** *** 5919" from ten digits. */
void ss_redact_334(char *dst, size_t n, const char *d10);

/* ---- pattern types with their own scanners -------------------------- */
void ss_upn_detect(const ss_segctx *c, ss_findings *out);   /* §4 */
void ss_nino_detect(const ss_segctx *c, ss_findings *out);  /* §6 */
/* §7: labelled dates of birth under 18; labels come from the keyword hits
 * carrying SS_KW_BIT(SS_T_DOB_CHILD). */
void ss_dob_detect(const ss_segctx *c, ss_findings *out);
/* §7.5/§10 in a table: each child's date filling a cell of a DOB-headed
 * column, MEDIUM ("DOB column header only"); called by ss_dob_detect. */
void ss_dob_table_detect(const ss_segctx *c, ss_findings *out, size_t labelled_from);

/* ---- context signals ---------------------------------------------------*/
/* §9.1: distinct-term score of normalised text; names of the scoring terms
 * are written to why (may be NULL). */
int ss_sg_score(const char *t, size_t len, char *why, size_t whylen,
                size_t *first_s, size_t *first_e);
void ss_sg_detect(const ss_segctx *c, ss_findings *out);
/* §9.2 protective markings. */
void ss_marking_detect(const ss_segctx *c, ss_findings *out);

#endif
