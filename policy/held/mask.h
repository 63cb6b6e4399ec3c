/* Text a reviewer may read: every identifier the detectors find replaced
 * by its kind ("[NHS number]"), the rest as written. Context phrases and
 * markings are not identifiers and stay readable: the DSL needs them to
 * judge. The same masking serves a held message's parts and the words
 * people type about it (a reason, a note, a sender's purpose), which can
 * hold an identifier too and go to the audit trail and to notices. */
#ifndef SS_HELD_MASK_H
#define SS_HELD_MASK_H

#include "base/buf.h"
#include "config/config.h"
#include "detect/detect.h"
#include "extract/extract.h"

/* "an NHS number" -> "NHS number" */
const char *ss_held_type_label(ss_type t);

/* Segment seg of x with each identifier finding's span replaced. */
void ss_held_mask_segment(const ss_extract *x, const ss_findings *f, size_t seg, ss_buf *out);

/* A person's text run through the same detectors, masked the same way.
 * out is reset first. Returns how many identifiers were masked. */
size_t ss_held_mask_text(const ss_config *c, const char *text, ss_buf *out);

#endif
