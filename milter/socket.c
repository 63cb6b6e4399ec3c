#include "socket.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
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

int ss_socket_prepare(const char *conn, char *err, size_t errlen)
{
    const char *path = ss_socket_unix_path(conn);
    struct stat st;
    if (!path || lstat(path, &st) != 0)
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
    if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) != 0) {
        snprintf(err, errlen, "%s: chown: %s", path, strerror(errno));
        return -1;
    }
    if (chmod(path, mode) != 0) {
        snprintf(err, errlen, "%s: chmod: %s", path, strerror(errno));
        return -1;
    }
    return 0;
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
