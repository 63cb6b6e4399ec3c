/* A held message as a reviewer reads it, for every door that shows one
 * (safesharectl quarantine show, the safeshare-review message page): the
 * store's record and history, the headers that matter, every part's text
 * as the engine extracts it with each identifier masked (mask.h), what
 * was found where (redacted), the attachments, and each recipient as the
 * register sees it now. Nothing in a view holds an identifier in clear:
 * the raw message and its unmasked text are freed before it is returned.
 *
 * Opening a view is a look at child data, so it is recorded first (event
 * "view", with who): when the record cannot be written nothing is shown. */
#ifndef SS_HELD_VIEW_H
#define SS_HELD_VIEW_H

#include <stddef.h>
#include "audit/audit.h"
#include "config/config.h"
#include "quarantine/qmeta.h"
#include "quarantine/quarantine.h"
#include "record.h"
#include "register/register.h"

typedef struct {
    char *name;           /* "From", "To", "Cc", "Date", "Message-ID", "Subject" */
    char *value;          /* masked */
} ss_held_header;

typedef struct {
    char *location;       /* "the message body", "attachment \"a.docx\" › ..." */
    char *text;           /* masked */
    int listed;           /* shown elsewhere already: the Subject header or
                             an attachment's name */
} ss_held_part;

typedef struct {
    ss_type type;
    int confidence;
    char *location;
    char redacted[48];    /* "*** *** 5919" */
} ss_held_finding;

typedef struct {
    char *location;
    char *why;
} ss_held_unread;

typedef struct {
    char *location;       /* attachment "NAME" (digits of long numbers as #) */
    char *name;           /* the file name, identifiers masked */
    char *type;           /* as the sender's mail program labelled it */
    size_t size;          /* bytes; SIZE_MAX when it could not be decoded */
    char *found;          /* "an NHS number (high); a date of birth (medium)"
                             or "could not be read: why", or "" */
} ss_held_attach;

typedef struct {
    char *address;
    int insecure;         /* one of the recipients it was held for */
    ss_match m;           /* the register's answer today: secure, why, alt */
} ss_held_rcpt;

typedef struct {
    ss_qentry e;          /* state, sender, summary, history, purpose */
    ss_held_header *headers;
    size_t nheaders;
    ss_held_part *parts;
    size_t nparts;
    ss_held_finding *found;
    size_t nfound;
    ss_held_unread *unread;
    size_t nunread;
    ss_held_attach *attach;
    size_t nattach;
    ss_held_rcpt *rcpts;  /* every envelope recipient, in order */
    size_t nrcpts;
    char problem[256];    /* the message could not be read as mail: why */
} ss_held_view;

/* Read ref for who, recording the look first (a: an open log, or NULL to
 * open AuditLog). SS_Q_OK and v filled; the store's error; or
 * SS_Q_WRITE_FAILED when the look could not be recorded (nothing shown).
 * err names the reference, never content. */
ss_qerr ss_held_view_open(const ss_config *c, const ss_register *reg, ss_audit *a,
                          const char *ref, const ss_held_who *who, ss_held_view *v,
                          char *err, size_t errlen);
void ss_held_view_free(ss_held_view *v);

#endif
