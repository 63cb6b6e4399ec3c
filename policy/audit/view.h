/* The writer's view of the trail's files (writer.c): the log and its head
 * file, opened or created with the right owner, and, each time the writer
 * takes the lock, where the chain stands: after a rotation (AuditLog is a
 * new file), after another process wrote, after a write that a crash or
 * a full disk cut short. */
#ifndef SS_AUDIT_VIEW_H
#define SS_AUDIT_VIEW_H

#include <stddef.h>
#include <sys/types.h>
#include "chain.h"

typedef struct {
    char *path, *head_path;
    unsigned char key[SS_CHAIN_LEN];
    mode_t mode;                 /* for files we create: 0600, 0640 with AuditGroup */
    gid_t gid;
    int has_group;
    int fd, hfd;                 /* AuditLog (read, append) and AuditLog.head */
    unsigned long long ino;      /* the file fd is open on */
    ss_chain_head cur;           /* the chain after the last line in the file */
    off_t cur_size;              /* the file's size after that line */
    int valid;                   /* cur describes ino as this handle left it */
    int torn;                    /* a failed write could not be cut back yet */
    char *notes[2];              /* records to write before the next one */
    size_t nnotes;
} ss_view;

/* Open (creating when missing) the log and its head file. 0 or -1 with err. */
int ss_view_open(ss_view *v, const char *path, char *err, size_t errlen);
void ss_view_close(ss_view *v);

/* With the head file locked: reopen AuditLog if it was rotated, cut off an
 * unfinished last line, and set cur/cur_size from the file's last record,
 * or from the head file when the file is new. Queues a note when it
 * repaired or had to start the chain again. 0, or -1 with err. */
int ss_view_establish(ss_view *v, char *err, size_t errlen);

/* The next record establish asked to write first (malloc'd), or NULL. */
char *ss_view_take_note(ss_view *v);

#endif
