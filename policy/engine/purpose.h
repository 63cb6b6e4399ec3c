/* The purpose of a share, for the audit record and the delivered subject
 * (the sender states it; extract/purpose.c finds where). */
#ifndef SS_ENGINE_PURPOSE_H
#define SS_ENGINE_PURPOSE_H

#include "config/config.h"
#include "detect/detect.h"
#include "extract/extract.h"

#define SS_PURPOSE_MAX 200   /* characters kept in the record */

/* The stated purpose with each identifier found in it masked ("[NHS
 * number]"), white space collapsed, control characters dropped, cut to
 * SS_PURPOSE_MAX characters (malloc'd); NULL when none was stated. */
char *ss_engine_purpose(const ss_extract *x, const ss_findings *f);

/* With RemovePurposeTag, the Subject to deliver without its tag
 * (malloc'd); otherwise, or when the subject has no tag, NULL. */
char *ss_engine_untagged_subject(const ss_config *c, const ss_extract *x);

#endif
