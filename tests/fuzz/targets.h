/* Every fuzz target (fuzz.h), listed once for the table in fuzz_util.c. */
#ifndef SS_FUZZ_TARGETS_H
#define SS_FUZZ_TARGETS_H

#include "fuzz.h"

#define SS_FUZZ_TARGETS(X) \
    X(fuzz_mime) X(fuzz_html) X(fuzz_text) X(fuzz_docx) X(fuzz_xlsx) X(fuzz_pptx) \
    X(fuzz_odf) X(fuzz_archive) X(fuzz_rtf) X(fuzz_pdf) X(fuzz_detect) \
    X(fuzz_register) X(fuzz_config) X(fuzz_qrecord) X(fuzz_token)

#define SS_FUZZ_DECLARE(name) ss_fuzz_fn name;
SS_FUZZ_TARGETS(SS_FUZZ_DECLARE)

#endif
