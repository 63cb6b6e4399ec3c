/* The interface every detector reports through (not part of the public
 * contract, detect.h): one segment's normalised text and keyword hits,
 * the proximity and table questions a detector asks of them, and how it
 * adds a finding. The driver (detect.c) builds this context and calls the
 * detectors (detectors.h); no detector calls the driver.
 *   findings.c   adding findings, stepping confidence
 *   hits.c       the sorted keyword hits: first at, any within
 *   proximity.c  keyword in proximity (§10), demotion, identifier grading
 *   detect_table.c  tables (CSV, sheets): rows, columns, header cells
 *   detect_ten.c    digit runs and ten-digit candidates (§0.2, §0.3) */
#ifndef SS_DETECT_SEGMENT_H
#define SS_DETECT_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "detect.h"
#include "normalise.h"
#include "phrase.h"

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

/* Every occurrence of a safeguarding term, for the named-child detector:
 * term i is ss_sg_terms[i], of weight 1 or 2. */
typedef struct {
    size_t s, e;
    unsigned term, weight;
} ss_sg_occ;

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
    ss_sg_occ *sgocc;             /* every §9.1 term occurrence (named child) */
    size_t nsgocc, sgocccap;
} ss_segctx;

/* ---- hits.c: the sorted keyword hits --------------------------------- */
/* The first keyword hit starting at or after pos. */
size_t ss_kw_first(const ss_segctx *c, size_t pos);
/* A keyword hit inside [s, e) with a type in mask and none in without. */
int ss_kw_within(const ss_segctx *c, unsigned mask, unsigned without,
                 size_t s, size_t e);

/* ---- detect_table.c: table rules on the keyword hits ------------------ */
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

/* ---- proximity.c: keyword in proximity and grading (§10) -------------- */
/* A keyword of any type in mask within 300 characters of [s, e), or in a
 * table, in the header cell of its column or anywhere in its row. */
int ss_kw_near(const ss_segctx *c, unsigned mask, size_t s, size_t e);
/* A telephone/commercial label ending within 20 characters before s. */
int ss_demote_before(const ss_segctx *c, size_t s);
/* Keyword confidence + demotion for an identifier finding. */
void ss_grade_identifier(const ss_segctx *c, ss_finding *f, size_t s, size_t e,
                         int with_kw, int without_kw);

/* ---- findings.c: how a detector reports ------------------------------- */
/* Append a zeroed finding for type t at normalised [s, e) of this segment. */
ss_finding *ss_finding_add(const ss_segctx *c, ss_findings *out, ss_type t,
                           size_t s, size_t e);
/* Append a zeroed finding of type t, its place still to be set (a
 * finding made once per message, §9.3). */
ss_finding *ss_finding_push(ss_findings *out, ss_type t);
/* Step a confidence level by delta levels, clamped to LOW..HIGH. */
int ss_conf_step(int conf, int delta);

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
/* "*** *** 5919" from ten digits. */
void ss_redact_334(char *dst, size_t n, const char *d10);

#endif
