/* A hostile register (a publisher or a server we fetch from): parse it,
 * then check a few addresses and every entry against it. */
#include "fuzz.h"
#include "register/register.h"

#include <stdlib.h>

SS_FUZZ_TARGET(fuzz_register)
{
    static const char *const addrs[] = { "a@nhs.net", "b@x.exampleshire.gov.uk", "<c@gmail.com>",
                                         "d@xn--bcher-kva.example", "e@", "@", "f@a..b" };
    ss_register *r = NULL;
    char err[512], norm[256];
    ss_match m;
    if (ss_register_parse("fuzz", (const char *)data, size, &r, err, sizeof err) == 0) {
        for (size_t i = 0; i < sizeof addrs / sizeof *addrs; i++)
            ss_register_check(r, addrs[i], "2026-11-22", &m);
        for (size_t i = 0; i < ss_register_count(r); i++) {
            ss_reg_entry e;
            ss_register_entry(r, i, &e);
            if (!e.pattern || !e.domain)
                abort();
        }
        ss_register_free(r);
    }
    /* The domain normaliser on its own: the input as one address. */
    char *s = ss_fuzz_cstr(data, size < 300 ? size : 300);
    ss_domain_normalise(s, norm, sizeof norm);
    ss_register_check(NULL, s, "2026-11-22", &m);
    free(s);
    return 0;
}
