/* safeshare-review: the DSL's web page for held mail (safeshare-review(8)).
 * Start-up in order: the configuration read and checked; the port bound
 * and the TLS key read while still root; then the service user (UserID)
 * for everything else, as the milter is; the shared state (config,
 * register, audit trail, notices) loaded as that user; the server. */
#include "buildconf.h"
#include "base/daemon.h"
#include "base/log.h"
#include "base/privs.h"
#include "certs/reviewers.h"
#include "engine/state.h"
#include "text/charset.h"
#include "web_mhd.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *conf_path = SS_SYSCONFDIR "/safeshare/safeshare.conf";

static void usage(FILE *f)
{
    fprintf(f, "usage: safeshare-review [-c FILE] [-f] [-n] [-V]\n"
               "  -c FILE  configuration (default %s)\n"
               "  -f       stay in the foreground, log to stderr too\n"
               "  -n       check the configuration, register and reviewer file, then exit\n"
               "  -V       print the version\n", conf_path);
}

/* ReviewListen, bound and listening. -1 with err. */
static int listen_on(const char *spec, char *err, size_t errlen)
{
    char host[64];
    const char *colon = strrchr(spec, ':');
    size_t n = (size_t)(colon - spec);
    int v6 = spec[0] == '[';
    snprintf(host, sizeof host, "%.*s", (int)(v6 ? n - 2 : n), spec + v6);
    struct sockaddr_storage ss = { 0 };
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    uint16_t port = htons((uint16_t)atoi(colon + 1));
    if (v6 ? inet_pton(AF_INET6, host, &a6->sin6_addr) : inet_pton(AF_INET, host, &a4->sin_addr))
        ss.ss_family = v6 ? AF_INET6 : AF_INET;
    if (v6)
        a6->sin6_port = port;
    else
        a4->sin_port = port;
    int one = 1, fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
        || (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
        || bind(fd, (struct sockaddr *)&ss, v6 ? sizeof *a6 : sizeof *a4) != 0
        || listen(fd, 64) != 0) {
        snprintf(err, errlen, "ReviewListen %s: cannot listen: %s", spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* A PEM file's text (TLS), read while still root. NULL with err. */
static char *read_pem(const char *key, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "%s %s: cannot read: %s", key, path, strerror(errno));
        return NULL;
    }
    ss_buf b = SS_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20))
        ss_buf_add(&b, chunk, n);
    fclose(f);
    return ss_buf_steal(&b);
}

typedef struct {
    int fd;
    char *cert, *key;
    char *user;
    char *facility;
} startup;

/* What needs root, or only the configuration: checked, bound, read. */
static int prepare(startup *s, int check, char *err, size_t errlen)
{
    ss_config *c = ss_config_load(conf_path, err, errlen);
    if (!c)
        return -1;
    int rc = -1;
    if (ss_config_check_review(c, err, errlen) != 0) {
    } else if (c->release_key_len == 0) {
        snprintf(err, errlen, "%s: ReleaseKey: required: safeshare-review releases held mail "
                 "and checks the links in notices with it", c->path);
    } else if (geteuid() == 0 && !c->user) {
        /* Not even with AllowRoot: a page browsers reach is no place for root. */
        snprintf(err, errlen, "%s: UserID: required when started as root: safeshare-review "
                 "does not serve pages as root", c->path);
    } else if (check || (s->fd = listen_on(c->review_listen, err, errlen)) >= 0) {
        rc = 0;
        if (!check && c->review_certificate
            && (!(s->cert = read_pem("ReviewCertificate", c->review_certificate, err, errlen))
                || !(s->key = read_pem("ReviewKey", c->review_key, err, errlen))))
            rc = -1;
    }
    s->user = c->user ? ss_xstrdup(c->user) : NULL;
    s->facility = ss_xstrdup(c->syslog_facility);
    ss_config_free(c);
    return rc;
}

/* Everything else, as the service user. */
static int load(int check, char *err, size_t errlen)
{
    ss_state *st = ss_state_load(conf_path, !check, err, errlen);
    if (!st)
        return -1;
    ss_reviewers r;
    int rc = ss_reviewers_load(st->cfg->review_users, &r, err, errlen);
    if (rc == 0 && r.n == 0)
        ss_log(SS_LOG_WARNING, "%s: no reviewers yet: nobody can sign in (safesharectl "
               "reviewer add NAME)", st->cfg->review_users);
    ss_reviewers_free(&r);
    if (rc == 0 && check)
        printf("%s: configuration, register and reviewers OK (listening on %s)\n", conf_path,
               st->cfg->review_listen);
    if (rc == 0 && !check)
        ss_state_install(st);
    else
        ss_state_put(st);
    return rc;
}

/* Until SIGTERM or SIGINT: SIGUSR1 and SIGHUP reload. */
static void run(const sigset_t *sigs)
{
    for (;;) {
        int sig;
        if (sigwait(sigs, &sig) != 0)
            continue;
        if (sig == SIGTERM || sig == SIGINT)
            return;
        char err[1024];
        if (ss_state_reload(conf_path, err, sizeof err) == 0)
            ss_log(SS_LOG_NOTICE, "reloaded configuration and register from %s", conf_path);
        else
            ss_log(SS_LOG_ERR, "reload refused, keeping the running configuration: %s", err);
    }
}

static int serve(startup *s, int foreground)
{
    char err[1024];
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGUSR1);
    sigaddset(&sigs, SIGHUP);
    signal(SIGPIPE, SIG_IGN);
    if (!foreground && ss_daemonise() != 0) {
        ss_log(SS_LOG_ERR, "cannot become a daemon: %s", strerror(errno));
        return 1;
    }
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);   /* before any thread: only run() sees them */
    ss_state *st = ss_state_get();
    ss_web_app app = {
        ss_sessions_new(512, (long)st->cfg->review_session_idle,
                        (long)st->cfg->review_session_max),
        ss_ratelimit_new(1024, SS_LOGIN_MAX_FAILURES, SS_LOGIN_WINDOW),
    };
    ss_log(SS_LOG_NOTICE, "safeshare-review %s listening on %s%s", PACKAGE_VERSION,
           st->cfg->review_listen, s->cert ? " (HTTPS)" : "");
    ss_state_put(st);
    ss_web_server *w = ss_web_start(s->fd, &app, s->cert, s->key, err, sizeof err);
    if (!w) {
        ss_log(SS_LOG_ERR, "not starting: %s", err);
        return 1;
    }
    run(&sigs);
    ss_log(SS_LOG_NOTICE, "safeshare-review stopping");
    ss_web_stop(w);
    ss_sessions_free(app.sessions);
    ss_ratelimit_free(app.limit);
    return 0;
}

int main(int argc, char **argv)
{
    ss_daemon_opts o = { conf_path, 0, 0 };
    int done = ss_daemon_options(argc, argv, "safeshare-review", PACKAGE_VERSION, usage, &o);
    if (done >= 0)
        return done;
    conf_path = o.conf;
    int foreground = o.foreground, check = o.check;
    char err[1024];
    startup s = { .fd = -1 };
    /* No core may hold the keys or held mail: before they are read, and
     * again once the user has changed (which makes the process dumpable). */
    int rc = ss_harden_process(err, sizeof err) == 0 ? prepare(&s, check, err, sizeof err) : -1;
    if (rc == 0 && !check && (ss_log_open_as("safeshare-review", s.facility, foreground) != 0
                              || ss_become_user(s.user, err, sizeof err) != 0
                              || ss_harden_process(err, sizeof err) != 0))
        rc = -1;
    if (rc == 0) {
        ss_text_init();
        curl_global_init(CURL_GLOBAL_DEFAULT);   /* releases and notices; before threads */
        rc = load(check, err, sizeof err);
    }
    if (rc != 0) {
        fprintf(stderr, "safeshare-review: %s\n", err);
        if (!check)
            ss_log(SS_LOG_ERR, "not starting: %s", err);
        return 1;
    }
    return check ? 0 : serve(&s, foreground);
}
