#include "view.h"
#include "audit.h"
#include "headfile.h"
#include "base/buf.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINE_MAX_BYTES (64L * 1024 * 1024)

/* A file we create belongs to whoever owns the directory (the milter's
 * user), even when root made it (safesharectl), so the milter can still
 * write it; with AuditGroup, that group may read it. */
static void own(const ss_view *v, int fd, const char *path)
{
    if (fchmod(fd, v->mode) != 0)
        ss_log(SS_LOG_WARNING, "%s: cannot set mode %o: %s", path, v->mode, strerror(errno));
    char *dir = ss_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    struct stat d;
    int rc = 0;
    if (geteuid() == 0 && stat(slash ? dir : ".", &d) == 0)
        rc = fchown(fd, d.st_uid, v->has_group ? v->gid : d.st_gid);
    else if (v->has_group)
        rc = fchown(fd, (uid_t)-1, v->gid);
    if (rc != 0)
        ss_log(SS_LOG_WARNING, "%s: cannot set its owner or group: %s", path, strerror(errno));
    /* the new name itself must survive a crash */
    int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(dir);
}

static int open_file(const ss_view *v, const char *path, int flags)
{
    int fd = open(path, flags | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, v->mode);
    if (fd >= 0) {
        own(v, fd, path);
        return fd;
    }
    if (errno != EEXIST)
        return -1;
    return open(path, flags | O_CLOEXEC | O_NOFOLLOW);
}

/* A file of the trail, new or already there (an admin's, a restore's):
 * a regular file that others cannot read, nor group beyond AuditGroup,
 * since the trail says who shared what with whom. 0, or -1 with err. */
static int check_file(const ss_view *v, int fd, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "AuditLog: %s is not a regular file", path);
        return -1;
    }
    mode_t allowed = v->has_group && st.st_gid == v->gid ? 0640 : 0600;
    if (st.st_mode & 0777 & ~allowed & ~0100) {
        snprintf(err, errlen, "AuditLog: %s has mode %04o: group or others could read or "
                 "write the audit trail; chmod %o %s%s", path, (unsigned)(st.st_mode & 0777),
                 (unsigned)v->mode, path, v->has_group ? " and chgrp it to AuditGroup" : "");
        return -1;
    }
    return 0;
}

int ss_view_open(ss_view *v, const char *path, char *err, size_t errlen)
{
    v->path = ss_xstrdup(path);
    v->head_path = ss_headfile_path(path);
    v->fd = open_file(v, v->path, O_RDWR | O_APPEND);
    if (v->fd < 0) {
        snprintf(err, errlen, "%s: cannot open audit log: %s", path, strerror(errno));
        return -1;
    }
    if (check_file(v, v->fd, v->path, err, errlen) != 0)
        return -1;
    v->hfd = open_file(v, v->head_path, O_RDWR);
    if (v->hfd < 0) {
        snprintf(err, errlen, "%s: cannot open the audit log's head file: %s", v->head_path,
                 strerror(errno));
        return -1;
    }
    return check_file(v, v->hfd, v->head_path, err, errlen);
}

void ss_view_close(ss_view *v)
{
    if (v->fd >= 0)
        close(v->fd);
    if (v->hfd >= 0)
        close(v->hfd);
    for (size_t i = 0; i < v->nnotes; i++)
        free(v->notes[i]);
    free(v->path);
    free(v->head_path);
    explicit_bzero(v->key, sizeof v->key);
    memset(v, 0, sizeof *v);
    v->fd = v->hfd = -1;
}

char *ss_view_take_note(ss_view *v)
{
    if (!v->nnotes)
        return NULL;
    char *n = v->notes[0];
    memmove(v->notes, v->notes + 1, --v->nnotes * sizeof *v->notes);
    return n;
}

static void note(ss_view *v, const char *event, const char *detail)
{
    char now[32];
    ss_audit_now(now);
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "{\"time\":\"%s\",\"source\":\"audit\",\"event\":\"%s\",\"detail\":", now,
                  event);
    ss_buf_json_quoted(&b, detail);
    ss_buf_addc(&b, '}');
    if (v->nnotes < sizeof v->notes / sizeof *v->notes)
        v->notes[v->nnotes++] = ss_buf_steal(&b);
    else
        ss_buf_free(&b);
    ss_log(SS_LOG_WARNING, "audit log %s: %s", v->path, detail);
}

/* logrotate (or a person) moved AuditLog away: write to the new one. */
static int reopen_if_moved(ss_view *v, char *err, size_t errlen)
{
    struct stat ps, fs;
    if (fstat(v->fd, &fs) == 0 && stat(v->path, &ps) == 0 && ps.st_ino == fs.st_ino
        && ps.st_dev == fs.st_dev)
        return 0;
    int fd = open_file(v, v->path, O_RDWR | O_APPEND);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open audit log: %s", v->path, strerror(errno));
        return -1;
    }
    close(v->fd);
    v->fd = fd;
    v->valid = 0;
    return 0;
}

/* Offset of the last newline before pos; -1 when there is none, -2 when
 * the file cannot be read. */
static off_t newline_before(int fd, off_t pos)
{
    char buf[4096];
    while (pos > 0) {
        size_t n = pos < (off_t)sizeof buf ? (size_t)pos : sizeof buf;
        if (pread(fd, buf, n, pos - (off_t)n) != (ssize_t)n)
            return -2;
        for (size_t i = n; i > 0; i--)
            if (buf[i - 1] == '\n')
                return pos - (off_t)n + (off_t)i - 1;
        pos -= (off_t)n;
    }
    return -1;
}

/* An empty file: the chain goes on from the head file (a rotation), or
 * starts (a new trail). */
static int from_head(ss_view *v, int hr, const ss_headfile *hf, char *err, size_t errlen)
{
    v->cur_size = 0;
    if (hr < 0) {
        snprintf(err, errlen, "audit log %s is empty and its head file %s is damaged, so the "
                 "chain cannot go on; check the trail with `safesharectl audit verify`, then "
                 "remove the head file to start a new chain (verify will show where)",
                 v->path, v->head_path);
        return -1;
    }
    if (hr == 0)
        v->cur = hf->h;
    else
        memset(&v->cur, 0, sizeof v->cur);
    return 0;
}

/* The chain as the file's last whole line leaves it. */
static int last_line_head(ss_view *v, off_t end, char *err, size_t errlen)
{
    off_t start = newline_before(v->fd, end - 1) + 1;   /* end - 1 is the newline */
    if (start < 0 || end - start > LINE_MAX_BYTES) {
        snprintf(err, errlen, "%s: cannot read its last record", v->path);
        return -1;
    }
    size_t n = (size_t)(end - 1 - start);
    char *line = ss_xmalloc(n + 1);
    size_t covered;
    int ok = pread(v->fd, line, n, start) == (ssize_t)n
             && ss_chain_parse(line, n, &v->cur.seq, v->cur.chain, &covered) == 0;
    free(line);
    if (!ok) {
        memset(&v->cur, 0, sizeof v->cur);
        note(v, "chain-restart", "the last line of the audit log is not a chained record, "
             "so a new chain starts with the next record");
    }
    return 0;
}

static int from_tail(ss_view *v, off_t size, int hr, const ss_headfile *hf, char *err,
                     size_t errlen)
{
    off_t nl = newline_before(v->fd, size);
    if (nl < -1) {
        snprintf(err, errlen, "%s: cannot read: %s", v->path, strerror(errno));
        return -1;
    }
    if (nl + 1 < size) {
        if (ftruncate(v->fd, nl + 1) != 0) {
            snprintf(err, errlen, "%s: cannot remove an unfinished record at its end: %s",
                     v->path, strerror(errno));
            return -1;
        }
        char what[200];
        snprintf(what, sizeof what, "removed %lld bytes of an unfinished record at the end "
                 "of the audit log (a write was cut short)", (long long)(size - nl - 1));
        note(v, "repair", what);
        size = nl + 1;
    }
    if (size == 0)
        return from_head(v, hr, hf, err, errlen);
    v->cur_size = size;
    return last_line_head(v, size, err, errlen);
}

int ss_view_establish(ss_view *v, char *err, size_t errlen)
{
    if (reopen_if_moved(v, err, errlen) != 0)
        return -1;
    struct stat st;
    if (fstat(v->fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", v->path, strerror(errno));
        return -1;
    }
    if (v->valid && (unsigned long long)st.st_ino == v->ino && st.st_size == v->cur_size)
        return 0;
    v->ino = (unsigned long long)st.st_ino;
    v->valid = v->torn = 0;
    ss_headfile hf;
    int hr = ss_headfile_read(v->hfd, &hf);
    int rc;
    if (st.st_size > 0 && hr == 0 && hf.ino == v->ino && hf.size == (unsigned long long)st.st_size) {
        v->cur = hf.h;
        v->cur_size = st.st_size;
        rc = 0;
    } else if (st.st_size > 0) {
        rc = from_tail(v, st.st_size, hr, &hf, err, errlen);
    } else {
        rc = from_head(v, hr, &hf, err, errlen);
    }
    v->valid = rc == 0;
    return rc;
}
