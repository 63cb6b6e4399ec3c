/* What the quarantine store reads back from disk: a record (REF.json),
 * sealed or plain, and the envelope kept in its metadata. An insider who
 * can write to the store must not crash the milter or safesharectl. */
#include "fuzz.h"
#include "certs/seal.h"
#include "quarantine/qmeta.h"
#include "quarantine/quarantine_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

SS_FUZZ_TARGET(fuzz_qrecord)
{
    ss_qentry e;
    if (ss_qrec_parse((const char *)data, size, &e) == 0) {
        ss_buf b = SS_BUF_INIT;
        ss_qrec_build(&b, &e);      /* what is read can be written back */
        ss_buf_free(&b);
        ss_qentry_free(&e);
    }
    char *s = ss_fuzz_cstr(data, size);
    ss_qenvelope env;
    if (ss_qmeta_envelope(s, &env) == 0)
        ss_qmeta_envelope_free(&env);
    ss_qrec_is_object(s);
    free(s);
    /* The same bytes as a sealed file under a fixed key. */
    static const unsigned char key[32] = { 1 };
    int fds[2];
    if (size < 60000 && pipe(fds) == 0) {
        if (write(fds[1], data, size) == (ssize_t)size) {
            close(fds[1]);
            ss_buf out = SS_BUF_INIT;
            ss_seal_read(fds[0], key, 'J', "SS-AAAA-BBBB", -1, 1u << 20, &out, NULL);
            ss_buf_free(&out);
        } else {
            close(fds[1]);
        }
        close(fds[0]);
    }
    return 0;
}
