/* The milter socket: created with no permissions, then given the
 * configured owner and mode; a stale unix socket is removed only when
 * nothing answers on it.
 *
 * Both without a race: the socket is set up through a descriptor opened
 * on it with O_PATH | O_NOFOLLOW (a symlink put in its place is refused,
 * never followed, so root never changes a file someone pointed it at),
 * and an exclusive lock on SOCKET.lock, held for the life of the process,
 * means no second safeshare-milter can remove a socket the first has
 * just made and not yet listens on. */
#ifndef SS_SOCKET_H
#define SS_SOCKET_H

#include <stddef.h>
#include <sys/types.h>

/* The file of a unix: (or local:) socket, or NULL for inet sockets. */
const char *ss_socket_unix_path(const char *conn);
/* After the milter stops: remove its unix socket, if it is still one.
 * 0, or -1 with err (the directory is not the service user's). */
int ss_socket_remove(const char *conn, char *err, size_t errlen);

/* Before smfi_opensocket: take the lock (-1, err when another
 * safeshare-milter holds it), refuse (-1, err) if another process answers
 * on the unix socket; remove it if it is stale. */
int ss_socket_prepare(const char *conn, char *err, size_t errlen);
/* After smfi_opensocket: chown/chmod a unix socket, through a descriptor
 * on the socket this process made; -1 with err when something else is
 * at the path. */
int ss_socket_finish(const char *conn, mode_t mode, const char *group,
                     const char *user, char *err, size_t errlen);
/* Let the lock go (tests; the daemon keeps it until it exits). */
void ss_socket_unlock(void);

#endif
