/* What a sender controls on the release path: X-Safeshare-Release header
 * values (checked against our key), the headers they are read from, and
 * the message hash a token is bound to. */
#include "fuzz.h"
#include "certs/token.h"
#include "extract/extract.h"
#include "quarantine/release.h"

#include <stdlib.h>
#include <time.h>

SS_FUZZ_TARGET(fuzz_token)
{
    static const unsigned char key[32] = { 7 };
    static const char *const to[] = { "a@nhs.net", "b@gmail.com" };
    ss_token_bind b;
    char ref[32];
    char **vals = NULL;
    size_t n = ss_header_values((const char *)data, size, SS_TOKEN_HEADER,
                                SS_TOKEN_MAX_HEADERS, &vals);
    ss_release_msg_sha256((const char *)data, size, 1, b.msg);
    ss_token_envelope("t@stmarys.sch.uk", to, 2, b.env);
    for (size_t i = 0; i < n; i++) {
        ss_token_check(key, sizeof key, vals[i], &b, (time_t)1800000000, 86400, ref);
        free(vals[i]);
    }
    free(vals);
    char *s = ss_fuzz_cstr(data, size);
    if (ss_token_check(key, sizeof key, s, &b, (time_t)1800000000, 86400, ref) == SS_TOK_OK)
        abort();   /* a forged token was taken as ours */
    free(s);
    return 0;
}
