/* Reading a value a person searches for (an NHS number, a child's name)
 * without it landing in `ps` or the shell's history: at a prompt on the
 * terminal with echo off, or from standard input when that is a pipe or
 * a file. */
#ifndef SS_REVIEW_AUDIT_SECRET_H
#define SS_REVIEW_AUDIT_SECRET_H

#include <stddef.h>

/* what: "an NHS number". One line, without its newline, into out.
 * 0, or -1 (printed) when nothing was given. */
int ss_secret_read(const char *what, char *out, size_t n);

#endif
