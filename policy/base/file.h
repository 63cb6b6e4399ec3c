/* Whole small files: read with a bound, replace atomically. For state and
 * trust files (the register, its signature, the last good serial), where
 * a reader must never see half a file and a hostile file must not be
 * allowed to grow without end. */
#ifndef SS_BASE_FILE_H
#define SS_BASE_FILE_H

#include <stddef.h>

/* Read a whole file of at most max bytes into *out (malloc'd, a NUL added
 * after len bytes). 0; 1 when it does not exist (nothing allocated); -1
 * with why ("cannot read PATH: ...", "PATH is larger than N bytes"). */
int ss_file_read(const char *path, size_t max, char **out, size_t *len, char *why,
                 size_t whylen);

/* Write PATH atomically: a temporary PATH.tmp.XXXXXX given mode, written, fsynced,
 * renamed over PATH, then the directory fsynced, so after a crash PATH
 * holds the old bytes or the new, never a mixture. 0, or -1 with why. */
int ss_file_replace(const char *path, const void *data, size_t len, int mode, char *why,
                    size_t whylen);

/* mkdir -p for one level below an existing parent, mode applied when
 * created; an existing directory is fine. 0, or -1 with why. */
int ss_dir_ensure(const char *path, int mode, char *why, size_t whylen);

#endif
