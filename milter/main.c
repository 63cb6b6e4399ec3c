/* safeshare-milter: options, start-up order, signals. The decisions live
 * in policy/; this file only sets the daemon up and hands over to libmilter. */
#include "buildconf.h"
#include "callbacks.h"
#include "config/config.h"
#include "text/charset.h"
#include "base/log.h"
#include "base/daemon.h"
#include "base/privs.h"
#include "notify/outbox.h"
#include "readers.h"
#include "socket.h"
#include "engine/state.h"
#include "engine/upkeep.h"
#include "delivery/delivery.h"
#include "preflight.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *conf_path = SS_SYSCONFDIR "/safeshare/safeshare.conf";

static void usage(FILE *f)
{
    fprintf(f, "usage: safeshare-milter [-c FILE] [-f] [-n] [-V]\n"
               "  -c FILE  configuration (default %s)\n"
               "  -f       stay in the foreground, log to stderr too\n"
               "  -n       check everything the start checks, as UserID, then exit\n"
               "  -V       print the version\n", conf_path);
}

/* libmilter's own signal thread turns SIGHUP into a shutdown, so reload
 * has its own thread listening for SIGUSR1 only. */
static void *reload_thread(void *arg)
{
    sigset_t *set = arg;
    for (;;) {
        int sig;
        if (sigwait(set, &sig) != 0 || sig != SIGUSR1)
            continue;
        char err[1024];
        if (ss_state_reload(conf_path, err, sizeof err) == 0)
            ss_log(SS_LOG_NOTICE, "reloaded configuration and register from %s", conf_path);
        else
            ss_log(SS_LOG_ERR, "reload refused, keeping the running configuration: %s", err);
    }
    return NULL;
}

/* Register updates and the daily stale-register notice (engine/upkeep.h). */
static void *upkeep_thread(void *arg)
{
    (void)arg;
    for (;;) {
        long wait = ss_upkeep_round(conf_path, time(NULL));
        while (wait-- > 0)
            sleep(1);
    }
    return NULL;
}

/* As the service user, into a directory preflight found it can write. */
static void write_pid(const char *path)
{
    FILE *f = path ? fopen(path, "we") : NULL;
    if (f) {
        fprintf(f, "%ld\n", (long)getpid());
        if (fclose(f) == 0)
            return;
    }
    if (path)
        ss_log(SS_LOG_ERR, "PidFile: cannot write %s: %s", path, strerror(errno));
}

static int open_socket(const ss_config *cfg, char *err, size_t errlen)
{
    if (ss_socket_prepare(cfg->socket, err, errlen) != 0)
        return -1;
    if (smfi_setconn((char *)cfg->socket) != MI_SUCCESS) {
        snprintf(err, errlen, "%s: Socket: libmilter refused %s", cfg->path, cfg->socket);
        return -1;
    }
    /* Create the socket with no permissions, then grant the configured ones. */
    mode_t old = umask(0777);
    int rc = smfi_opensocket(0);
    umask(old);
    if (rc != MI_SUCCESS) {
        snprintf(err, errlen, "cannot open socket %s: %s", cfg->socket, strerror(errno));
        return -1;
    }
    return ss_socket_finish(cfg->socket, cfg->socket_mode, cfg->socket_group,
                            cfg->user, err, errlen);
}

/* -n prints what the start would log. */
static void say_out(void *ctx, int prio, const char *msg)
{
    printf("%s: %s\n", prio <= SS_LOG_WARNING ? "WARNING" : "note", msg);
}

static void say_log(void *ctx, int prio, const char *msg)
{
    ss_log(prio, "%s", msg);
}

/* A problem found as the service user says so: root could read the key
 * that the service user cannot. */
static void as_whom(char *err, size_t errlen)
{
    struct passwd *pw = getpwuid(geteuid());
    size_t n = strlen(err);
    if (pw && n < errlen)
        snprintf(err + n, errlen - n, " (as user %s)", pw->pw_name);
}

static int not_starting(int check, const char *err)
{
    if (check) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    fprintf(stderr, "safeshare-milter: %s\n", err);
    ss_log(SS_LOG_ERR, "not starting: %s", err);
    return 1;
}

/* -n stops after this; the daemon goes on to serve. Each step as the
 * user preflight.h says, so -n and the start see the same things. */
static ss_state *prepare(int check, int foreground)
{
    char err[1024];
    ss_config *cfg = ss_config_load(conf_path, err, sizeof err);
    if (!cfg) {
        not_starting(1, err);
        return NULL;
    }
    ss_preflight pf = { .check_only = check, .say = check ? say_out : say_log };
    ss_state *st = NULL;
    if (!check && ss_log_open(cfg->syslog_facility, foreground) != 0)
        snprintf(err, sizeof err, "%s: SyslogFacility: unknown facility %s", conf_path,
                 cfg->syslog_facility);
    else if (ss_config_check_user(cfg, geteuid(), err, sizeof err) != 0
             || ss_preflight_root(&pf, cfg, err, sizeof err) != 0
             || (check && ss_readers_check(cfg, err, sizeof err) != 0))
        ;
    /* The readers' manager is started here: root (it gives readers their
     * own user and network namespace) and no thread yet (it is spawned). */
    else if (!check && (smfi_register(ss_filter) != MI_SUCCESS
                        || open_socket(cfg, err, sizeof err) != 0
                        || ss_readers_create(cfg, err, sizeof err) != 0))
        ;
    else if (ss_become_user(cfg->user, err, sizeof err) != 0
             || ss_harden_process(err, sizeof err) != 0)
        ;
    else if (ss_preflight_user(&pf, cfg, err, sizeof err) != 0)
        as_whom(err, sizeof err);
    /* Everything again as the service user, audit log included. */
    else if ((st = ss_state_load(conf_path, !check, err, sizeof err)))
        ss_preflight_warn(&pf, st, time(NULL));
    else
        as_whom(err, sizeof err);
    if (!st && !check) {
        char why[512];      /* opened as root before the checks failed */
        if (ss_socket_remove(cfg->socket, why, sizeof why) != 0)
            ss_log(SS_LOG_WARNING, "%s", why);
    }
    ss_config_free(cfg);
    if (!st)
        not_starting(check, err);
    return st;
}

int main(int argc, char **argv)
{
    ss_daemon_opts o = { conf_path, 0, 0 };
    int done = ss_daemon_options(argc, argv, "safeshare-milter", PACKAGE_VERSION, usage, &o);
    if (done >= 0)
        return done;
    conf_path = o.conf;
    int foreground = o.foreground, check = o.check;
    char err[1024];
    /* Before any key is read: nothing of this process may end in a core. */
    if (ss_harden_process(err, sizeof err) != 0) {
        fprintf(stderr, "safeshare-milter: %s\n", err);
        return 1;
    }
    if (!check) {
        ss_text_init();
        /* Before any thread: notices and nothing else use libcurl here. */
        curl_global_init(CURL_GLOBAL_DEFAULT);
    }
    ss_state *st = prepare(check, foreground);
    if (!st)
        return 1;
    if (check) {
        if (st->register_refused)
            printf("%s: register %s refused: %s\n%s: the milter would start on the last "
                   "good register kept in %s\n", conf_path, st->cfg->register_path,
                   st->register_refused, conf_path, st->cfg->state_dir);
        printf("%s: configuration and register OK (register serial %llu%s%s)\n", conf_path,
               ss_register_serial(st->reg), st->register_signer[0] ? ", signed by " : "",
               st->register_signer);
        ss_state_put(st);
        return 0;
    }
    ss_state_install(st);
    /* Our own reference: a reload (SIGUSR1) installs a new state and frees
     * this one, yet the stop below must remove the PID file and socket this
     * start made, not read them from freed memory. */
    st = ss_state_get();
    if (!foreground && ss_daemonise() != 0) {
        ss_log(SS_LOG_ERR, "cannot become a daemon: %s", strerror(errno));
        return 1;
    }
    write_pid(st->cfg->pid_file);

    /* Every thread started here inherits this mask, so the signals that
     * stop libmilter (HUP, TERM, INT) reach its own signal thread, and
     * SIGUSR1 reaches ours, never a thread that would die of them. */
    static sigset_t usr1;
    sigset_t quiet;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&quiet);
    sigaddset(&quiet, SIGHUP);
    sigaddset(&quiet, SIGTERM);
    sigaddset(&quiet, SIGINT);
    sigaddset(&quiet, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &quiet, NULL);
    if (ss_readers_start(err, sizeof err) != 0) {
        fprintf(stderr, "safeshare-milter: %s\n", err);
        ss_log(SS_LOG_ERR, "not starting: %s", err);
        return 1;
    }
    pthread_t t, u;
    pthread_create(&t, NULL, reload_thread, &usr1);
    pthread_create(&u, NULL, upkeep_thread, NULL);
    int following = st->cfg->delivery_log != NULL;
    if (following
        && ss_delivery_start(st->cfg->delivery_log, st->cfg->state_dir, ss_state_audit_append,
                             err, sizeof err) != 0) {
        ss_log(SS_LOG_ERR, "%s: %s; no proof of delivery will be recorded", conf_path, err);
        following = 0;
    }

    ss_log(SS_LOG_NOTICE, "safeshare-milter %s starting on %s (register serial %llu)",
           PACKAGE_VERSION, st->cfg->socket, ss_register_serial(st->reg));
    int rc = smfi_main();
    /* The readers stop with us: safeshare-readerd sees its socket close when
     * this process exits and kills every reader (each also dies with it).
     * Connection threads may still be reading, so the pool is not freed. */
    ss_log(SS_LOG_NOTICE, "safeshare-milter stopping");
    ss_outbox_drain(5);
    if (following)
        ss_delivery_save();
    if (st->cfg->pid_file)
        unlink(st->cfg->pid_file);
    if (ss_socket_remove(st->cfg->socket, err, sizeof err) != 0)
        ss_log(SS_LOG_WARNING, "%s", err);
    ss_state_put(st);
    return rc == MI_SUCCESS ? 0 : 1;
}
