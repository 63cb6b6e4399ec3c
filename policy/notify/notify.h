/* Notices about held mail (issue 4): the sender told at once that a
 * message is held and later what the DSL decided, the DSL told that a
 * message is waiting, and reminded while one waits too long.
 *
 * Each notice is a plain-English template with {placeholders}, built in
 * and overridable per site by KIND.txt in NotifyTemplateDir (man
 * safeshare.conf(5), NOTICES). A template can only say what the note
 * holds: addresses, the reference, the reviewer and reason, and what was
 * found as type-and-location phrases. No identifier is ever given to a
 * notice, so none can be printed.
 *
 * Notices go out over SMTP to ReleaseSubmitURL (the submission code of
 * release.h, with short time limits), from NotifyFrom, through the MTA
 * and so through the milter like any other mail. Without NotifyFrom no
 * notice is sent. A notice is never sent to the null sender or to
 * NotifyFrom itself, so a notice that is itself held cannot start a loop. */
#ifndef SS_NOTIFY_H
#define SS_NOTIFY_H

#include <stddef.h>
#include <time.h>
#include "base/buf.h"
#include "config/config.h"

typedef enum {
    SS_NOTE_HELD = 0,        /* to the sender: held for review */
    SS_NOTE_WAITING,         /* to DSLAddress: a message is waiting */
    SS_NOTE_RELEASED,        /* to the sender: released, with the reason */
    SS_NOTE_REFUSED,         /* to the sender: refused, with the reason */
    SS_NOTE_REMINDER,        /* to DSLAddress and the deputy: still waiting */
    SS_NOTE_REGISTER,        /* to AdminAddress and DSLAddress: the register is
                                stale or its update keeps failing (daily) */
    SS_NOTE_AUDIT,           /* to AuditDigestTo: the daily check of the audit
                                trail and where its chain stands */
    SS_NOTE__COUNT
} ss_note_kind;

/* "held", "waiting", ...: the template file is NAME.txt. */
const char *ss_note_name(ss_note_kind k);
/* The kind named by a template name. 0, or -1 for no such notice. */
int ss_note_parse(const char *name, ss_note_kind *out);

/* What a notice may say. Any field may be NULL/0; a template line that
 * uses an empty one is left out. */
typedef struct {
    const char *reference;
    const char *sender;
    const char *const *recipients;   /* the insecure ones */
    size_t nrecipients;
    const char *found;               /* ss_qmeta_summary's phrase list */
    time_t received;
    const char *reviewer;
    const char *reason;
    const char *note;                /* the reviewer's words to the sender */
    const char *list;                /* reminder: one block per message */
    size_t count;                    /* reminder: how many */
    long hours;                      /* reminder: --older-than */
    const char *problem;             /* register: what is wrong, one line */
    const char *register_path;       /* register: the Register file */
    unsigned long long serial;       /* register: the one in force */
    const char *expires;             /* register: its %expires */
    const char *status;              /* audit: "all 1234 records verified", or a break */
    const char *result;              /* audit: what verify printed */
    const char *head;                /* audit: where the chain stands, SEQ:CHAIN */
    const char *trail;               /* audit: the AuditLog file */
} ss_note;

/* The templates in use: the built-in ones, each replaced by
 * NotifyTemplateDir/KIND.txt when that file exists. Also checks the
 * addresses (NotifyFrom, DSLAddress, DSLDeputyAddress). NULL with err
 * ("FILE:LINE: unknown placeholder {x}") on any problem, so a bad file
 * stops a start or a reload instead of a notice. */
typedef struct ss_notify_templates ss_notify_templates;
ss_notify_templates *ss_notify_load(const ss_config *c, char *err, size_t errlen);
void ss_notify_free(ss_notify_templates *t);

/* A plain address (local@domain, no spaces, brackets or quotes) that is
 * safe in a header and an SMTP envelope. 1 or 0. */
int ss_notify_address_ok(const char *a);

/* The built-in text of a template (for the man page test and docs). */
const char *ss_notify_default(ss_note_kind k);

/* Who a notice of kind k goes to: the sender for HELD, RELEASED and
 * REFUSED; DSLAddress for WAITING; DSLAddress and DSLDeputyAddress (or
 * `deputy` when given) for REMINDER. Fills to[] (at most 2) and returns
 * how many: 0 when there is nobody to tell or NotifyFrom is unset.
 * REGISTER goes to AdminAddress and DSLAddress. */
size_t ss_notify_recipients(const ss_config *c, ss_note_kind k, const ss_note *n,
                            const char *deputy, const char *to[2]);

/* The whole message (headers and a wrapped UTF-8 body, CRLF): From
 * NotifyFrom, To, Subject from the template, Date, Message-ID,
 * Auto-Submitted: auto-generated, X-Safeshare-Notice: KIND REF. */
void ss_notify_render(const ss_config *c, const ss_notify_templates *t, ss_note_kind k,
                      const ss_note *n, const char *const *to, size_t nto, ss_buf *out);

/* Render and submit now (at most 10 s to connect, 30 s in all). 0 sent;
 * 1 nobody to tell (not an error); -1 with err. */
int ss_notify_send(const ss_config *c, const ss_notify_templates *t, ss_note_kind k,
                   const ss_note *n, const char *deputy, char *err, size_t errlen);

/* The time limits ss_notify_send uses, for callers that submit later. */
#define SS_NOTIFY_CONNECT_SECS 10L
#define SS_NOTIFY_TOTAL_SECS 30L

/* "Tue 5 Nov 2024 at 14:02", local time, the same in every locale; ""
 * for 0. Notices and the review pages say times this way. */
void ss_notify_when(time_t t, char *out, size_t n);

/* ReviewURL (without a trailing slash) followed by path ("/queue"). */
void ss_notify_review_url(const ss_config *c, const char *path, ss_buf *out);

/* "an NHS number (high) in the body" -> "an NHS number in the body": the
 * sender needs what and where, not how sure the detector was. */
void ss_notify_plain_found(const char *summary, ss_buf *out);

#endif
