/* The reference a decision is known by: "SS-7KQ2-M9XD". It is quoted by
 * the sender, names the audit record, and names a held message's files
 * in the quarantine store, so its form is checked before it is used as
 * a file name. */
#ifndef SS_BASE_REFERENCE_H
#define SS_BASE_REFERENCE_H

/* A new random reference, "SS-" and two groups of four Crockford base32
 * characters. */
void ss_reference_new(char out[16]);

/* A reference usable as a file name: 1..31 of [A-Z0-9-], starting with
 * a letter or digit ("SS-7KQ2-M9XD"). Callers upper-case user input. */
int ss_reference_ok(const char *ref);

#endif
