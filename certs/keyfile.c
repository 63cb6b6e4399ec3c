#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* shared_gid < 0: owner only. */
static int read_key(const char *path, long long shared_gid, unsigned char *key, size_t cap,
                    size_t *len, char *why, size_t whylen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int group_ok = shared_gid >= 0 && (long long)st.st_gid == shared_gid;
    if (st.st_mode & (group_ok ? 0037 : 0077)) {
        snprintf(why, whylen, group_ok ? "%s must not be writable by group or readable by "
                 "others (chmod 640)" : "%s must not be readable by group or others (chmod 600)",
                 path);
        close(fd);
        return -1;
    }
    ssize_t n = read(fd, key, cap);
    close(fd);
    if (n < SS_KEY_MIN) {
        snprintf(why, whylen, "%s holds fewer than 32 bytes; make one with: "
                 "head -c 32 /dev/urandom > %s", path, path);
        return -1;
    }
    *len = (size_t)n;
    return 0;
}

int ss_keyfile_read(const char *path, unsigned char *key, size_t cap, size_t *len,
                    char *why, size_t whylen)
{
    return read_key(path, -1, key, cap, len, why, whylen);
}

int ss_keyfile_read_shared(const char *path, gid_t gid, unsigned char *key, size_t cap,
                           size_t *len, char *why, size_t whylen)
{
    return read_key(path, (long long)gid, key, cap, len, why, whylen);
}
