/* Text people read or that is recorded, with every identifier the
 * detectors find replaced by its kind ("[NHS number]") and the rest as
 * written: a held message's parts (policy/held), the words people type
 * about a message (a reviewer's reason, a note), and the purpose a sender
 * states in a subject or header (the audit record). Context phrases and
 * markings are not identifiers and stay readable. */
#ifndef SS_ENGINE_MASK_H
#define SS_ENGINE_MASK_H

#include "base/buf.h"
#include "config/config.h"
#include "detect/detect.h"
#include "extract/extract.h"

/* "an NHS number" -> "NHS number" */
const char *ss_mask_label(ss_type t);

/* Bytes [off, off + len) of segment seg of x, appended to out with each
 * identifier finding in them replaced (a finding that runs over either
 * edge is replaced too). */
void ss_mask_span(const ss_extract *x, const ss_findings *f, size_t seg, size_t off,
                  size_t len, ss_buf *out);

/* A person's text run through the detectors on its own, masked the same
 * way. out is reset first. Returns how many identifiers were masked. */
size_t ss_mask_text(const ss_config *c, const char *text, ss_buf *out);

#endif
