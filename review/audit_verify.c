/* safesharectl audit verify: is every record as it was written, none
 * removed, none moved? The first break, by file and line; or how many
 * records were checked and where the chain ends. */
#include "audit_ctl.h"
#include "audit/chain.h"
#include "audit/headfile.h"
#include "audit/verify.h"
#include "base/buf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr, "usage: safesharectl audit verify [--head SEQ:CHAIN] [--after SEQ:CHAIN] "
            "[FILE ...]\n");
    return 2;
}

static int head_arg(const char *opt, const char *v, int *have, ss_chain_head *h)
{
    if (ss_chain_head_parse(v, h) != 0) {
        fprintf(stderr, "safesharectl: %s %s: expected SEQ:CHAIN as verify or the daily "
                "digest prints it (a number, a colon, 64 hex digits)\n", opt, v);
        return -1;
    }
    *have = 1;
    return 0;
}

/* With no files given, the whole trail is checked up to where its head
 * file says the chain stands, so records removed from the end show too. */
static int default_head(const ss_config *c, ss_verify_opts *o, char *src, size_t n)
{
    ss_headfile hf;
    char err[512];
    int rc = ss_headfile_load(c->audit_log, &hf, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "safesharectl: %s\n", err);
        return -1;
    }
    if (rc == 0 && !o->have_head) {
        o->have_head = 1;
        o->head = hf.h;
        snprintf(src, n, "the head file %s.head", c->audit_log);
        o->head_source = src;
    }
    return 0;
}

void ss_audit_ctl_verdict(const ss_verify_result *r, ss_buf *out)
{
    char hex[SS_CHAIN_HEX + 1];
    if (!r->ok && !r->file[0]) {
        ss_buf_printf(out, "%s\n", r->why);
    } else if (!r->ok) {
        ss_buf_printf(out, "%s:%llu: %s\n", r->file, r->line, r->why);
        ss_buf_printf(out, "(%llu record%s before it %s intact)\n", r->records,
                      r->records == 1 ? "" : "s", r->records == 1 ? "is" : "are");
    } else {
        ss_chain_hex(r->last.chain, hex);
        ss_buf_printf(out, "verified %llu record%s in %zu file%s, head %llu:%s\n", r->records,
                      r->records == 1 ? "" : "s", r->files, r->files == 1 ? "" : "s",
                      r->last.seq, hex);
    }
}

int ss_audit_ctl_check(const ss_config *cfg, char *const *given, size_t ngiven,
                       ss_verify_opts *o, ss_verify_result *r)
{
    char src[1100];
    char **files = NULL;
    long n = ss_audit_ctl_files(cfg, given, ngiven, &files);
    unsigned char key[SS_CHAIN_LEN];
    int rc = 2;
    if (n >= 0 && (ngiven || default_head(cfg, o, src, sizeof src) == 0)
        && ss_chain_key(cfg->audit_key, cfg->audit_key_len, key) == 0) {
        ss_verify_files(key, files, (size_t)n, o, r);
        rc = 0;
    }
    if (o->head_source == src)
        o->head_source = "the head file";
    explicit_bzero(key, sizeof key);
    for (long i = 0; i < n; i++)
        free(files[i]);
    free(files);
    return rc;
}

int ss_audit_ctl_head_opt(int opt, const char *arg, ss_verify_opts *o)
{
    return opt == 'h' ? head_arg("--head", arg, &o->have_head, &o->head)
         : opt == 'a' ? head_arg("--after", arg, &o->have_after, &o->after) : -1;
}

int ss_audit_verify_cmd(const char *conf, int argc, char **argv)
{
    static const struct option opts[] = {
        { "head", required_argument, NULL, 'h' }, { "after", required_argument, NULL, 'a' },
        { "config", required_argument, NULL, 'c' }, { NULL, 0, NULL, 0 },
    };
    ss_verify_opts o = { .head_source = "--head" };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
        if (c == 'c')
            conf = optarg;
        else if (ss_audit_ctl_head_opt(c, optarg, &o) != 0)
            return usage();
    }
    ss_config *cfg = ss_ctl_config_audit(conf);
    if (!cfg)
        return 2;
    ss_verify_result r;
    int rc = ss_audit_ctl_check(cfg, argv + optind, (size_t)(argc - optind), &o, &r);
    if (rc == 0) {
        ss_buf out = SS_BUF_INIT;
        ss_audit_ctl_verdict(&r, &out);
        fputs(out.p, stdout);
        ss_buf_free(&out);
        rc = r.ok ? 0 : 1;
        ss_verify_result_free(&r);
    }
    ss_config_free(cfg);
    return rc;
}
