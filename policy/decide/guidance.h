/* The practitioner's reply: what was found and where (never the value),
 * which recipient is the problem and why, what to do instead, and the
 * reference that matches the audit record. Plain English, short, kind. */
#ifndef SS_GUIDANCE_H
#define SS_GUIDANCE_H

#include <stddef.h>
#include "decide.h"

/* SMTP multi-line reply limits (RFC 5321 via libmilter): at most 32 lines,
 * each well under 980 characters once the status code is added. */
#define SS_REPLY_MAX_LINES 32
#define SS_REPLY_MAX_LINE  900

typedef struct {
    char **lines;       /* plain text: no CR, LF or other control characters */
    size_t n;
} ss_reply;

/* Build the reply for a verdict. For accept there is no reply (n = 0). */
void ss_reply_build(const ss_config *c, const ss_verdict *v, const ss_findings *f,
                    const ss_extract *x, const ss_party *parties, size_t np,
                    ss_reply *r);
void ss_reply_free(ss_reply *r);

/* The SMTP status for an action: "550"/"5.7.1", "451"/"4.7.1". */
const char *ss_reply_rcode(ss_action a);
const char *ss_reply_xcode(ss_action a);

/* Copy s into out (size n) safe for smfi_setmlreply: '%' doubled, control
 * characters replaced by spaces. Returns out. */
char *ss_reply_escape(const char *s, char *out, size_t n);

#endif
