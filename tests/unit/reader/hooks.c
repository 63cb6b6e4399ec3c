/* What an exploited parser would try, for tests/unit/reader/test_pool:
 * linked into the test reader (hook-reader, built with SS_TEST_HOOKS)
 * only, never into safeshare-extract. An attachment "SSTEST:<what> [arg]"
 * runs <what> in place of a parser. */
#include "reader/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int say(ssx_out *o, const char *msg)
{
    o->text(o, "", msg, strlen(msg));
    return 0;
}

/* open() of a file; the first line of it, or why not. */
static int try_open(const char *path, ssx_out *o)
{
    char line[64] = "", msg[256];
    int fd = open(path, O_RDONLY);
    if (fd >= 0 && read(fd, line, sizeof line - 1) > 0)
        line[strcspn(line, "\n")] = 0;
    snprintf(msg, sizeof msg, "open(%s) = %d (%s) %s", path, fd, fd < 0 ? strerror(errno) : "ok",
             line);
    return say(o, msg);
}

static void crash(const char *how)
{
    if (!strcmp(how, "abort"))
        abort();
    if (!strcmp(how, "segv")) {
        volatile uintptr_t nowhere = 16;   /* a real fault the compiler keeps */
        *(volatile int *)nowhere = 1;
    }
    if (!strcmp(how, "doublefree")) {      /* glibc's heap check: writev(2), abort */
        char *volatile q = malloc(32);
        free(q);
        free(q);
    }
    if (!strcmp(how, "oom")) {             /* until RLIMIT_AS says no */
        static void *volatile keep;
        for (;;) {
            char *p = malloc(16u << 20);
            if (!p)
                abort();                   /* what operator new does */
            memset(p, 1, 16u << 20);
            *(void **)p = keep;
            keep = p;
        }
    }
}

static int escape(const char *what, const char *arg, ssx_out *o)
{
    char msg[256];
    if (!strcmp(what, "open"))
        return try_open("/etc/passwd", o);
    if (!strcmp(what, "cat"))
        return try_open(arg, o);
    if (!strcmp(what, "socket")) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        snprintf(msg, sizeof msg, "socket(AF_INET) = %d (%s)", fd, fd < 0 ? strerror(errno) : "ok");
        return say(o, msg);
    }
    if (!strcmp(what, "execve")) {
        char *argv[] = { "/bin/true", NULL }, *envp[] = { NULL };
        execve("/bin/true", argv, envp);
        snprintf(msg, sizeof msg, "execve(/bin/true) failed (%s)", strerror(errno));
        return say(o, msg);
    }
    if (!strcmp(what, "fork")) {
        pid_t p = fork();
        if (p == 0)
            _exit(0);
        snprintf(msg, sizeof msg, "fork() = %d", (int)p);
        return say(o, msg);
    }
    return SSX_NOT_A_HOOK;
}

int ssx_test_hook(const unsigned char *data, size_t len, ssx_out *o)
{
    if (len < 7 || memcmp(data, "SSTEST:", 7) != 0)
        return SSX_NOT_A_HOOK;
    char what[32] = "", arg[128] = "";
    size_t n = len - 7 < sizeof what - 1 ? len - 7 : sizeof what - 1;
    memcpy(what, data + 7, n);
    what[strcspn(what, " \n")] = 0;
    size_t at = 7 + strlen(what) + 1;
    if (at < len)
        memcpy(arg, data + at, len - at < sizeof arg - 1 ? len - at : sizeof arg - 1);
    if (!strcmp(what, "spin"))              /* CPU until something stops it */
        for (volatile unsigned long i = 0;; i++)
            ;
    if (!strcmp(what, "block")) {           /* blocks without using CPU */
        char c;
        return read(0, &c, 1) < 0 ? -1 : 0;
    }
    crash(what);
    int rc = escape(what, arg, o);
    if (rc == SSX_NOT_A_HOOK) {
        o->skip(o, "", "unknown test hook", 1);
        return -1;
    }
    return rc;
}
