#include "msgbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ss_msgbuf_init(ss_msgbuf *m, size_t mem_max, size_t max, const char *tmpdir,
                    int private)
{
    memset(m, 0, sizeof *m);
    m->fd = -1;
    m->mem_max = mem_max;
    m->max = max;
    m->tmpdir = tmpdir;
    m->private = private;
}

static int on_tmpfs(const char *dir)
{
    struct statfs fs;
    return statfs(dir, &fs) == 0 && (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC);
}

/* A new file for the message: close-on-exec, 0600, with no name left. */
static int spill_file(const ss_msgbuf *m)
{
    if (m->private && !on_tmpfs(m->tmpdir))
        return memfd_create("safeshare-message", MFD_CLOEXEC);
    int fd = open(m->tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
        return fd;
    /* A filesystem without O_TMPFILE: a name for the moment it takes. */
    char path[4096];
    snprintf(path, sizeof path, "%s/safeshare.XXXXXX", m->tmpdir);
    mode_t old = umask(077);
    fd = mkostemp(path, O_CLOEXEC);
    umask(old);
    if (fd >= 0)
        unlink(path);
    return fd;
}

static int spill(ss_msgbuf *m)
{
    int fd = spill_file(m);
    if (fd < 0)
        return -1;
    if (ss_write_all(fd, m->mem.p ? m->mem.p : "", m->mem.len) != 0) {
        close(fd);
        return -1;
    }
    ss_buf_free(&m->mem);
    m->fd = fd;
    return 0;
}

int ss_msgbuf_add(ss_msgbuf *m, const void *p, size_t n)
{
    m->total += n;
    if (m->oversize)
        return 0;
    if (m->total > m->max) {
        /* Past the limit we keep nothing: the verdict is OnOversize. */
        m->oversize = 1;
        ss_buf_free(&m->mem);
        if (m->fd >= 0)
            close(m->fd);
        m->fd = -1;
        return 0;
    }
    if (m->fd < 0 && m->mem.len + n > m->mem_max && spill(m) != 0)
        return -1;
    if (m->fd >= 0)
        return ss_write_all(m->fd, p, n);
    ss_buf_add(&m->mem, p, n);
    return 0;
}

int ss_msgbuf_fd(ss_msgbuf *m)
{
    if (m->fd < 0)
        return -1;
    if (lseek(m->fd, 0, SEEK_SET) != 0)
        return -1;
    return m->fd;
}

void ss_msgbuf_free(ss_msgbuf *m)
{
    ss_buf_free(&m->mem);
    if (m->fd >= 0)
        close(m->fd);
    m->fd = -1;
}
