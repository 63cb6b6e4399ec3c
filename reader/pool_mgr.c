/* The pool's line to safeshare-readerd (reader/readerd.c): started once
 * with posix_spawn, then one request and one reply at a time over a
 * SOCK_SEQPACKET socketpair on its fd 3. */
#include "pool_int.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define MGR_FD 3

/* The helper gets its socket on fd 3, /dev/null in and out, and the
 * milter's stderr (its start-up errors go where the milter's do). */
static int spawn_manager(ss_pool *p, int child_end, char *const argv[])
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, child_end, MGR_FD);
    int rc = ssx_spawn(&p->mgr_pid, p->o.manager_path, argv, &fa);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

int ss_mgr_start(ss_pool *p, char *err, size_t errlen)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(err, errlen, "cannot set up the reader pool: %s", strerror(errno));
        return -1;
    }
    /* dup2 onto the same number would keep FD_CLOEXEC: move it first */
    if (sv[1] == MGR_FD) {
        int moved = fcntl(sv[1], F_DUPFD_CLOEXEC, MGR_FD + 1);
        close(sv[1]);
        sv[1] = moved;
    }
    char mem[24], cpu[24], max[24];
    snprintf(mem, sizeof mem, "%llu", (unsigned long long)p->o.reader_memory);
    snprintf(cpu, sizeof cpu, "%llu", (unsigned long long)p->o.reader_cpu);
    snprintf(max, sizeof max, "%llu", (unsigned long long)p->o.max_input);
    char *const argv[] = { (char *)p->o.manager_path, p->o.strict ? "1" : "0",
                           (char *)p->o.reader_user, (char *)p->o.reader_path, "--pool",
                           mem, cpu, max, p->o.no_seccomp ? "--no-seccomp" : NULL, NULL };
    int rc = sv[1] < 0 ? errno : spawn_manager(p, sv[1], argv);
    if (sv[1] >= 0)
        close(sv[1]);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start %s: %s", p->o.manager_path, strerror(rc));
        close(sv[0]);
        return -1;
    }
    p->mgr = sv[0];
    return 0;
}

/* The descriptors a reply carries, or -1s. */
static void take_fds(struct msghdr *m, int fds[2])
{
    fds[0] = fds[1] = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(2 * sizeof(int)))
            memcpy(fds, CMSG_DATA(c), 2 * sizeof(int));
}

/* One request, one reply. -1: the manager is gone, or said no. fds (may
 * be NULL: any that come are closed) gets the descriptors of a spawn. */
static int call(ss_pool *p, int op, pid_t pid, ss_mgr_rep *rep, int fds[2])
{
    int got[2] = { -1, -1 }, rc = -1;
    memset(rep, 0, sizeof *rep);
    pthread_mutex_lock(&p->mgr_lock);
    ss_mgr_req req = { op, pid };
    if (p->broken || send(p->mgr, &req, sizeof req, MSG_NOSIGNAL) != (ssize_t)sizeof req) {
        p->broken = 1;
        goto out;
    }
    struct iovec iov = { rep, sizeof *rep };
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = sizeof u.buf };
    ssize_t n;
    while ((n = recvmsg(p->mgr, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
    if (n != (ssize_t)sizeof *rep) {
        p->broken = 1;
        goto out;
    }
    take_fds(&m, got);
    rc = rep->err ? -1 : 0;
out:
    pthread_mutex_unlock(&p->mgr_lock);
    for (int i = 0; i < 2; i++) {
        if (fds)
            fds[i] = got[i];
        else if (got[i] >= 0)
            close(got[i]);
    }
    return rc;
}

int ss_mgr_spawn(ss_pool *p, pid_t *pid, int fds[2])
{
    ss_mgr_rep rep;
    int rc = call(p, SS_MGR_SPAWN, 0, &rep, fds);
    *pid = rep.pid;
    if (rc == 0 && fds[0] >= 0 && fds[1] >= 0)
        return 0;
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return -1;
}

int ss_mgr_kill(ss_pool *p, pid_t pid)
{
    ss_mgr_rep rep;
    if (call(p, SS_MGR_KILL, pid, &rep, NULL) < 0 || !rep.reaped)
        return -1;
    pthread_mutex_lock(&p->m);
    p->st.reader_cpu_us += (uint64_t)(rep.utime_us + rep.stime_us);
    pthread_mutex_unlock(&p->m);
    return rep.status;
}

void ss_mgr_quit(ss_pool *p)
{
    ss_mgr_req q = { SS_MGR_QUIT, 0 };
    if (send(p->mgr, &q, sizeof q, MSG_NOSIGNAL) < 0) {
        /* gone already: EOF does the same */
    }
    close(p->mgr);
    while (waitpid(p->mgr_pid, NULL, 0) < 0 && errno == EINTR)
        ;
}
