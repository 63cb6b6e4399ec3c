#include "file.h"
#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ss_file_read(const char *path, size_t max, char **out, size_t *len, char *why,
                 size_t whylen)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    ss_buf b = SS_BUF_INIT;
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || b.len + (size_t)n > max) {
            if (n < 0)
                snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
            else
                snprintf(why, whylen, "%s is larger than %zu bytes", path, max);
            close(fd);
            ss_buf_free(&b);
            return -1;
        }
        ss_buf_add(&b, chunk, (size_t)n);
    }
    close(fd);
    ss_buf_add(&b, "", 0);    /* an empty file still gets its NUL */
    *len = b.len;
    *out = ss_buf_steal(&b);
    return 0;
}

static int fsync_parent(const char *path)
{
    char *copy = ss_xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int ss_file_replace(const char *path, const void *data, size_t len, int mode, char *why,
                    size_t whylen)
{
    /* A name of its own: two writers of the same file (a reload and an
     * update at once) must not rename each other's half-written copy. */
    ss_buf tmp = SS_BUF_INIT;
    ss_buf_printf(&tmp, "%s.tmp.XXXXXX", path);
    int fd = mkostemp(tmp.p, O_CLOEXEC);
    int rc = fd < 0 ? -1 : 0;
    if (rc == 0 && (fchmod(fd, (mode_t)mode) != 0 || ss_write_all(fd, data, len) != 0
                    || fsync(fd) != 0))
        rc = -1;
    if (fd >= 0 && close(fd) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp.p, path) != 0)
        rc = -1;
    if (rc != 0) {
        snprintf(why, whylen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp.p);
    } else if (fsync_parent(path) != 0) {
        snprintf(why, whylen, "cannot sync the directory of %s: %s", path, strerror(errno));
        rc = -1;
    }
    ss_buf_free(&tmp);
    return rc;
}

int ss_dir_ensure(const char *path, int mode, char *why, size_t whylen)
{
    struct stat st;
    if (mkdir(path, (mode_t)mode) != 0 && errno != EEXIST) {
        snprintf(why, whylen, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "%s is not a directory", path);
        return -1;
    }
    if (access(path, W_OK | X_OK) != 0) {
        snprintf(why, whylen, "cannot write in %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
