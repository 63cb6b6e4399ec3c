/* Detection: text segments → findings (spec identifiers.md).
 * Hard rules decide whether a string is an identifier; context only grades
 * confidence (§10). A finding's value is kept only in memory for hashing and
 * redaction, never written anywhere. */
#ifndef SS_DETECT_H
#define SS_DETECT_H

#include <stddef.h>
#include "base/types.h"

/* finding flags */
#define SS_F_KEYWORD    0x01u  /* a keyword of its type within 300 chars */
#define SS_F_TEST_RANGE 0x02u  /* NHS 9xx: never issued, test/synthetic */
#define SS_F_MOD10_ONLY 0x04u  /* CHI valid by the 2026 Mod-10 rule only */
#define SS_F_DEMOTED    0x08u  /* a telephone/commercial label just before */
#define SS_F_CHILD_AGE  0x10u  /* CHI-implied age under 18, or (MEDIUM only)
                                  a §7.5 child-age signal within 300 chars */
#define SS_F_GRADED     0x20u  /* ss_detect_grade has applied the message-level
                                  modifier: grading twice does not lift twice */

typedef struct {
    ss_type type;
    int confidence;       /* SS_CONF_LOW / MEDIUM / HIGH (after grading) */
    unsigned flags;
    size_t seg;           /* index of the segment it was found in */
    size_t off, len;      /* byte span in the ORIGINAL segment text */
    char value[64];       /* normalised value: digits, upper-case UPN/NINO,
                             ISO date for dob_child, marking text for markings;
                             empty for sg_context. NEVER log this. */
    char redacted[48];    /* "*** *** 5919", safe to show and log */
} ss_finding;

typedef struct {
    ss_finding *v;
    size_t n, cap;
    int sg_score;         /* highest sg_context score of any segment */
    int has_marking;      /* any marking_sensitive finding */
    struct ss_nc_message *nc;  /* named-child candidates until ss_detect_grade */
} ss_findings;

typedef struct {
    int ref_year, ref_month, ref_day;  /* "today" for age rules (§7.1) */
    int chi_mod10;                     /* accept the 2026 CHI Mod-10 rule (default 1) */
    int nhs_test_range;                /* report NHS 9xx test-range numbers (default 1) */
    int filename;                      /* this segment is an attachment's file name:
                                          '_' '-' '.' read as spaces (§9.3) */
} ss_detect_opts;

void ss_detect_opts_default(ss_detect_opts *o); /* today's local date, both switches on */

/* Run every detector over one segment, appending findings (seg = segidx).
 * Confidence here is per segment (keyword proximity, demotion); call
 * ss_detect_grade once after all segments for message-level modifiers. */
void ss_detect_segment(const char *text, size_t len, size_t segidx,
                       const ss_detect_opts *o, ss_findings *out);

/* Message-level modifiers (§10: +1 level with sg_context or a marking
 * anywhere in the message), and the named_child findings (§9.3), which
 * need the whole message. */
void ss_detect_grade(ss_findings *f);

/* Hard-rule layer for one type only (the vector tests): returns the number
 * of identifiers of type t found in text. */
size_t ss_detect_count(ss_type t, const char *text, size_t len,
                       const ss_detect_opts *o);

void ss_findings_free(ss_findings *f);

#endif
