/* HTML to the text a reader sees, and the hidden text apart. */
#include "fuzz.h"
#include "extract/extract.h"

#include <stdlib.h>
#include <string.h>

SS_FUZZ_TARGET(fuzz_html)
{
    size_t n = 0, hn = 0, tn = 0;
    char *hidden = NULL;
    char *shown = ss_html_split((const char *)data, size, &n, &hidden, &hn);
    char *text = ss_html_to_text((const char *)data, size, &tn);
    /* The lengths say what the strings hold, and the strings end there. */
    if (!shown || !hidden || !text || strlen(shown) > n || strlen(hidden) > hn ||
        strlen(text) > tn)
        abort();
    free(shown);
    free(hidden);
    free(text);
    return 0;
}
