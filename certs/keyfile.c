#include "keyfile.h"
#include "base/buf.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* shared_gid < 0: owner only. */
static int read_key(const char *path, uid_t service, long long shared_gid, unsigned char *key,
                    size_t cap, size_t *len, char *why, size_t whylen)
{
    /* O_NONBLOCK: a FIFO put in a key's place must not stall start-up. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "%s is not a regular file", path);
        close(fd);
        return -1;
    }
    /* Only root, the user reading it or the service's own account may own
     * a key: any other account could replace it with one of its own (and
     * sign releases, or read the store). */
    if (st.st_uid != 0 && st.st_uid != geteuid() && st.st_uid != service) {
        snprintf(why, whylen, "%s is owned by uid %ld, not by root, the user reading it or "
                 "UserID: chown it", path, (long)st.st_uid);
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

int ss_keyfile_read(const char *path, uid_t service, unsigned char *key, size_t cap,
                    size_t *len, char *why, size_t whylen)
{
    return read_key(path, service, -1, key, cap, len, why, whylen);
}

int ss_keyfile_read_shared(const char *path, uid_t service, gid_t gid, unsigned char *key,
                           size_t cap, size_t *len, char *why, size_t whylen)
{
    return read_key(path, service, (long long)gid, key, cap, len, why, whylen);
}

int ss_keyfile_create(const char *path, uid_t uid, gid_t gid, char *why, size_t whylen)
{
    unsigned char key[SS_KEY_MIN];
    if (RAND_bytes(key, sizeof key) != 1) {
        snprintf(why, whylen, "cannot make %s: no random bytes from OpenSSL", path);
        return -1;
    }
    /* O_EXCL: never overwrite a key someone made meanwhile. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int bad = fd < 0 || fchmod(fd, 0600) != 0 || ss_write_all(fd, key, sizeof key) != 0
              || (uid != (uid_t)-1 && fchown(fd, uid, gid) != 0) || fsync(fd) != 0;
    int saved = errno;
    OPENSSL_cleanse(key, sizeof key);
    if (fd >= 0)
        close(fd);
    if (bad) {
        if (fd >= 0)
            unlink(path);
        snprintf(why, whylen, "cannot make %s: %s", path, strerror(saved));
        return -1;
    }
    return 0;
}
