/* safeshare-readerd: the one privileged helper of the reader pool.
 *
 *   safeshare-readerd STRICT USER READER [READER ARGS...]   (socket on fd 3)
 *
 * The milter starts it with posix_spawn while it is still root and has no
 * thread, then drops its own privileges. It stays single-threaded, never
 * sees an attachment byte, links no parser, and does three things on
 * request over a SOCK_SEQPACKET socketpair (reader/proto.h):
 *
 *   S  fork a reader: its own network namespace, the reader user (no
 *      supplementary groups), die with the manager, no_new_privs, stdin a
 *      one-way stream socket and stdout a pipe, stderr /dev/null, nothing
 *      else open, an empty environment; exec READER. Reply with its pid and
 *      the pool's ends of the two channels.
 *   K  SIGKILL one of ITS readers and reap it; reply with the wait status
 *      and the reader's CPU. Only pids it started and has not reaped: it
 *      never signals a pid that might have been reused.
 *   Q  (or EOF: the milter is gone) kill every reader and exit.
 *
 * USER is a user name or #UID:GID. As root it must not be root, and the
 * reader must be unable to regain root. Not root (unit tests, a
 * developer's machine): readers keep the caller's uid and get a network
 * namespace from an unprivileged user namespace; STRICT=1 refuses to run
 * without both, STRICT=0 carries on with what it has. */
#include "proto.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define SOCK 3
#define MAX_READERS 1024

typedef struct {
    pid_t pid;
    int reaped;
    int status;
    struct rusage ru;
} child;

static child kids[MAX_READERS];
static int nkids;
static int strict, privileged;
static uid_t r_uid;
static gid_t r_gid;
static char **reader_argv;
static int reader_fd = -1;   /* the reader's program, opened while still root */

static int resolve_user(const char *user)
{
    unsigned long u, g;
    char extra;
    if (user[0] == '#') {
        if (sscanf(user + 1, "%lu:%lu%c", &u, &g, &extra) != 2)
            return -1;
        r_uid = (uid_t)u;
        r_gid = (gid_t)g;
    } else {
        struct passwd *pw = getpwnam(user);
        if (!pw)
            return -1;
        r_uid = pw->pw_uid;
        r_gid = pw->pw_gid;
    }
    return r_uid == 0 || r_gid == 0 ? -1 : 0;
}

static void write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (write(fd, s, strlen(s)) < 0) {
        /* the mapping is then missing: the reader runs as nobody inside */
    }
    close(fd);
}

/* Its own network namespace and its own user; exits with the step that
 * failed (proto.h) rather than run a reader with less. */
static void isolate(void)
{
    if (privileged) {
        if (unshare(CLONE_NEWNET) != 0)
            _exit(SS_MGR_EXIT_NETNS);
        if (setgroups(0, NULL) != 0 || setresgid(r_gid, r_gid, r_gid) != 0)
            _exit(SS_MGR_EXIT_GROUPS);
        if (setresuid(r_uid, r_uid, r_uid) != 0)
            _exit(SS_MGR_EXIT_UID);
        if (setuid(0) == 0 || setgid(0) == 0)
            _exit(SS_MGR_EXIT_ROOT);
        return;
    }
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
        if (strict)
            _exit(SS_MGR_EXIT_NETNS);
        return;
    }
    char map[64];
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    write_file("/proc/self/uid_map", map);
    write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    write_file("/proc/self/gid_map", map);
}

/* In the forked child: become the reader. */
static void become_reader(int in, int out, pid_t manager)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    setsid();
    isolate();
    /* after the uid change, which clears it; then make sure the manager
     * did not die in between */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != manager)
        _exit(SS_MGR_EXIT_FDS);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    shutdown(in, SHUT_WR);
    int null = open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(in, 0) != 0 || dup2(out, 1) != 1 || dup2(null, 2) != 2)
        _exit(SS_MGR_EXIT_FDS);
    /* The program is run from the descriptor opened at start: the reader's
     * account need not be able to reach the directory it is installed or
     * built in (a build under /root, 0700), only to execute the file. */
    if (dup2(reader_fd, 3) != 3 || fcntl(3, F_SETFD, FD_CLOEXEC) != 0)
        _exit(SS_MGR_EXIT_FDS);
    ssx_close_from(4);
    if (chdir("/") != 0)
        _exit(SS_MGR_EXIT_FDS);
    char *envp[] = { NULL };
    fexecve(3, reader_argv, envp);
    _exit(SS_MGR_EXIT_EXEC);
}

/* Reap readers that died by themselves, keeping how. */
static void sweep(void)
{
    for (int i = 0; i < nkids; i++) {
        int st;
        struct rusage ru;
        if (!kids[i].reaped && wait4(kids[i].pid, &st, WNOHANG, &ru) == kids[i].pid) {
            kids[i].reaped = 1;
            kids[i].status = st;
            kids[i].ru = ru;
        }
    }
}

static int reply(const ss_mgr_rep *rep, int fd_in, int fd_out)
{
    struct iovec iov = { (void *)rep, sizeof *rep };
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (fd_in >= 0) {
        m.msg_control = u.buf;
        m.msg_controllen = sizeof u.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(2 * sizeof(int));
        int fds[2] = { fd_in, fd_out };
        memcpy(CMSG_DATA(c), fds, sizeof fds);
    }
    return sendmsg(SOCK, &m, MSG_NOSIGNAL) == (ssize_t)sizeof *rep ? 0 : -1;
}

static void refuse(int err)
{
    ss_mgr_rep rep = { .err = err };
    reply(&rep, -1, -1);
}

/* A slot for one more reader: the reaped ones are forgotten first. */
static int room(void)
{
    if (nkids < MAX_READERS)
        return 1;
    int j = 0;
    for (int i = 0; i < nkids; i++)
        if (!kids[i].reaped)
            kids[j++] = kids[i];
    nkids = j;
    return nkids < MAX_READERS;
}

static void spawn(void)
{
    int in[2], out[2];
    if (!room()) {
        refuse(EAGAIN);
        return;
    }
    /* The job channel is a stream socketpair, not a pipe, so that the pool
     * can send with MSG_NOSIGNAL: a dead reader must not raise SIGPIPE in
     * the milter. Each channel is made one-way. */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) {
        refuse(errno);
        return;
    }
    if (pipe2(out, O_CLOEXEC) != 0) {
        refuse(errno);
        close(in[0]);
        close(in[1]);
        return;
    }
    pid_t me = getpid();
    pid_t pid = fork();              /* the manager has one thread */
    if (pid == 0)
        become_reader(in[0], out[1], me);
    close(in[0]);
    close(out[1]);
    shutdown(in[1], SHUT_RD);
    if (pid < 0) {
        refuse(errno);
    } else {
        kids[nkids++] = (child){ .pid = pid };
        ss_mgr_rep rep = { .pid = pid };
        if (reply(&rep, in[1], out[0]) != 0)
            kill(pid, SIGKILL);      /* reaped by a later sweep */
    }
    close(in[1]);
    close(out[0]);
}

static void kill_one(pid_t pid)
{
    int i = 0;
    while (i < nkids && kids[i].pid != pid)
        i++;
    if (i == nkids) {
        refuse(ESRCH);
        return;
    }
    if (!kids[i].reaped) {
        kill(pid, SIGKILL);          /* ours and not reaped: cannot be reused */
        while (wait4(pid, &kids[i].status, 0, &kids[i].ru) < 0 && errno == EINTR)
            ;
    }
    const struct rusage *ru = &kids[i].ru;
    ss_mgr_rep rep = {
        .pid = pid, .reaped = 1, .status = kids[i].status,
        .utime_us = (int64_t)ru->ru_utime.tv_sec * 1000000 + ru->ru_utime.tv_usec,
        .stime_us = (int64_t)ru->ru_stime.tv_sec * 1000000 + ru->ru_stime.tv_usec,
    };
    kids[i] = kids[--nkids];
    reply(&rep, -1, -1);
}

static void quit(void)
{
    for (int i = 0; i < nkids; i++)
        if (!kids[i].reaped)
            kill(kids[i].pid, SIGKILL);
    for (int i = 0; i < nkids; i++)
        if (!kids[i].reaped)
            waitpid(kids[i].pid, NULL, 0);
    _exit(0);
}

static int setup(int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[1], "0") && strcmp(argv[1], "1"))) {
        fprintf(stderr, "usage: safeshare-readerd STRICT USER READER [ARGS...] "
                        "(started by safeshare-milter, socket on fd 3)\n");
        return 2;
    }
    strict = argv[1][0] == '1';
    reader_argv = argv + 3;
    /* readers start in /: a relative program path is resolved now */
    char *abs = realpath(argv[3], NULL);
    if (!abs) {
        fprintf(stderr, "safeshare-readerd: %s: %s\n", argv[3], strerror(errno));
        return 3;
    }
    reader_argv[0] = abs;
    ssx_close_from(SOCK + 1);
    reader_fd = open(abs, O_PATH | O_CLOEXEC);
    if (reader_fd < 0) {
        fprintf(stderr, "safeshare-readerd: %s: %s\n", abs, strerror(errno));
        return 3;
    }
    signal(SIGPIPE, SIG_IGN);
    privileged = geteuid() == 0;
    if (privileged && resolve_user(argv[2]) != 0) {
        fprintf(stderr, "safeshare-readerd: ReaderUser %s: no such user, or it is root\n",
                argv[2]);
        return 3;
    }
    if (!privileged && strict) {
        fprintf(stderr, "safeshare-readerd: not root: readers cannot have their own user\n");
        return 3;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int rc = setup(argc, argv);
    if (rc != 0)
        return rc;
    for (;;) {
        struct pollfd p = { SOCK, POLLIN, 0 };
        int r = poll(&p, 1, 1000);
        sweep();
        if (r < 0 && errno != EINTR)
            quit();
        if (r <= 0)
            continue;
        ss_mgr_req req;
        ssize_t n = recv(SOCK, &req, sizeof req, 0);
        if (n == 0 || (n < 0 && errno != EINTR))
            quit();
        if (n != (ssize_t)sizeof req)
            continue;
        if (req.op == SS_MGR_SPAWN)
            spawn();
        else if (req.op == SS_MGR_KILL)
            kill_one(req.pid);
        else if (req.op == SS_MGR_QUIT)
            quit();
    }
}
