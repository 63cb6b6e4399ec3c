/* The message as the MTA hands it over: headers then body, kept in memory
 * up to a threshold and then spilled to an unlinked 0600 temporary file,
 * so a large attachment costs disk, not RAM. The file is close-on-exec (a
 * reader process never inherits it) and has no name from the start when
 * the filesystem allows. When held mail is encrypted (private), mail is
 * never written in clear to a disk either: a TempDirectory that is not
 * tmpfs is passed over for an anonymous file in RAM (memfd). */
#ifndef SS_MSGBUF_H
#define SS_MSGBUF_H

#include <stddef.h>
#include "base/buf.h"

typedef struct {
    ss_buf mem;
    int fd;              /* -1 while in memory */
    size_t total;        /* bytes offered */
    size_t mem_max;      /* spill threshold */
    size_t max;          /* MaxMessageSize: beyond it we stop keeping bytes */
    int oversize;
    const char *tmpdir;
    int private;         /* QuarantineKey is set: no clear copy on a disk */
} ss_msgbuf;

void ss_msgbuf_init(ss_msgbuf *m, size_t mem_max, size_t max, const char *tmpdir,
                    int private);
/* 0 ok; -1 on an I/O error (the caller fails closed). */
int ss_msgbuf_add(ss_msgbuf *m, const void *p, size_t n);
/* -1 when still in memory, else the fd rewound to offset 0. */
int ss_msgbuf_fd(ss_msgbuf *m);
void ss_msgbuf_free(ss_msgbuf *m);

#endif
