/* The milter's reader pool: options from the configuration, the start-up
 * order (readers.h), and a clear refusal when the readers cannot run. */
#include "readers.h"
#include "base/log.h"
#include "reader/pool.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ss_pool *pool;
static char extract[4096], readerd[4096];

/* safeshare-extract as ssx_scan would start it, and safeshare-readerd
 * beside it. */
static void paths(const ss_config *cfg)
{
    snprintf(extract, sizeof extract, "%s", ssx_worker_path(cfg->extract_worker));
    const char *slash = strrchr(extract, '/');
    int dir = slash ? (int)(slash - extract) : 1;
    snprintf(readerd, sizeof readerd, "%.*s/safeshare-readerd", dir, slash ? extract : ".");
}

int ss_readers_check(const ss_config *cfg, char *err, size_t errlen)
{
    paths(cfg);
    if (geteuid() == 0 && !getpwnam(cfg->reader_user)) {
        snprintf(err, errlen, "%s: ReaderUser: no such user %s (create it: useradd --system "
                 "--user-group --no-create-home --home-dir /nonexistent --shell "
                 "/usr/sbin/nologin %s)", cfg->path, cfg->reader_user, cfg->reader_user);
        return -1;
    }
    if (access(extract, X_OK) != 0 || access(readerd, X_OK) != 0) {
        snprintf(err, errlen, "%s: ExtractWorker: %s or %s is missing or not executable",
                 cfg->path, extract, readerd);
        return -1;
    }
    return 0;
}

int ss_readers_create(const ss_config *cfg, char *err, size_t errlen)
{
    int root = geteuid() == 0;
    if (ss_readers_check(cfg, err, errlen) != 0)
        return -1;
    size_t cpu = cfg->max_scan_seconds * (cfg->reader_max_jobs + 1);
    ss_pool_opts o = {
        .manager_path = readerd, .reader_path = extract, .reader_user = cfg->reader_user,
        .strict = root, .size = (unsigned)cfg->reader_pool,
        .jobs_per_reader = (unsigned)cfg->reader_max_jobs,
        .reader_memory = cfg->worker_memory_max, .reader_cpu = cpu > 600 ? cpu : 600,
        .max_input = cfg->max_message_size,
    };
    if (!root)
        ss_log(SS_LOG_WARNING, "not started as root: the attachment readers share the "
               "milter's user (ReaderUser needs root); they still get no network, no new "
               "privileges and the seccomp filter");
    return ss_pool_create(&pool, &o, err, errlen);
}

int ss_readers_start(char *err, size_t errlen)
{
    if (ss_pool_start(pool, err, errlen) != 0)
        return -1;
    ss_pool_reader rd[64];
    int n = ss_pool_readers(pool, rd, 64), up = 0;
    for (int i = 0; i < n; i++)
        up += rd[i].state == SS_SLOT_IDLE;
    ss_log(SS_LOG_NOTICE, "%d of %d attachment readers ready (%s)", up, n,
           n ? rd[0].info : "");
    ssx_use_pool(pool);
    return 0;
}
