/* safesharectl reviewer add | passwd | remove | list: the accounts that
 * may sign in to safeshare-review (certs/reviewers.h). Run as root, the
 * command becomes UserID first, so the file stays the service user's.
 * A password is typed twice at a terminal, without echo; from a pipe it
 * is the first line of standard input (for scripts and tests). */
#include "certs/reviewers.h"
#include "ctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr,
        "usage: safesharectl reviewer add NAME [--full-name TEXT] [--sso]\n"
        "       safesharectl reviewer passwd NAME\n"
        "       safesharectl reviewer remove NAME\n"
        "       safesharectl reviewer list\n"
        "  (the password is asked for, or read as one line from standard input)\n");
    return 2;
}

/* One line into buf without its line end, echo off at a terminal. */
static int read_line(const char *prompt, char *buf, size_t n)
{
    int tty = isatty(0);
    struct termios old, quiet;
    if (tty) {
        fputs(prompt, stderr);
        tcgetattr(0, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSAFLUSH, &quiet);
    }
    char *got = fgets(buf, (int)n, stdin);
    if (tty) {
        tcsetattr(0, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!got)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* The new password's hash, asked for (twice at a terminal). 0 or -1. */
static int new_password(const char *name, char hash[160])
{
    char a[SS_PASSWORD_MAX + 2], b[SS_PASSWORD_MAX + 2], prompt[128], err[256];
    snprintf(prompt, sizeof prompt, "New password for %s: ", name);
    int rc = read_line(prompt, a, sizeof a);
    if (rc == 0 && isatty(0) && (read_line("Again: ", b, sizeof b) != 0 || strcmp(a, b))) {
        fprintf(stderr, "safesharectl: the two passwords differ\n");
        rc = -1;
    } else if (rc != 0) {
        fprintf(stderr, "safesharectl: no password given\n");
    } else if ((rc = ss_password_hash(a, hash, err, sizeof err)) != 0) {
        fprintf(stderr, "safesharectl: %s\n", err);
    }
    explicit_bzero(a, sizeof a);
    explicit_bzero(b, sizeof b);
    return rc;
}

static int add(const ss_config *c, const char *name, const char *full, int sso, int replace)
{
    ss_reviewers r;
    char err[1024], hash[160] = "sso";
    if (ss_reviewers_load(c->review_users, &r, err, sizeof err) != 0) {
        fprintf(stderr, "safesharectl: %s\n", err);
        return 2;
    }
    const ss_reviewer *old = ss_reviewers_find(&r, name);
    char keep[SS_REVIEWER_FULL_MAX + 1];
    snprintf(keep, sizeof keep, "%s", full ? full : old ? old->full : name);
    int exists = old != NULL;
    ss_reviewers_free(&r);
    if (replace && !exists) {
        fprintf(stderr, "safesharectl: %s: no reviewer called %s\n", c->review_users, name);
        return 1;
    }
    if (!sso && new_password(name, hash) != 0)
        return 1;
    int rc = ss_reviewers_put(c->review_users, name, keep, hash, err, sizeof err);
    explicit_bzero(hash, sizeof hash);
    if (rc != 0) {
        fprintf(stderr, "safesharectl: %s\n", err);
        return 2;
    }
    printf("%s: %s %s (%s)%s\n", c->review_users, exists ? "changed" : "added", name, keep,
           sso ? ", signs in through the proxy's single sign-on" : "");
    return 0;
}

static int list(const ss_config *c)
{
    ss_reviewers r;
    char err[1024];
    if (ss_reviewers_load(c->review_users, &r, err, sizeof err) != 0) {
        fprintf(stderr, "safesharectl: %s\n", err);
        return 2;
    }
    for (size_t i = 0; i < r.n; i++)
        printf("%-24s %s%s\n", r.v[i].name, r.v[i].full,
               strcmp(r.v[i].hash, "sso") ? "" : "  (single sign-on)");
    if (r.n == 0)
        printf("no reviewers in %s\n", c->review_users);
    ss_reviewers_free(&r);
    return 0;
}

int ss_ctl_reviewer(const char *conf, int argc, char **argv)
{
    static const struct option opts[] = {
        { "full-name", required_argument, NULL, 'f' }, { "sso", no_argument, NULL, 's' },
        { "config", required_argument, NULL, 'c' }, { NULL, 0, NULL, 0 },
    };
    const char *full = NULL;
    int sso = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
        switch (o) {
        case 'f': full = optarg; break;
        case 's': sso = 1; break;
        case 'c': conf = optarg; break;
        default: return usage();
        }
    }
    const char *cmd = optind < argc ? argv[optind] : "";
    const char *name = optind + 1 < argc ? argv[optind + 1] : NULL;
    int wants_name = strcmp(cmd, "list") != 0;
    if (optind + 1 + wants_name != argc || (name && !ss_reviewer_name_ok(name))
        || (full && !ss_reviewer_full_ok(full)) || ((sso || full) && strcmp(cmd, "add")))
        return usage();
    ss_config *c = ss_ctl_config_service(conf);
    if (!c)
        return 2;
    char err[1024];
    int rc;
    if (!strcmp(cmd, "add"))
        rc = add(c, name, full, sso, 0);
    else if (!strcmp(cmd, "passwd"))
        rc = add(c, name, NULL, 0, 1);
    else if (!strcmp(cmd, "list"))
        rc = list(c);
    else if (!strcmp(cmd, "remove"))
        rc = ss_reviewers_remove(c->review_users, name, err, sizeof err) == 0
             ? (printf("%s: removed %s; their sign-ins end now\n", c->review_users, name), 0)
             : (fprintf(stderr, "safesharectl: %s\n", err), 1);
    else
        rc = usage();
    ss_config_free(c);
    return rc;
}
