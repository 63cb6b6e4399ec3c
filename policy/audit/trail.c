#include "trail.h"
#include "base/buf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    char *path;
    int numbered;              /* audit.log.N: 1; dated: 0 */
    unsigned long long n;      /* the number, for numbered ones */
    char key[64];              /* the digits, for dated ones */
} rotated;

/* A rotated copy's suffix (after "audit.log" and its separator): what
 * kind it is, or -1 when the name is something else. */
static int classify(const char *suffix, rotated *r)
{
    size_t len = strlen(suffix);
    if (len > 3 && !strcmp(suffix + len - 3, ".gz"))
        len -= 3;
    if (len == 0 || len >= sizeof r->key)
        return -1;
    size_t digits = 0, j = 0;
    for (size_t i = 0; i < len; i++) {
        if (isdigit((unsigned char)suffix[i]))
            digits++, r->key[j++] = suffix[i];
        else if (suffix[i] != '-' && suffix[i] != '_')
            return -1;
    }
    r->key[j] = '\0';
    if (!digits)
        return -1;
    r->numbered = digits == len && len < 8;
    r->n = strtoull(r->key, NULL, 10);
    return 0;
}

static int older_first(const void *pa, const void *pb)
{
    const rotated *a = pa, *b = pb;
    if (a->numbered != b->numbered)
        return a->numbered - b->numbered;          /* dated, then numbered */
    if (a->numbered)
        return a->n < b->n ? 1 : a->n > b->n ? -1 : 0;
    int c = strcmp(a->key, b->key);
    return c ? c : strcmp(a->path, b->path);
}

static void split(const char *path, char **dir, const char **base)
{
    const char *slash = strrchr(path, '/');
    *dir = slash ? ss_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : ss_xstrdup(".");
    *base = slash ? slash + 1 : path;
}

long ss_trail_files(const char *audit_log, char ***out, char *err, size_t errlen)
{
    char *dir;
    const char *base;
    split(audit_log, &dir, &base);
    size_t blen = strlen(base), n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot read the directory: %s", dir, strerror(errno));
        free(dir);
        return -1;
    }
    rotated *v = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        rotated r;
        if (strncmp(e->d_name, base, blen) != 0 || (e->d_name[blen] != '.' && e->d_name[blen] != '-')
            || classify(e->d_name + blen + 1, &r) != 0)
            continue;
        ss_buf p = SS_BUF_INIT;
        ss_buf_printf(&p, "%s/%s", dir, e->d_name);
        r.path = ss_buf_steal(&p);
        v = ss_xrealloc(v, (n + 1) * sizeof *v);
        v[n++] = r;
    }
    closedir(d);
    free(dir);
    if (n)                           /* qsort's array may not be NULL, even empty */
        qsort(v, n, sizeof *v, older_first);
    struct stat st;
    int current = stat(audit_log, &st) == 0;
    *out = ss_xcalloc(n + 1, sizeof **out);
    for (size_t i = 0; i < n; i++)
        (*out)[i] = v[i].path;
    if (current)
        (*out)[n++] = ss_xstrdup(audit_log);
    free(v);
    return (long)n;
}

void ss_trail_free(char **files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
}
