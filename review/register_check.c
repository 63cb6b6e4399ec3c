/* safesharectl register check|sign|verify: what a publisher and an admin
 * run before a register goes out or in. check applies the same trust
 * rules the milter does (register/trust.h) and then the lint; sign
 * refuses to sign a register the milter would refuse. */
#include "ctl.h"
#include "regctl.h"
#include "base/file.h"
#include "register/lint.h"
#include "register/trust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
    fputs(SS_REGCTL_USAGE, stderr);
    return 2;
}

/* FILE and FILE.sig (or sigpath), for the vet. */
static int read_with_sig(const char *path, const char *sigpath, ss_regtrust *t)
{
    char why[512], *sig = NULL;
    ss_buf p = SS_BUF_INIT;
    int rc = ss_file_read(path, SS_REG_MAX_BYTES, &t->bytes, &t->len, why, sizeof why);
    if (rc != 0) {
        fprintf(stderr, "safesharectl: %s\n", rc > 0 ? "no such register file" : why);
        return -1;
    }
    if (!sigpath)
        ss_buf_printf(&p, "%s.sig", path);
    rc = ss_file_read(sigpath ? sigpath : p.p, 1024, &sig, &t->siglen, why, sizeof why);
    ss_buf_free(&p);
    t->sig = (unsigned char *)sig;
    if (rc < 0)
        fprintf(stderr, "safesharectl: %s\n", why);
    return rc < 0 ? -1 : 0;
}

/* The configured trust settings, when a configuration can be read. */
static ss_config *trust_config(const char *conf, int needed, ss_regtrust_opts *o)
{
    char err[1024];
    ss_config *c = ss_config_load(conf, err, sizeof err);
    if (!c && needed)
        fprintf(stderr, "safesharectl: %s\n", err);
    if (c) {
        o->anchors_dir = c->register_anchors;
        o->require_sig = c->register_require_sig;
        o->state_dir = c->state_dir;
    }
    return c;
}

static void print_ok(const char *path, const ss_register *r, const char *signer)
{
    char when[32];
    ss_utc_string(ss_register_expires(r), when);
    printf("%s: OK, serial %llu, publisher \"%s\", %zu entries, expires %s, %s%s\n", path,
           ss_register_serial(r), ss_register_publisher(r), ss_register_count(r), when,
           signer[0] ? "signed by trust anchor " : "not signature-checked", signer);
}

int ss_regctl_load(const char *conf, const char *path, ss_regtrust *t, time_t now)
{
    ss_regtrust_opts o = { .now = now };
    ss_config *c = trust_config(conf, path == NULL, &o);
    memset(t, 0, sizeof *t);
    if (!path && !c)
        return -1;
    if (!path)
        path = c->register_path;
    ss_lastgood lg = { 0 };
    char why[768] = "";
    int rc = -1;
    ss_anchors *a = NULL;
    if (read_with_sig(path, NULL, t) != 0)
        goto out;
    if ((o.anchors_dir && !(a = ss_anchors_load(o.anchors_dir, why, sizeof why)))
        || ss_lastgood_read(o.state_dir, &lg, why, sizeof why) != 0
        || ss_regtrust_vet(&o, a, &lg, path, t->bytes, t->len, t->sig, t->siglen, &t->reg,
                           t->signer, why, sizeof why) != 0) {
        fprintf(stderr, "%s: refused: %s\n", path, why);
        goto out;
    }
    snprintf(t->refused, sizeof t->refused, "%s", path);   /* the file it came from */
    rc = 0;
out:
    ss_anchors_free(a);
    ss_config_free(c);
    if (rc != 0)
        ss_regtrust_free(t);
    return rc;
}

static int check(const char *conf, int argc, char **argv)
{
    const char *path = NULL;
    int strict = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--strict"))
            strict = 1;
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else
            return usage();
    }
    time_t now = time(NULL);
    ss_regtrust t;
    if (ss_regctl_load(conf, path, &t, now) != 0)
        return 2;
    print_ok(t.refused, t.reg, t.signer);
    ss_buf w = SS_BUF_INIT;
    size_t n = ss_register_lint(t.reg, t.refused, now, &w);
    if (n)
        printf("%zu warning%s:\n%s", n, n == 1 ? "" : "s", w.p);
    ss_buf_free(&w);
    ss_regtrust_free(&t);
    return strict && n ? 1 : 0;
}

static int sign(int argc, char **argv)
{
    const char *path = NULL, *key = NULL, *out = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc)
            key = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else
            return usage();
    }
    if (!path || !key)
        return usage();
    ss_regtrust_opts o = { .now = time(NULL) };
    ss_regtrust t = { 0 };
    ss_lastgood none = { 0 };
    char why[768], sigpath[4096], signer[SS_ANCHOR_NAME];
    unsigned char sig[SS_SIG_LEN];
    int rc = 2;
    snprintf(sigpath, sizeof sigpath, "%s%s", out ? out : path, out ? "" : ".sig");
    if (ss_file_read(path, SS_REG_MAX_BYTES, &t.bytes, &t.len, why, sizeof why) != 0)
        fprintf(stderr, "safesharectl: cannot read %s\n", path);
    else if (ss_regtrust_vet(&o, NULL, &none, path, t.bytes, t.len, NULL, 0, &t.reg, signer,
                             why, sizeof why) != 0)
        fprintf(stderr, "%s: not signed: %s\n", path, why);
    else if (ss_sig_sign(key, t.bytes, t.len, sig, why, sizeof why) != 0
             || ss_file_replace(sigpath, sig, sizeof sig, 0644, why, sizeof why) != 0)
        fprintf(stderr, "safesharectl: %s\n", why);
    else {
        printf("signed %s (serial %llu, %zu entries) -> %s\n", path, ss_register_serial(t.reg),
               ss_register_count(t.reg), sigpath);
        rc = 0;
    }
    ss_regtrust_free(&t);
    return rc;
}

static int verify(const char *conf, int argc, char **argv)
{
    const char *path = NULL, *sigpath = NULL, *dir = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--sig") && i + 1 < argc)
            sigpath = argv[++i];
        else if (!strcmp(argv[i], "--anchors") && i + 1 < argc)
            dir = argv[++i];
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else
            return usage();
    }
    if (!path)
        return usage();
    ss_regtrust_opts o = { 0 };
    ss_config *c = dir ? NULL : trust_config(conf, 1, &o);
    if (!dir && !(dir = o.anchors_dir)) {
        fprintf(stderr, "safesharectl: no trust anchors: give --anchors DIR or set "
                "RegisterTrustAnchors\n");
        ss_config_free(c);
        return 2;
    }
    ss_regtrust t = { 0 };
    char why[512], who[SS_ANCHOR_NAME];
    ss_anchors *a = NULL;
    int rc = 2;
    if (read_with_sig(path, sigpath, &t) != 0)
        ;
    else if (!(a = ss_anchors_load(dir, why, sizeof why)))
        fprintf(stderr, "safesharectl: %s\n", why);
    else if (!t.sig)
        fprintf(stderr, "%s: no signature (%s)\n", path, sigpath ? sigpath : "FILE.sig");
    else if (ss_sig_verify(a, t.bytes, t.len, t.sig, t.siglen, who, why, sizeof why) != 0) {
        printf("%s: signature BAD: %s\n", path, why);
        rc = 1;
    } else {
        printf("%s: signature good, made by trust anchor %s\n", path, who);
        rc = 0;
    }
    ss_anchors_free(a);
    ss_regtrust_free(&t);
    ss_config_free(c);
    return rc;
}

int ss_regctl_trust(const char *conf, int argc, char **argv)
{
    if (!strcmp(argv[1], "check"))
        return check(conf, argc, argv);
    if (!strcmp(argv[1], "sign"))
        return sign(argc, argv);
    return verify(conf, argc, argv);
}
