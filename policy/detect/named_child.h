/* Named child (spec identifiers.md §9.3): a given name from the lexicon and
 * a surname, with a child signal near it, in normalised segment text.
 *
 * One pass over each segment's bytes records name candidates, child-signal
 * words, line events (greetings, closings, quotes, disclaimers, headers)
 * and table blocks; no regex engine, no backtracking over the text. Each
 * candidate is then resolved with bounded look-ups around it (at most 150
 * characters for signals, 300 for §9.1 terms).
 *
 * Inputs come from the other detectors through two small structs, so the
 * file can live in policy/detect/ beside them:
 *   ss_nc_segctx  per segment: every §9.1 term occurrence (with its weight and
 *              term index) and the dob_child finding spans;
 *   ss_nc_msgctx  per message: marking_sensitive, another identifier finding.
 * Whether the message has sg_context is worked out here from the term
 * occurrences of every segment scanned (score >= 2 in one segment, terms in
 * signature blocks and disclaimers left out, as §9.3 says), and can be
 * forced on through ss_nc_msgctx for segments this detector never saw.
 *
 * A finding's name[] is the normalised full name for the keyed hash:
 * NEVER log it. redacted[] ("A. E. (aged 10)") is safe to log. */
#ifndef SS_NC_NAMED_CHILD_H
#define SS_NC_NAMED_CHILD_H

#include <stddef.h>

/* Purview's numbers, as SS_CONF_* in types.h. */
enum { SS_NC_CONF_LOW = 65, SS_NC_CONF_MEDIUM = 75, SS_NC_CONF_HIGH = 85 };

/* One occurrence of a §9.1 SG_TERMS term in the segment: normalised byte
 * span, its index in SG_TERMS (ss_sg_terms[] has the same order; distinct
 * terms make the score) and its weight (1 or 2). */
typedef struct {
    size_t s, e;
    unsigned term;
    unsigned weight;
} ss_nc_term;

typedef struct {
    size_t s, e;
} ss_nc_span;

typedef struct {
    const ss_nc_term *terms;   /* every occurrence, sorted by s; may be NULL */
    size_t nterms;
    const ss_nc_span *dobs;    /* dob_child findings (label to date), sorted by s */
    size_t ndobs;
    int is_filename;        /* an attachment's file name: '_' '-' '.' read as
                               spaces, no greeting/signature/header rules */
    /* maps a normalised span to the original segment's (NULL: the same) */
    void (*span)(const void *spanctx, size_t s, size_t e, size_t *off, size_t *len);
    const void *spanctx;
} ss_nc_segctx;

typedef struct {
    int sg_context;         /* sg_context in a segment ss_nc_scan_segment did not see */
    int marking_sensitive;  /* a marking_sensitive finding in the message */
    int other_identifier;   /* nhs/chi/hcn/upn/uln/nino/dob_child finding in the message */
} ss_nc_msgctx;

/* Options. SS_NC_OPT_REFERENCE: behave exactly as named_child_reference.py
 * (its 25-word stop-list, none of the tunings in README.md); the default
 * (0) is the shipped behaviour. */
#define SS_NC_OPT_REFERENCE 0x1u
typedef struct {
    int ref_year;           /* year of the reference date (§7.1), for "born 2019" */
    unsigned flags;         /* SS_NC_OPT_* */
} ss_nc_opts;

/* Which child signal made the finding (the first found, in the order §9.3
 * lists them). */
enum ss_nc_signal {
    SS_NC_SIG_NONE = 0,
    SS_NC_SIG_AGE_AFTER,   /* "(7)", "(7 yrs)", "(15-year-old)", ", 7," right after the name */
    SS_NC_SIG_IS_AGE,      /* "NAME is 14" */
    SS_NC_SIG_AGED,        /* "aged 3", "age 3" */
    SS_NC_SIG_YEARS_OLD,   /* "3 years old", "3-year-old" */
    SS_NC_SIG_YO,          /* "3yo" */
    SS_NC_SIG_YRS,         /* "3 yrs" */
    SS_NC_SIG_BORN,        /* "born 2019" */
    SS_NC_SIG_DOB,         /* a dob_child finding */
    SS_NC_SIG_LABEL,       /* "Child's name", "Name of child", "Pupil name", "Young person:", "Child:" */
    SS_NC_SIG_COLUMN,      /* a column header of that kind over the cell */
    SS_NC_SIG_STAGE,       /* Reception, Nursery, Year 1..13, Y1..Y13, Sixth Form, pupil, student at X */
    SS_NC_SIG_ROLE,        /* child, son, daughter, baby, ..., young person, YP, CYP, looked after */
    SS_NC_SIG_ROLE_START,  /* a role word capitalised because it opens a sentence */
    SS_NC_SIG_SG_TERM      /* a weight-2 §9.1 term in the same sentence */
};

/* finding flags */
#define SS_NC_F_ALONE         0x01u  /* a given name alone; its full name is elsewhere in the message */
#define SS_NC_F_SURNAME_FIRST 0x02u  /* "Surname, Given" */
#define SS_NC_F_NEAR_TERM     0x04u  /* a §9.1 term within 300 characters */
#define SS_NC_F_SG            0x08u  /* the message has sg_context */
#define SS_NC_F_FILENAME      0x10u  /* found in an attachment's file name */

typedef struct {
    size_t seg;             /* segment index given to ss_nc_scan_segment */
    size_t s, e;            /* byte span in the normalised segment text */
    size_t off, len;        /* byte span in the original segment (ss_nc_segctx.span) */
    int confidence;         /* SS_NC_CONF_HIGH or SS_NC_CONF_MEDIUM (LOW is never reported) */
    unsigned flags;         /* SS_NC_F_* */
    int signal;             /* enum ss_nc_signal */
    char redacted[96];      /* initials and the signal: safe to show and log */
    char name[128];         /* "amelia evans": keyed hash only. NEVER log. */
} ss_nc_finding;

typedef struct ss_nc_message ss_nc_message;   /* detect.h names it too */

/* A message: scan each segment (any order), then finish once. */
ss_nc_message *ss_nc_message_new(const ss_nc_opts *o);
void ss_nc_scan_segment(ss_nc_message *m, size_t seg, const char *text, size_t len,
                     const ss_nc_segctx *ctx);
/* Grade and return the findings (MEDIUM and HIGH), sorted by segment and
 * position; the array lives until ss_nc_message_free. */
size_t ss_nc_message_finish(ss_nc_message *m, const ss_nc_msgctx *mc, const ss_nc_finding **out);
/* Zeroes every name before freeing. */
void ss_nc_message_free(ss_nc_message *m);

/* Lexicon tests: is this token (a word as the text has it, e.g. "Siobhán",
 * "AMELIA", "Amelia's") a given name under §9.3's first bullet? */
int ss_nc_is_given_name(const char *word, size_t len, unsigned opt_flags);
/* Raw lexicon look-up of a folded lower-case key: 1 when present, with its
 * stop-list flags (SS_NC_LEX_STOP_*) in *stop. */
int ss_nc_lexicon_has(const char *key, size_t len, unsigned *stop);

#endif
