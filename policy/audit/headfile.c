#include "headfile.h"
#include "base/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC "safeshare-audit-head 1 "
/* Every field has a fixed width, so a rewrite never changes the size:
 * no allocation on a full disk, and a reader never sees two lengths. */
#define FMT MAGIC "seq=%020llu chain=%s ino=%020llu size=%020llu\n"
#define LINE_LEN (sizeof MAGIC - 1 + 4 + 20 + 7 + SS_CHAIN_HEX + 5 + 20 + 6 + 20 + 1)

char *ss_headfile_path(const char *audit_log)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "%s.head", audit_log);
    return ss_buf_steal(&b);
}

int ss_headfile_read(int fd, ss_headfile *out)
{
    char line[LINE_LEN + 1];
    ssize_t n = pread(fd, line, LINE_LEN, 0);
    if (n == 0)
        return 1;
    if (n != (ssize_t)LINE_LEN || line[LINE_LEN - 1] != '\n')
        return -1;
    line[LINE_LEN] = '\0';
    char hex[SS_CHAIN_HEX + 1];
    if (sscanf(line, MAGIC "seq=%20llu chain=%64[0-9a-f] ino=%20llu size=%20llu",
               &out->h.seq, hex, &out->ino, &out->size) != 4
        || strlen(hex) != SS_CHAIN_HEX || ss_chain_unhex(hex, out->h.chain) != 0)
        return -1;
    return 0;
}

int ss_headfile_write(int fd, const ss_headfile *hf)
{
    char hex[SS_CHAIN_HEX + 1], line[LINE_LEN + 1];
    ss_chain_hex(hf->h.chain, hex);
    int n = snprintf(line, sizeof line, FMT, hf->h.seq, hex, hf->ino, hf->size);
    if (n != (int)LINE_LEN) {
        errno = EOVERFLOW;
        return -1;
    }
    if (pwrite(fd, line, LINE_LEN, 0) != (ssize_t)LINE_LEN) {
        if (errno == 0)
            errno = ENOSPC;
        return -1;
    }
    return fdatasync(fd);
}

int ss_headfile_load(const char *audit_log, ss_headfile *out, char *err, size_t errlen)
{
    char *path = ss_headfile_path(audit_log);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc = 1;
    if (fd < 0 && errno != ENOENT) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        rc = -1;
    } else if (fd >= 0) {
        rc = ss_headfile_read(fd, out);
        if (rc < 0)
            snprintf(err, errlen, "%s: not a head line (damaged or edited)", path);
        close(fd);
    }
    free(path);
    return rc;
}
