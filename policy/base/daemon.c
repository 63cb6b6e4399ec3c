#include "daemon.h"

#include <fcntl.h>
#include <unistd.h>

int ss_daemon_options(int argc, char **argv, const char *name, const char *version,
                      void (*usage)(FILE *), ss_daemon_opts *o)
{
    int opt;
    optind = 1;
    while ((opt = getopt(argc, argv, "c:fnVh")) != -1) {
        switch (opt) {
        case 'c': o->conf = optarg; break;
        case 'f': o->foreground = 1; break;
        case 'n': o->check = 1; break;
        case 'V': printf("%s %s\n", name, version); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 1;
    }
    return -1;
}

int ss_daemonise(void)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    if (setsid() < 0)
        return -1;
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0)
        return -1;
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2)
        close(fd);
    return chdir("/");
}
