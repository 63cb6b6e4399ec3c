/* Text attachments and charsets: bytes in any charset (the first line of
 * the input names it) to UTF-8, which must come out valid. */
#include "fuzz.h"
#include "text/charset.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

SS_FUZZ_TARGET(fuzz_text)
{
    ss_text_init();
    const uint8_t *nl = memchr(data, '\n', size < 40 ? size : 40);
    char *charset = nl ? ss_fuzz_cstr(data, (size_t)(nl - data)) : NULL;
    const uint8_t *body = nl ? nl + 1 : data;
    size_t n = size - (size_t)(body - data);
    ss_buf a = SS_BUF_INIT, b = SS_BUF_INIT;
    ssx_text_decode(&a, body, n, charset);
    ssx_to_utf8(&b, (const char *)body, n, charset);
    ssx_unflow(&b, n & 1);
    /* What charset.h promises: valid UTF-8 always, and from ssx_to_utf8
     * no NUL (it becomes a space). */
    if ((a.len && !g_utf8_validate_len(a.p, a.len, NULL)) ||
        (b.len && (!g_utf8_validate_len(b.p, b.len, NULL) || memchr(b.p, 0, b.len))))
        abort();
    ss_buf_free(&a);
    ss_buf_free(&b);
    free(charset);
    return 0;
}
