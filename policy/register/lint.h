/* What a person should read before publishing or signing a register that
 * parses (issue 17, `safesharectl register check`): the parser already
 * refuses unknown keys, duplicates and unmarked broad wildcards; these
 * are the things that are legal but probably wrong. */
#ifndef SS_REGISTER_LINT_H
#define SS_REGISTER_LINT_H

#include <stddef.h>
#include <time.h>
#include "base/buf.h"
#include "register.h"

#define SS_LINT_SOON_DAYS 30

/* Append one line per warning, "NAME:LINE: key: text\n", to out:
 *   an entry an exclusion of the same pattern makes useless;
 *   an entry that adds nothing to the wildcard above it (same attributes);
 *   an exclusion that excludes nothing;
 *   a broad wildcard (broad=yes) over a public suffix;
 *   an entry whose until= has passed or comes within 30 days of now,
 *   and an %expires within 30 days;
 *   an entry without tls= (the MTA export cannot enforce anything for it).
 * Returns the number of warnings. */
size_t ss_register_lint(const ss_register *r, const char *name, time_t now, ss_buf *out);

#endif
