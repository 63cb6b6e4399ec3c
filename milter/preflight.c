#include "preflight.h"
#include "base/buf.h"
#include "certs/keyfile.h"
#include "reader/reader.h"
#include "register/register.h"
#include "socket.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static void say(const ss_preflight *p, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(const ss_preflight *p, int prio, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->say(p->ctx, prio, msg);
}

/* Who the checks run as, for the messages. */
static const char *me(char *buf, size_t n)
{
    struct passwd *pw = getpwuid(geteuid());
    if (pw)
        snprintf(buf, n, "%s", pw->pw_name);
    else
        snprintf(buf, n, "uid %ld", (long)geteuid());
    return buf;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash == path ? ss_xstrdup("/") : ss_xstrndup(path, slash ? (size_t)(slash - path) : 0);
}

/* 0 when dir is a directory; else -1 with err naming the key. */
static int is_dir(const ss_config *c, const char *key, const char *dir, const char *what,
                  char *err, size_t errlen)
{
    struct stat st;
    int found = stat(dir, &st) == 0;
    if (found && S_ISDIR(st.st_mode))
        return 0;
    snprintf(err, errlen, "%s: %s: %s (%s) %s", c->path, key, dir, what,
             found ? "is not a directory" : "does not exist");
    return -1;
}

/* 0 when this user can make files in dir. */
static int writable_dir(const ss_config *c, const char *key, const char *dir, const char *what,
                        char *err, size_t errlen)
{
    if (is_dir(c, key, dir, what, err, errlen) != 0)
        return -1;
    if (access(dir, W_OK | X_OK) == 0)
        return 0;
    char who[64];
    snprintf(err, errlen, "%s: %s: user %s cannot write in %s (%s)", c->path, key,
             me(who, sizeof who), dir, what);
    return -1;
}

/* A directory the milter makes when it is missing: it, or its parent. */
static int made_dir(const ss_config *c, const char *key, const char *dir, char *err,
                    size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) == 0)
        return writable_dir(c, key, dir, "where it writes", err, errlen);
    char *parent = dir_of(dir);
    int rc = writable_dir(c, key, parent, "where it makes its directory", err, errlen);
    free(parent);
    return rc;
}

/* The directory a file goes in: it must exist (and, as the user, let
 * the file be made). */
static int file_dir(const ss_config *c, const char *key, const char *path, const char *what,
                    int writable, char *err, size_t errlen)
{
    char *dir = dir_of(path);
    int rc = writable ? writable_dir(c, key, dir, what, err, errlen)
                      : is_dir(c, key, dir, what, err, errlen);
    free(dir);
    return rc;
}

static int make_release_key(const ss_preflight *p, const ss_config *c, char *err,
                            size_t errlen)
{
    if (file_dir(c, "ReleaseKey", c->release_key_path, "where the ReleaseKey is made", 0, err,
                 errlen) != 0)
        return -1;
    const char *owner = c->user && geteuid() == 0 ? c->user : NULL;
    char who[64];
    if (p->check_only) {
        say(p, LOG_NOTICE, "%s: ReleaseKey: %s does not exist yet; safeshare-milter makes it "
            "when it starts (0600, owner %s)", c->path, c->release_key_path,
            owner ? owner : me(who, sizeof who));
        return 0;
    }
    struct passwd *pw = owner ? getpwnam(owner) : NULL;
    char why[768];
    if (ss_keyfile_create(c->release_key_path, pw ? pw->pw_uid : (uid_t)-1,
                          pw ? pw->pw_gid : (gid_t)-1, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: ReleaseKey: %s", c->path, why);
        return -1;
    }
    say(p, LOG_NOTICE, "made the ReleaseKey %s (0600, owner %s)", c->release_key_path,
        owner ? owner : me(who, sizeof who));
    return 0;
}

int ss_preflight_root(const ss_preflight *p, const ss_config *c, char *err, size_t errlen)
{
    if (geteuid() == 0 && c->user && !getpwnam(c->user)) {
        snprintf(err, errlen, "%s: UserID: no such user %s (make it: adduser --system --group "
                 "%s)", c->path, c->user, c->user);
        return -1;
    }
    if (geteuid() == 0 && !c->user)     /* only with AllowRoot (ss_config_check_user) */
        say(p, LOG_WARNING, "running as root (AllowRoot yes, no UserID): every message is read "
            "and every key held by root; set UserID to the account it should run as");
    if (c->socket_group && !getgrnam(c->socket_group)) {
        snprintf(err, errlen, "%s: SocketGroup: no such group %s", c->path, c->socket_group);
        return -1;
    }
    const char *sock = ss_socket_unix_path(c->socket);
    if (sock && file_dir(c, "Socket", sock, "where the socket is made", 0, err, errlen) != 0)
        return -1;
    if (c->pid_file && file_dir(c, "PidFile", c->pid_file, "where the PID file is written", 0,
                                err, errlen) != 0)
        return -1;
    return c->release_key_missing ? make_release_key(p, c, err, errlen) : 0;
}

int ss_preflight_user(const ss_preflight *p, const ss_config *c, char *err, size_t errlen)
{
    char who[64], why[768];
    me(who, sizeof who);
    if (c->user && strcmp(who, c->user) != 0)
        say(p, LOG_WARNING, "%s: running as %s, not as UserID %s (only root can become it): "
            "the checks are %s's", c->path, who, c->user, who);
    struct stat st;
    if (stat(c->audit_log, &st) == 0 ? access(c->audit_log, W_OK) != 0 : 0) {
        snprintf(err, errlen, "%s: AuditLog: user %s cannot write %s", c->path, who,
                 c->audit_log);
        return -1;
    }
    if (file_dir(c, "AuditLog", c->audit_log, "the audit trail's directory", 1, err, errlen)
        || writable_dir(c, "TempDirectory", c->temp_dir, "where large messages spill", err,
                        errlen)
        || made_dir(c, "StateDir", c->state_dir, err, errlen)
        || (ss_config_uses_quarantine(c) && made_dir(c, "QuarantineDir", c->quarantine_dir,
                                                     err, errlen))
        || (c->pid_file && file_dir(c, "PidFile", c->pid_file, "where the PID file is written",
                                    1, err, errlen)))
        return -1;
    if (ssx_worker_probe(c->extract_worker, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: ExtractWorker: %s", c->path, why);
        return -1;
    }
    const char *sock = ss_socket_unix_path(c->socket);
    if (sock && file_dir(c, "Socket", sock, "the socket's directory", 1, why, sizeof why) != 0)
        say(p, LOG_WARNING, "%s; the socket cannot be removed when the milter stops", why);
    if (c->delivery_log && access(c->delivery_log, R_OK) != 0)
        say(p, LOG_WARNING, "%s: DeliveryLog: user %s cannot read %s: no proof of delivery "
            "will be recorded", c->path, who, c->delivery_log);
    return 0;
}

static void warn_register(const ss_preflight *p, const ss_state *st, time_t now)
{
    time_t exp = ss_register_expires(st->reg);
    if (!exp)
        return;
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&exp));
    if (now >= exp)
        say(p, LOG_WARNING, "%s: Register: the register in force (serial %llu) went stale at "
            "%s: every recipient counts as insecure for child data until a fresh one is "
            "installed", st->cfg->path, ss_register_serial(st->reg), when);
    else if (exp - now < SS_REGISTER_SOON_DAYS * 86400L)
        say(p, LOG_WARNING, "%s: Register: the register in force (serial %llu) goes stale at "
            "%s, in %ld day(s): install a fresh one before then", st->cfg->path,
            ss_register_serial(st->reg), when, (long)((exp - now) / 86400));
}

void ss_preflight_warn(const ss_preflight *p, const ss_state *st, time_t now)
{
    ss_buf b = SS_BUF_INIT;
    if (ss_config_warn_accept(st->cfg, &b))
        for (char *line = b.p, *nl; line && *line; line = nl + 1) {
            nl = strchr(line, '\n');
            *nl = '\0';
            say(p, LOG_WARNING, "%s", line);
        }
    ss_buf_free(&b);
    warn_register(p, st, now);
    if (ss_config_uses_quarantine(st->cfg) && !st->cfg->notify_from)
        say(p, LOG_WARNING, "%s: NotifyFrom is not set: nobody will be told when a message is "
            "held (see NOTICES in safeshare.conf(5))", st->cfg->path);
}
