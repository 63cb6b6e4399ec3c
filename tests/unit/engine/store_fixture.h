/* A site on disk for the tests that hold, decide and record mail
 * (tests/unit/engine, tests/unit/held): keys, a register, a config, the
 * shared state loaded from it; the audit trail and the store to look at
 * afterwards. Included by the tests only; everything here is static. */
#ifndef SS_TEST_STORE_FIXTURE_H
#define SS_TEST_STORE_FIXTURE_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/state.h"
#include "quarantine/quarantine.h"

/* Not every test uses every helper. */
#define FIXTURE_FN static __attribute__((unused))

typedef struct {
    char dir[64], conf[96], audit[96], store[96];
    ss_state *st;
} store_fixture;

FIXTURE_FN void put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
    char p[160];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* Write the config (the site's paths, then `extra` lines) and load it. */
static ss_state *store_load(store_fixture *f, const char *extra)
{
    char conf[2048], err[1024];
    snprintf(conf, sizeof conf,
             "Socket unix:%s/sock\nRegister %s/register.txt\nAuditLog %s\nAuditKey %s/audit.key\n"
             "QuarantineDir %s\nReleaseKey %s/release.key\nStateDir %s/state\n%s",
             f->dir, f->dir, f->audit, f->dir, f->store, f->dir, f->dir, extra);
    put_file(f->dir, "safeshare.conf", conf, 0600);
    ss_state *st = ss_state_load(f->conf, 1, err, sizeof err);
    if (!st)
        fail_msg("%s", err);
    return st;
}

/* A fresh directory with keys and a register (St Mary's and NHSmail
 * secure; Old Trust's accreditation expired, its secure domain nhs.net). */
static store_fixture *store_new(const char *extra)
{
    store_fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ss-store-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->conf, sizeof f->conf, "%s/safeshare.conf", f->dir);
    snprintf(f->audit, sizeof f->audit, "%s/audit.log", f->dir);
    snprintf(f->store, sizeof f->store, "%s/held", f->dir);
    put_file(f->dir, "audit.key", "0123456789abcdef0123456789abcdef-audit", 0600);
    put_file(f->dir, "release.key", "0123456789abcdef0123456789abcdef-release", 0600);
    put_file(f->dir, "register.txt",
             "%format safeshare-register 1\n%publisher \"test\"\n%serial 1\n"
             "%issued 2026-01-01T00:00:00Z\n%expires 2099-01-01T00:00:00Z\n"
             "stmarys.sch.uk org=\"St Mary's\" basis=local-agreement until=2099-01-01\n"
             "nhs.net org=\"NHSmail\" basis=nhsmail until=2099-01-01\n"
             "oldtrust.nhs.uk org=\"Old Trust\" basis=dcb1596 until=2020-03-31 alt=nhs.net\n",
             0600);
    f->st = store_load(f, extra);
    return f;
}

FIXTURE_FN void store_free(store_fixture *f)
{
    ss_state_put(f->st);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx %s && rm -rf %s", f->dir, f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
}

/* Audit lines holding every one of the needles (NULL-terminated). */
FIXTURE_FN int records_with(const store_fixture *f, const char *needle, ...)
{
    FILE *fp = fopen(f->audit, "r");
    if (!fp)
        return 0;
    static char line[65536];
    int n = 0;
    while (fgets(line, sizeof line, fp)) {
        int all = strstr(line, needle) != NULL;
        va_list ap;
        va_start(ap, needle);
        for (const char *s; all && (s = va_arg(ap, const char *));)
            all = strstr(line, s) != NULL;
        va_end(ap);
        n += all;
    }
    fclose(fp);
    return n;
}

FIXTURE_FN ss_qstate state_of(const store_fixture *f, const char *ref)
{
    ss_qentry e;
    char err[256];
    assert_int_equal(ss_quarantine_get(f->store, ref, NULL, 0, &e, NULL, err, sizeof err),
                     SS_Q_OK);
    ss_qstate s = e.state;
    ss_qentry_free(&e);
    return s;
}

#endif
