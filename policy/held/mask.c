/* The held stage's names for the engine's masking (engine/mask.h), which
 * the audit record's purpose needs below this stage. */
#include "mask.h"
#include "engine/mask.h"

const char *ss_held_type_label(ss_type t)
{
    return ss_mask_label(t);
}

void ss_held_mask_segment(const ss_extract *x, const ss_findings *f, size_t seg, ss_buf *out)
{
    ss_mask_span(x, f, seg, 0, x->segs[seg].len, out);
}

size_t ss_held_mask_text(const ss_config *c, const char *text, ss_buf *out)
{
    return ss_mask_text(c, text, out);
}
