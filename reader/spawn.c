/* Starting reader-side programs, and closing what they must not inherit
 * (reader/spawn.h). */
#include "spawn.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int ssx_spawn(pid_t *pid, const char *path, char *const argv[],
              const posix_spawn_file_actions_t *fa)
{
    posix_spawnattr_t at;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_init(&at);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char *const envp[] = { NULL };
    int rc = posix_spawn(pid, path, fa, &at, argv, envp);
    posix_spawnattr_destroy(&at);
    return rc;
}

void ssx_close_from(int lowfd)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0u) == 0)
        return;
#endif
    for (int fd = lowfd; fd < 1024; fd++)
        close(fd);
}
