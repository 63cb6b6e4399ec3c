#include "reviewers.h"
#include "base/buf.h"

#include <argon2.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* OWASP's first choice for Argon2id: 19 MiB, two passes, one lane. The
 * parameters travel in each hash, so raising them later keeps old ones
 * working. */
#define T_COST 2
#define M_COST 19456
#define LANES 1
#define SALT_BYTES 16
#define HASH_BYTES 32
#define FILE_MAX (1u << 20)

int ss_reviewer_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    return n > 0 && n <= SS_REVIEWER_NAME_MAX
        && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-") == n;
}

int ss_reviewer_full_ok(const char *full)
{
    size_t n = full ? strlen(full) : 0;
    if (n == 0 || n > SS_REVIEWER_FULL_MAX)
        return 0;
    for (const unsigned char *p = (const unsigned char *)full; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == ':')
            return 0;
    return 1;
}

static int hash_ok(const char *h)
{
    return !strcmp(h, "sso") || (!strncmp(h, "$argon2id$", 10) && strlen(h) < 160
                                 && !strpbrk(h, ": \t"));
}

void ss_reviewers_free(ss_reviewers *r)
{
    if (r->v)
        explicit_bzero(r->v, r->n * sizeof *r->v);
    free(r->v);
    r->v = NULL;
    r->n = 0;
}

const ss_reviewer *ss_reviewers_find(const ss_reviewers *r, const char *name)
{
    for (size_t i = 0; name && i < r->n; i++)
        if (!strcmp(r->v[i].name, name))
            return &r->v[i];
    return NULL;
}

/* NAME:HASH:FULL NAME into r. 0, or -1 with why. */
static int parse_line(char *line, ss_reviewers *r, const char **why)
{
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2) {
        *why = "expected NAME:HASH:FULL NAME";
        return -1;
    }
    *c1 = *c2 = '\0';
    if (!ss_reviewer_name_ok(line))
        *why = "the name may have letters, digits and . _ @ - only";
    else if (!hash_ok(c1 + 1))
        *why = "the hash is neither an Argon2id hash nor sso";
    else if (!ss_reviewer_full_ok(c2 + 1))
        *why = "the full name is empty, too long or has a control character";
    else if (ss_reviewers_find(r, line))
        *why = "the name is given twice";
    else {
        r->v = ss_xrealloc(r->v, (r->n + 1) * sizeof *r->v);
        ss_reviewer *v = &r->v[r->n++];
        snprintf(v->name, sizeof v->name, "%s", line);
        snprintf(v->hash, sizeof v->hash, "%s", c1 + 1);
        snprintf(v->full, sizeof v->full, "%s", c2 + 1);
        return 0;
    }
    return -1;
}

static int parse(const char *path, char *text, ss_reviewers *r, char *err, size_t errlen)
{
    unsigned lineno = 0;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        const char *why = NULL;
        if (n && line[0] != '#' && parse_line(line, r, &why) != 0) {
            snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
            return -1;
        }
        line = nl ? nl + 1 : line + n;
    }
    return 0;
}

int ss_reviewers_load(const char *path, ss_reviewers *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT)
        return 0;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    const char *bad = !S_ISREG(st.st_mode) ? "not a regular file"
                    : (st.st_mode & 077) ? "must not be readable by group or others (chmod 600)"
                    : st.st_size > FILE_MAX ? "larger than 1 MiB" : NULL;
    char *text = bad ? NULL : ss_xcalloc(1, (size_t)st.st_size + 1);
    if (text && read(fd, text, (size_t)st.st_size) != st.st_size)
        bad = "could not be read whole";
    close(fd);
    int rc = -1;
    if (bad)
        snprintf(err, errlen, "%s: %s", path, bad);
    else if (memchr(text, '\0', (size_t)st.st_size))
        snprintf(err, errlen, "%s: contains a NUL byte", path);
    else
        rc = parse(path, text, out, err, errlen);
    if (text)
        explicit_bzero(text, (size_t)st.st_size);
    free(text);
    if (rc != 0)
        ss_reviewers_free(out);
    return rc;
}

int ss_password_hash(const char *password, char out[160], char *err, size_t errlen)
{
    size_t n = password ? strlen(password) : 0;
    if (n < SS_PASSWORD_MIN || n > SS_PASSWORD_MAX) {
        snprintf(err, errlen, "a password has %d to %d characters (three random words make "
                 "a good one)", SS_PASSWORD_MIN, SS_PASSWORD_MAX);
        return -1;
    }
    unsigned char salt[SALT_BYTES];
    if (getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt) {
        snprintf(err, errlen, "no random bytes for the salt: %s", strerror(errno));
        return -1;
    }
    int rc = argon2id_hash_encoded(T_COST, M_COST, LANES, password, n, salt, sizeof salt,
                                   HASH_BYTES, out, 160);
    if (rc != ARGON2_OK) {
        snprintf(err, errlen, "could not hash the password: %s", argon2_error_message(rc));
        return -1;
    }
    return 0;
}

/* What an unknown name is checked against, so it takes as long. */
static char decoy_hash[160];

static void make_decoy(void)
{
    static const unsigned char salt[SALT_BYTES] = "safeshare-decoy";
    if (argon2id_hash_encoded(T_COST, M_COST, LANES, "decoy", 5, salt, sizeof salt,
                              HASH_BYTES, decoy_hash, sizeof decoy_hash) != ARGON2_OK)
        decoy_hash[0] = '\0';
}

static const char *decoy(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_decoy);
    return decoy_hash;
}

int ss_reviewers_verify(const ss_reviewers *r, const char *name, const char *password)
{
    const ss_reviewer *v = ss_reviewers_find(r, name);
    int real = v && strcmp(v->hash, "sso") != 0;
    size_t n = password ? strlen(password) : 0;
    const char *h = real ? v->hash : decoy();
    if (n > SS_PASSWORD_MAX || !h[0])
        return 0;
    int ok = argon2id_verify(h, password ? password : "", n) == ARGON2_OK;
    return real && ok;
}

/* Write the list to path: a temporary file beside it, fsynced, renamed. */
static int store(const char *path, const ss_reviewers *r, char *err, size_t errlen)
{
    ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, "# safeshare reviewers: NAME:HASH:FULL NAME (safesharectl reviewer)\n");
    for (size_t i = 0; i < r->n; i++)
        ss_buf_printf(&b, "%s:%s:%s\n", r->v[i].name, r->v[i].hash, r->v[i].full);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    int rc = fd < 0 || fchmod(fd, 0600) != 0 || ss_write_all(fd, b.p, b.len) != 0
             || fsync(fd) != 0 ? -1 : 0;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    if (rc == 0 && rename(tmp, path) != 0) {
        saved = errno;
        rc = -1;
    }
    if (rc != 0) {
        if (fd >= 0)
            unlink(tmp);
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(saved));
    } else {
        char *d = ss_xstrdup(path);
        int dfd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(d);
    }
    explicit_bzero(b.p, b.len);
    ss_buf_free(&b);
    return rc;
}

int ss_reviewers_put(const char *path, const char *name, const char *full, const char *hash,
                     char *err, size_t errlen)
{
    if (!ss_reviewer_name_ok(name) || !ss_reviewer_full_ok(full) || !hash_ok(hash)) {
        snprintf(err, errlen, "%s: a name (letters, digits, . _ @ -; at most %d), a full "
                 "name (no ':'), and a password or sso", path, SS_REVIEWER_NAME_MAX);
        return -1;
    }
    ss_reviewers r;
    if (ss_reviewers_load(path, &r, err, errlen) != 0)
        return -1;
    ss_reviewer *v = (ss_reviewer *)ss_reviewers_find(&r, name);
    if (!v) {
        r.v = ss_xrealloc(r.v, (r.n + 1) * sizeof *r.v);
        v = &r.v[r.n++];
    }
    snprintf(v->name, sizeof v->name, "%s", name);
    snprintf(v->full, sizeof v->full, "%s", full);
    snprintf(v->hash, sizeof v->hash, "%s", hash);
    int rc = store(path, &r, err, errlen);
    ss_reviewers_free(&r);
    return rc;
}

int ss_reviewers_remove(const char *path, const char *name, char *err, size_t errlen)
{
    ss_reviewers r;
    if (ss_reviewers_load(path, &r, err, errlen) != 0)
        return -1;
    const ss_reviewer *v = ss_reviewers_find(&r, name);
    int rc = -1;
    if (!v) {
        snprintf(err, errlen, "%s: no reviewer called %s", path, name);
    } else {
        size_t i = (size_t)(v - r.v);
        memmove(&r.v[i], &r.v[i + 1], (r.n - i - 1) * sizeof *r.v);
        r.n--;
        rc = store(path, &r, err, errlen);
    }
    ss_reviewers_free(&r);
    return rc;
}
