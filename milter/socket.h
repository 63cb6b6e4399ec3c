/* The milter socket: created with no permissions, then given the
 * configured owner and mode; a stale unix socket is removed only when
 * nothing answers on it. */
#ifndef SS_SOCKET_H
#define SS_SOCKET_H

#include <stddef.h>
#include <sys/types.h>

/* The file of a unix: (or local:) socket, or NULL for inet sockets. */
const char *ss_socket_unix_path(const char *conn);
/* After the milter stops: remove its unix socket, if it is still one.
 * 0, or -1 with err (the directory is not the service user's). */
int ss_socket_remove(const char *conn, char *err, size_t errlen);

/* Before smfi_opensocket: refuse (-1, err) if another process answers on
 * the unix socket; remove it if it is stale. */
int ss_socket_prepare(const char *conn, char *err, size_t errlen);
/* After smfi_opensocket: chown/chmod a unix socket. */
int ss_socket_finish(const char *conn, mode_t mode, const char *group,
                     const char *user, char *err, size_t errlen);

#endif
