#include "audit_secret.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int ss_secret_read(const char *what, char *out, size_t n)
{
    char *got;
    if (isatty(STDIN_FILENO)) {
        struct termios old, quiet;
        int have = tcgetattr(STDIN_FILENO, &old) == 0;
        fprintf(stderr, "Type %s (it is not shown, and not kept): ", what);
        fflush(stderr);
        if (have) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        got = fgets(out, (int)n, stdin);
        if (have)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    } else {
        got = fgets(out, (int)n, stdin);
    }
    if (got)
        out[strcspn(out, "\r\n")] = '\0';
    if (!got || !out[0]) {
        fprintf(stderr, "safesharectl: no value given for %s\n", what);
        return -1;
    }
    return 0;
}
