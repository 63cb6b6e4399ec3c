/* The form of an identifier its keyed hash is taken over (audit.h,
 * ss_audit_hmac): the detectors produce it for what they find, and
 * `safesharectl audit search` for what a DPO types, so the two meet. */
#ifndef SS_DETECT_VALUE_KEY_H
#define SS_DETECT_VALUE_KEY_H

#include <stddef.h>
#include "base/types.h"

/* A child's name as its keyed hash is taken (spec §9.3: "the normalised
 * full name in lower case"), the one definition the named-child detector
 * and the search share:
 *   1. the §0.1 normalisation: Unicode NFKC (full-width letters, no-break
 *      and other spaces), soft hyphen and zero-width characters removed,
 *      U+2010..U+2015 and U+2212 to "-";
 *   2. accents folded: NFD, then combining marks dropped (Siobhán =
 *      Siobhan, Zoë = Zoe);
 *   3. apostrophes U+2018, U+2019, U+02BC, U+0060, U+00B4 to "'" (O’Neill =
 *      O'Neill);
 *   4. lower case (per character, Unicode);
 *   5. white space of any kind collapsed to one space, none at either end.
 * "  Reuben   ROBINSON " and "reuben robinson" give "reuben robinson".
 * 0, or -1 when name is not UTF-8, is empty after step 5, or does not fit
 * (out is then ""). */
int ss_named_child_key(const char *name, char *out, size_t outlen);

/* What a person typed, as the detector of type t would record it: the
 * identifier detectors are run over it (so spaces, hyphens and case do not
 * matter, and a check digit must be right); a date of birth may be
 * YYYY-MM-DD or DD/MM/YYYY (also with - or .); a name goes through
 * ss_named_child_key. 0 with out filled; -1 with why ("not a valid NHS
 * number: ...") when no record can hold it. */
int ss_value_key(ss_type t, const char *typed, char *out, size_t outlen, char *why,
                 size_t whylen);

#endif
