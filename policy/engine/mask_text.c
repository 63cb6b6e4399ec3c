/* A person's text masked (mask.h): the detectors run over it alone. Apart
 * from mask.c, which the engine itself uses, because this calls the
 * engine. */
#include "mask.h"
#include "engine.h"
#include "decide/decide.h"

#include <string.h>

size_t ss_mask_text(const ss_config *c, const char *text, ss_buf *out)
{
    ss_buf_reset(out);
    ss_buf_adds(out, "");
    if (!text || !*text)
        return 0;
    ss_segment seg = { (char *)text, strlen(text), (char *)"typed text" };
    ss_extract x = { .segs = &seg, .nsegs = 1 };
    ss_findings f = { 0 };
    ss_engine_detect(c, NULL, &x, &f);
    size_t n = 0;
    for (size_t i = 0; i < f.n; i++)
        n += ss_type_is_identifier(f.v[i].type) != 0;
    ss_mask_span(&x, &f, 0, 0, seg.len, out);
    ss_findings_free(&f);
    return n;
}
