#include "socket.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

const char *ss_socket_unix_path(const char *conn)
{
    if (!strncmp(conn, "unix:", 5))
        return conn + 5;
    if (!strncmp(conn, "local:", 6))
        return conn + 6;
    return NULL;
}

static int lock_fd = -1;

void ss_socket_unlock(void)
{
    if (lock_fd >= 0)
        close(lock_fd);
    lock_fd = -1;
}

/* SOCKET.lock, locked for the life of the process (a lock file that is
 * left behind is harmless: the lock dies with its holder). */
static int take_lock(const char *path, char *err, size_t errlen)
{
    char lock[4096];
    snprintf(lock, sizeof lock, "%s.lock", path);
    int fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", lock, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errlen, "%s: another safeshare-milter is running on this socket", path);
        close(fd);
        return -1;
    }
    ss_socket_unlock();
    lock_fd = fd;
    return 0;
}

int ss_socket_prepare(const char *conn, char *err, size_t errlen)
{
    const char *path = ss_socket_unix_path(conn);
    struct stat st;
    if (!path)
        return 0;
    if (take_lock(path, err, errlen) != 0)
        return -1;
    if (lstat(path, &st) != 0)
        return 0;
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a socket; refusing to remove it", path);
        return -1;
    }
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errlen, "%s: socket path too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    int answered = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    if (answered) {
        snprintf(err, errlen, "%s: another milter is answering on this socket", path);
        return -1;
    }
    /* Nobody answers, and no safeshare-milter holds the lock: stale. */
    if (unlink(path) != 0) {
        snprintf(err, errlen, "%s: cannot remove stale socket: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int ss_socket_finish(const char *conn, mode_t mode, const char *group,
                     const char *user, char *err, size_t errlen)
{
    const char *path = ss_socket_unix_path(conn);
    if (!path)
        return 0;
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1;
    if (user && geteuid() == 0) {
        struct passwd *pw = getpwnam(user);
        if (!pw) {
            snprintf(err, errlen, "UserID: no such user %s", user);
            return -1;
        }
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    }
    if (group) {
        struct group *gr = getgrnam(group);
        if (!gr) {
            snprintf(err, errlen, "SocketGroup: no such group %s", group);
            return -1;
        }
        gid = gr->gr_gid;
    }
    /* The socket itself, never what a symlink in its place points at. */
    int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_uid != geteuid()) {
        snprintf(err, errlen, "%s: not the socket this process made (%s): refusing to change it",
                 path, fd < 0 ? strerror(errno) : "replaced");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    int rc = 0;
    if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
        fchownat(fd, "", uid, gid, AT_EMPTY_PATH) != 0) {
        snprintf(err, errlen, "%s: chown: %s", path, strerror(errno));
        rc = -1;
    } else if (chmod(self, mode) != 0) {   /* the inode fd names, not the path */
        snprintf(err, errlen, "%s: chmod: %s", path, strerror(errno));
        rc = -1;
    }
    close(fd);
    return rc;
}

int ss_socket_remove(const char *conn, char *err, size_t errlen)
{
    const char *path = ss_socket_unix_path(conn);
    struct stat st;
    if (!path || lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode) || unlink(path) == 0)
        return 0;
    snprintf(err, errlen, "%s: cannot remove the socket: %s", path, strerror(errno));
    return -1;
}
