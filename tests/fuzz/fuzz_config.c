/* safeshare.conf: any text either parses or is refused naming file, line
 * and key; never a crash. */
#include "fuzz.h"
#include "config/config.h"

#include <stdlib.h>
#include <string.h>

SS_FUZZ_TARGET(fuzz_config)
{
    char *text = ss_fuzz_cstr(data, size);
    char err[1024] = "";
    ss_config *c = ss_config_parse("fuzz.conf", text, err, sizeof err);
    if (!c && strncmp(err, "fuzz.conf:", 10) != 0)
        abort();
    ss_config_free(c);
    free(text);
    return 0;
}
