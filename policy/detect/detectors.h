/* What the driver (detect.c) calls: each detector's entry point, and the
 * phrases each contributes to the one keyword scan. A detector implements
 * its lines here and reports only through segment.h. */
#ifndef SS_DETECT_DETECTORS_H
#define SS_DETECT_DETECTORS_H

#include "segment.h"

/* The SG_TERMS phrases (detect_sg.c); term i is ss_sg_terms[i]. */
extern const ss_phrase ss_sg_terms[];
extern const size_t ss_sg_nterms;
void ss_sg_hit(ss_sg_hits *h, size_t term, size_t s, size_t e);

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

/* ---- ten-digit identifiers -------------------------------------------- */
/* Per-type emitters: one finding from a classified candidate. */
void ss_nhs_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out);
void ss_chi_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out);
void ss_hcn_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out);
void ss_uln_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out);

/* The table rules' findings: 9-digit cells under a CHI header (§2). */
void ss_chi_table_detect(const ss_segctx *c, ss_findings *out);

/* ---- pattern types with their own scanners -------------------------- */
void ss_upn_detect(const ss_segctx *c, ss_findings *out);   /* §4 */
void ss_nino_detect(const ss_segctx *c, ss_findings *out);  /* §6 */
/* §7: labelled dates of birth under 18; labels come from the keyword hits
 * carrying SS_KW_BIT(SS_T_DOB_CHILD). */
void ss_dob_detect(const ss_segctx *c, ss_findings *out);
/* §7.5/§10 in a table: each child's date filling a cell of a DOB-headed
 * column, MEDIUM ("DOB column header only"); called by ss_dob_detect. */
void ss_dob_table_detect(const ss_segctx *c, ss_findings *out, size_t labelled_from);

/* datewords.c: a month name at t[i] (1-12, *end set; 0 if none), and a
 * date written with words at t[i] ("the fourth of March 2015", "March
 * the fourth, 2015", "Wednesday 4 March 2015", "4 Mar 15"): 1 with the
 * date and its end, 0 if there is none. */
int ss_month_at(const char *t, size_t len, size_t i, size_t *end);
int ss_date_words_at(const char *t, size_t len, size_t i, const ss_detect_opts *o,
                     int *y, int *m, int *d, size_t *end);

/* ---- context signals ---------------------------------------------------*/
/* §9.1: distinct-term score of normalised text; names of the scoring terms
 * are written to why (may be NULL). */
int ss_sg_score(const char *t, size_t len, char *why, size_t whylen,
                size_t *first_s, size_t *first_e);
void ss_sg_detect(const ss_segctx *c, ss_findings *out);
/* §9.2 protective markings. */
void ss_marking_detect(const ss_segctx *c, ss_findings *out);

/* §9.3 named child (detect_named_child.c): each segment after the other
 * detectors (its dob_child findings are a signal), the findings once per
 * message from ss_detect_grade; ss_sg_occ_add records a §9.1 term. */
void ss_sg_occ_add(ss_segctx *c, size_t term, size_t s, size_t e);
void ss_named_child_scan(const ss_segctx *c, ss_findings *out);
void ss_named_child_finish(ss_findings *f);

/* The built phrase sets (detect.c, detect_sg.c), for the unit tests. */
const ss_phrase_set *ss_kw_phrases(void);
const ss_phrase_set *ss_sg_phrases(void);

#endif
