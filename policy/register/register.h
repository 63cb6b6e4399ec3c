/* The secure-domain register (spec register.md): parse strictly, match
 * with normalisation, wildcards strictly below, exclusions, expiry. */
#ifndef SS_REGISTER_H
#define SS_REGISTER_H

#include <stddef.h>
#include <time.h>

typedef struct ss_register ss_register;

/* Load and parse. On error returns -1 and writes
 * "FILE:LINE: KEY: problem" (or "FILE: problem") into err. */
int ss_register_load(const char *path, ss_register **out, char *err, size_t errlen);
/* Same, from memory; name is used in error messages. */
int ss_register_parse(const char *name, const char *data, size_t len,
                      ss_register **out, char *err, size_t errlen);
void ss_register_free(ss_register *r);

unsigned long long ss_register_serial(const ss_register *r);
const char *ss_register_publisher(const ss_register *r);
/* %expires as time_t, or 0 when absent. */
time_t ss_register_expires(const ss_register *r);
/* %issued as time_t, or 0 when absent. */
time_t ss_register_issued(const ss_register *r);
/* Number of entries and exclusions. */
size_t ss_register_count(const ss_register *r);
/* Non-fatal warnings found while parsing (e.g. broad wildcards), one per line. */
const char *ss_register_warnings(const ss_register *r);

/* One entry or exclusion as written (for lint, diff, the MTA exports).
 * Attribute values are NULL when absent. */
typedef struct {
    const char *pattern;       /* normalised, as shown: "x", "*.x", "!x", "!*.x" */
    const char *domain;        /* the name under the pattern: "x" */
    unsigned line;
    int exclusion;
    int wildcard;
    const char *org, *basis, *until, *ref, *ods, *alt, *tls, *match, *pin, *min,
               *broad, *reason;
} ss_reg_entry;

/* Entry i (0 <= i < ss_register_count), in file order. */
void ss_register_entry(const ss_register *r, size_t i, ss_reg_entry *out);
/* Entries that are not exclusions. */
size_t ss_register_live_count(const ss_register *r);

typedef struct {
    int secure;            /* 1 only if a live, non-excluded entry matches */
    char domain[256];      /* normalised A-label domain, or "" if unparseable */
    char entry[256];       /* the pattern that decided, e.g. "*.exampleshire.gov.uk", or "" */
    char org[128];         /* org= of the entry, or "" */
    char basis[32];        /* basis= of the entry (dcb1596, nhsmail, ...), or "" */
    char alt[256];         /* alt= secure domain to suggest, or "" */
    char until[16];        /* until= of the entry, YYYY-MM-DD, or "" */
    char why[256];         /* for people: "on the secure-domain register (NHSmail)",
                              "not on the secure-domain register",
                              "accreditation expired 2026-03-31",
                              "excluded from the register: no TLS on this host",
                              "the address's domain is not valid",
                              "gcsx.gov.uk was retired and is not a secure domain",
                              "the date of the check is not valid",
                              "the secure-domain register is out of date" */
    int stale;             /* the register in force is past %expires: this party
                              was not checked, it is insecure for child data */
} ss_match;

/* Decide whether ADDRESS (local@domain, with or without <>) is secure on
 * date TODAY ("YYYY-MM-DD"; an entry is live through its until= date).
 * r may be NULL (no register: nothing is secure). Always fills m. */
void ss_register_check(const ss_register *r, const char *address,
                       const char *today, ss_match *m);

/* Domain normalisation on its own: lowercase, one trailing dot removed,
 * IDNA2008 to A-labels. Returns 0 and writes out, or -1 if invalid. */
int ss_domain_normalise(const char *domain, char *out, size_t outlen);

#endif
