/* Starting a reader-side program (reader/spawn.c): how the one-shot
 * worker and the pool's helper are both started. */
#ifndef SS_READER_SPAWN_H
#define SS_READER_SPAWN_H

#include <spawn.h>
#include <sys/types.h>

/* posix_spawn (never a fork of the threaded milter), every signal at its
 * default and none blocked, an empty environment; fa says where its
 * descriptors go. 0 with *pid, or an errno. */
int ssx_spawn(pid_t *pid, const char *path, char *const argv[],
              const posix_spawn_file_actions_t *fa);

/* Closes every descriptor from lowfd up (in a reader, or in the helper's
 * child before exec). */
void ssx_close_from(int lowfd);

#endif
