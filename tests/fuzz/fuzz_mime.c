/* The whole policy over hostile mail: the MIME walk (GMime), every part's
 * text, attachments through the readers in-process, detection, the
 * decision, the practitioner's reply and the audit record. */
#include "fuzz.h"
#include "engine/engine.h"
#include "text/charset.h"

#include <stdlib.h>
#include <string.h>

/* The readers as pure functions, in-process: the worker (and issue 16's
 * pool) is for containment, not what is fuzzed here. Defining ssx_scan
 * keeps reader/worker.o out of the link. */
void ssx_scan(const unsigned char *data, size_t len, const char *name,
              const char *ctype, const char *charset,
              const ss_attach_limits *lim, const char *worker, ssx_out *o)
{
    (void)charset;
    (void)worker;
    ssx_read_any(data, len, "", name, ctype, lim, 0, o);
}

static const char reg_text[] =
    "%format safeshare-register 1\n%serial 7\n"
    "nhs.net org=\"NHSmail\" basis=nhsmail until=2099-03-31\n"
    "stmarys.sch.uk org=\"St Mary's\" basis=local-agreement until=2099-07-31\n";

SS_FUZZ_TARGET(fuzz_mime)
{
    static ss_config *cfg;
    static ss_register *reg;
    if (!cfg) {
        char err[256];
        ss_text_init();
        cfg = ss_config_new();
        cfg->audit_key_len = 32;
        cfg->max_scan_time = 5;
        cfg->max_archive_bytes = cfg->max_total_bytes = 4u << 20;
        if (ss_register_parse("fuzz", reg_text, sizeof reg_text - 1, &reg, err, sizeof err))
            abort();
    }
    /* Two parties, one secure and one not, so every branch of the
     * decision and the reply can be reached. */
    static const char *const rcpts[] = { "hv.team@nhs.net", "parent@gmail.com" };
    ss_txn t = { .sender = "teacher@stmarys.sch.uk", .rcpts = rcpts, .nrcpts = 2,
                 .queue_id = "FUZZ", .today = "2026-11-22", .source = "fuzz" };
    ss_result r;
    ss_engine_run_mem(cfg, reg, &t, (const char *)data, size, &r);
    if (!r.record || r.record[0] != '{')
        abort();
    ss_result_free(&r);
    return 0;
}
