/* What the audit writer's and verifier's tests share: a trail in a fresh
 * directory, its configuration, and reading it back. */
#ifndef SS_AUDIT_TEST_UTIL_H
#define SS_AUDIT_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/chain.h"
#include "audit/verify.h"
#include "base/buf.h"

typedef struct {
    char dir[64];
    char log[128];
    ss_config *c;
} trail;

static inline void trail_init(trail *t, const char *extra_conf)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/ss-trail-XXXXXX");
    if (!mkdtemp(t->dir))
        abort();
    snprintf(t->log, sizeof t->log, "%s/audit.log", t->dir);
    ss_buf conf = SS_BUF_INIT;
    ss_buf_printf(&conf, "Socket unix:/tmp/x.sock\nRegister /tmp/r\nAuditLog %s\n"
                  "AuditKey /tmp/k\n%s", t->log, extra_conf ? extra_conf : "");
    char err[512];
    t->c = ss_config_parse("test.conf", conf.p, err, sizeof err);
    if (!t->c) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    memcpy(t->c->audit_key, "0123456789abcdef0123456789abcdef", 32);
    t->c->audit_key_len = 32;
    ss_buf_free(&conf);
}

static inline void trail_free(trail *t)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", t->dir);
    ss_config_free(t->c);
}

/* Append "{"n":i,"what":what}" through a fresh handle. 0 or -1. */
static inline int trail_add(const trail *t, int i, const char *what)
{
    char rec[256], err[512];
    int n = snprintf(rec, sizeof rec, "{\"n\":%d,\"what\":\"%s\"}", i, what);
    return ss_audit_write(t->c, rec, (size_t)n, err, sizeof err);
}

/* Verify files (NULL-terminated) with the trail's key. */
static inline ss_verify_result trail_verify(const trail *t, const char *const *files,
                                            const ss_verify_opts *o)
{
    unsigned char key[SS_CHAIN_LEN];
    ss_chain_key(t->c->audit_key, t->c->audit_key_len, key);
    size_t n = 0;
    while (files[n])
        n++;
    ss_verify_opts none = { 0 };
    ss_verify_result r;
    ss_verify_files(key, (char *const *)files, n, o ? o : &none, &r);
    return r;
}

/* The whole file as a string (malloc'd). */
static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ss_buf b = SS_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ss_buf_add(&b, chunk, n);
    fclose(f);
    if (!b.p)
        ss_buf_adds(&b, "");
    return ss_buf_steal(&b);
}

static inline int count_lines(const char *path)
{
    char *s = slurp(path);
    int n = 0;
    for (char *p = s; p && *p; p++)
        n += *p == '\n';
    free(s);
    return n;
}

#endif
