/* Following Postfix's log for the queue ids the milter passed (delivery.h).
 *
 * One thread reads the log as it grows and after logrotate moves it (a new
 * inode at the path: the rest of the old file is read first). Which TLS
 * connection a delivery went over is known per smtp process: its last
 * "TLS connection established" line, if it was to the same relay. Postfix
 * does not hand TLS connections between processes unless
 * smtp_tls_connection_reuse is on (safesharectl(8) says so). */
#include "delivery.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/log.h"

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SAVE_EVERY 5          /* seconds between saves when something changed */
#define PIDS_MAX 4096

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *expected;  /* queue id -> reference */
static GQueue order;          /* queue ids, oldest first, for the bound */
static int dirty;

static struct {
    char *log, *state;
    ss_delivery_append append;
    FILE *f;
    unsigned long long ino;
    long long offset;
    GHashTable *tls;          /* pid -> ss_dline of its last TLS connection */
    ss_buf partial;           /* a line still being written */
} fol;

static void table_init(void)
{
    if (!expected)
        expected = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

static void forget_oldest(void)
{
    char *q = g_queue_pop_head(&order);
    if (q)
        g_hash_table_remove(expected, q);
    g_free(q);
}

void ss_delivery_expect(const char *queue_id, const char *reference)
{
    if (!queue_id || !*queue_id || !strcmp(queue_id, "NOQUEUE") || !reference)
        return;
    pthread_mutex_lock(&mu);
    table_init();
    if (!g_hash_table_contains(expected, queue_id)) {
        while (g_hash_table_size(expected) >= SS_DELIVERY_MAX)
            forget_oldest();
        g_queue_push_tail(&order, g_strdup(queue_id));
    }
    g_hash_table_replace(expected, g_strdup(queue_id), g_strdup(reference));
    dirty = 1;
    pthread_mutex_unlock(&mu);
}

/* The reference for a queue id (copied into ref), or 0. */
static int lookup(const char *queue_id, char *ref, size_t n)
{
    pthread_mutex_lock(&mu);
    table_init();
    const char *r = g_hash_table_lookup(expected, queue_id);
    if (r)
        snprintf(ref, n, "%s", r);
    pthread_mutex_unlock(&mu);
    return r != NULL;
}

static void forget(const char *queue_id)
{
    pthread_mutex_lock(&mu);
    table_init();
    if (g_hash_table_remove(expected, queue_id)) {
        GList *l = g_queue_find_custom(&order, queue_id, (GCompareFunc)strcmp);
        if (l) {
            g_free(l->data);
            g_queue_delete_link(&order, l);
        }
        dirty = 1;
    }
    pthread_mutex_unlock(&mu);
}

/* One complete log line. 1 when a record was appended; -1 when it could
 * not be (the caller stops and reads the line again later). */
static int line(const char *text)
{
    ss_dline d;
    char ref[64];
    ss_delivery_parse(text, &d);
    if (d.kind == SS_DL_TLS) {
        if (g_hash_table_size(fol.tls) >= PIDS_MAX)
            g_hash_table_remove_all(fol.tls);
        g_hash_table_replace(fol.tls, GSIZE_TO_POINTER((gsize)d.pid), g_memdup2(&d, sizeof d));
    } else if (d.kind == SS_DL_REMOVED) {
        forget(d.queue_id);
    } else if (d.kind == SS_DL_STATUS && strcmp(d.status, "deferred") != 0
               && lookup(d.queue_id, ref, sizeof ref)) {
        const ss_dline *t = g_hash_table_lookup(fol.tls, GSIZE_TO_POINTER((gsize)d.pid));
        if (t && strcmp(t->relay, d.relay) != 0)
            t = NULL;       /* that process's last TLS connection went elsewhere */
        char *rec = ss_delivery_record(ref, &d, t);
        int rc = fol.append(rec, strlen(rec));
        free(rec);
        return rc == 0 ? 1 : -1;
    }
    return 0;
}

static unsigned long long inode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* (Re)open the log; at a known inode, from the saved offset. */
static void reopen(void)
{
    if (fol.f)
        fclose(fol.f);
    fol.f = fopen(fol.log, "re");
    if (!fol.f)
        return;
    struct stat st;
    fstat(fileno(fol.f), &st);
    if ((unsigned long long)st.st_ino != fol.ino || st.st_size < fol.offset)
        fol.offset = 0;
    fol.ino = (unsigned long long)st.st_ino;
    fseeko(fol.f, fol.offset, SEEK_SET);
    ss_buf_reset(&fol.partial);
}

size_t ss_delivery_poll(void)
{
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (!fol.f)
            reopen();
        if (!fol.f)
            return n;
        char *buf = NULL;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&buf, &cap, fol.f)) > 0) {
            ss_buf_add(&fol.partial, buf, (size_t)len);
            if (buf[len - 1] != '\n')
                break;                          /* Postfix is still writing it */
            fol.partial.p[--fol.partial.len] = '\0';
            int rc = line(fol.partial.p);
            if (rc < 0) {                       /* try this line again later */
                fseeko(fol.f, fol.offset, SEEK_SET);
                ss_buf_reset(&fol.partial);
                break;
            }
            n += (size_t)rc;
            fol.offset += (long long)fol.partial.len + 1;
            dirty = 1;
            ss_buf_reset(&fol.partial);
        }
        free(buf);
        clearerr(fol.f);
        if (inode_of(fol.log) == fol.ino)
            break;
        fclose(fol.f);                          /* rotated: on to the new file */
        fol.f = NULL;
        fol.ino = 0;
    }
    return n;
}

/* StateDir/delivery.state: "at INODE OFFSET", then "QUEUEID REFERENCE" a
 * line, so a restart neither repeats nor misses a delivery. */
void ss_delivery_save(void)
{
    if (!fol.state)
        return;
    ss_buf b = SS_BUF_INIT;
    pthread_mutex_lock(&mu);
    table_init();
    ss_buf_printf(&b, "at %llu %lld\n", fol.ino, fol.offset);
    for (GList *l = order.head; l; l = l->next)
        ss_buf_printf(&b, "%s %s\n", (char *)l->data,
                      (char *)g_hash_table_lookup(expected, l->data));
    dirty = 0;
    pthread_mutex_unlock(&mu);
    char why[512];
    if (ss_file_replace(fol.state, b.p, b.len, 0600, why, sizeof why) != 0)
        ss_log(SS_LOG_ERR, "delivery proof: %s", why);
    ss_buf_free(&b);
}

static void load(void)
{
    char *text = NULL, why[512];
    size_t len;
    if (ss_file_read(fol.state, 64u * 1024 * 1024, &text, &len, why, sizeof why) != 0) {
        fol.ino = inode_of(fol.log);      /* first run: from the end of the log */
        struct stat st;
        fol.offset = stat(fol.log, &st) == 0 ? (long long)st.st_size : 0;
        free(text);
        return;
    }
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        char q[64], r[64];
        if (!strncmp(ln, "at ", 3))
            sscanf(ln + 3, "%llu %lld", &fol.ino, &fol.offset);
        else if (sscanf(ln, "%63s %63s", q, r) == 2)
            ss_delivery_expect(q, r);
    }
    free(text);
}

static void *follow_thread(void *arg)
{
    (void)arg;
    time_t saved = time(NULL);
    for (;;) {
        ss_delivery_poll();
        if (dirty && time(NULL) - saved >= SAVE_EVERY) {
            ss_delivery_save();
            saved = time(NULL);
        }
        usleep(500 * 1000);
    }
    return NULL;
}

int ss_delivery_open(const char *log, const char *state_dir, ss_delivery_append append,
                     char *err, size_t errlen)
{
    /* A log that is not there yet (the MTA starts after us) is read from
     * its start once it appears; one that is there but unreadable is a
     * mistake to report now. */
    if (access(log, R_OK) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "DeliveryLog: cannot read %s: %s", log, strerror(errno));
        return -1;
    }
    fol.log = ss_xstrdup(log);
    ss_buf p = SS_BUF_INIT;
    ss_buf_printf(&p, "%s/delivery.state", state_dir);
    fol.state = ss_buf_steal(&p);
    fol.append = append;
    fol.tls = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    load();
    return 0;
}

int ss_delivery_start(const char *log, const char *state_dir, ss_delivery_append append,
                      char *err, size_t errlen)
{
    if (ss_delivery_open(log, state_dir, append, err, errlen) != 0)
        return -1;
    pthread_t t;
    if (pthread_create(&t, NULL, follow_thread, NULL) != 0) {
        snprintf(err, errlen, "DeliveryLog: cannot start the thread that follows %s", log);
        return -1;
    }
    pthread_detach(t);
    return 0;
}
