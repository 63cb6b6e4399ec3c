/* The decision: findings × parties × policy → verdict. Pure: no I/O, so
 * every cell of the table is a unit test. */
#ifndef SS_DECIDE_H
#define SS_DECIDE_H

#include <stddef.h>
#include "base/reference.h"
#include "config/config.h"
#include "detect/detect.h"
#include "extract/extract.h"
#include "register/register.h"

typedef struct {
    char *address;
    int is_sender;
    ss_match m;
} ss_party;

/* Why the verdict is what it is; one bit per rule that fired. */
#define SS_WHY_CHILD_DATA   0x01u  /* identifies a child (spec §10 default rule) */
#define SS_WHY_UNCERTAIN    0x02u  /* identifier-like, nothing says whose (§10) */
#define SS_WHY_INSECURE     0x04u  /* sender or a recipient not secure */
#define SS_WHY_UNSCANNABLE  0x08u  /* a part could not be read */
#define SS_WHY_OVERSIZE     0x10u  /* too big to scan */
#define SS_WHY_NOT_SCANNED  0x20u  /* parts skipped by design (recorded only) */
#define SS_WHY_STALE        0x40u  /* the register is out of date: nobody is secure */
#define SS_WHY_NO_PURPOSE   0x80u  /* child data, secure, no purpose stated (RequirePurpose) */

typedef struct {
    ss_action action;
    unsigned why;          /* SS_WHY_* */
    const char *rule;      /* the config key that chose the action, or "default" */
    char reference[16];    /* "SS-XXXX-XXXX": quoted in the reply and the audit record */
    char **reasons;        /* for the audit record, plain text, no identifiers */
    size_t nreasons;
} ss_verdict;

/* Whether a finding's type identifies a person (not a context signal). */
int ss_type_is_identifier(ss_type t);

/* Fill v. reference must already be set (ss_reference_new) so tests can fix it. */
void ss_decide(const ss_config *c, const ss_findings *f, const ss_party *parties,
               size_t nparties, const ss_extract *x, int oversize, ss_verdict *v);
void ss_verdict_free(ss_verdict *v);

/* A fresh random reference, "SS-" and 8 Crockford base32 characters. */

#endif
