#include "outbox.h"
#include "base/buf.h"
#include "base/log.h"
#include "notify.h"
#include "quarantine/release.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct job {
    struct job *next;
    char *url, *from, *label;
    char **to;
    size_t nto;
    char *msg;
    size_t len;
} job;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t idle = PTHREAD_COND_INITIALIZER;
static job *head, *tail;
static size_t depth;
static int busy;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int running;

static void job_free(job *j)
{
    for (size_t i = 0; i < j->nto; i++)
        free(j->to[i]);
    free(j->to);
    free(j->url);
    free(j->from);
    free(j->label);
    free(j->msg);
    free(j);
}

static void submit(const job *j)
{
    char err[1024] = "";
    if (ss_release_submit_timed(j->url, j->from, (const char *const *)j->to, j->nto, j->msg,
                                j->len, SS_NOTIFY_CONNECT_SECS, SS_NOTIFY_TOTAL_SECS, err,
                                sizeof err) == 0)
        ss_log(SS_LOG_INFO, "notice %s sent to <%s>%s", j->label, j->to[0],
               j->nto > 1 ? " and others" : "");
    else
        ss_log(SS_LOG_WARNING, "notice %s to <%s> not sent: %s", j->label, j->to[0], err);
}

static void *worker(void *arg)
{
    (void)arg;
    /* A peer that hangs up must not kill the daemon with SIGPIPE. */
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, NULL);
    for (;;) {
        pthread_mutex_lock(&mu);
        while (!head)
            pthread_cond_wait(&work, &mu);
        job *j = head;
        head = j->next;
        if (!head)
            tail = NULL;
        depth--;
        busy = 1;
        pthread_mutex_unlock(&mu);
        submit(j);
        job_free(j);
        pthread_mutex_lock(&mu);
        busy = 0;
        if (!head)
            pthread_cond_broadcast(&idle);
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static void start(void)
{
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    running = pthread_create(&t, &a, worker, NULL) == 0;
    pthread_attr_destroy(&a);
    if (!running)
        ss_log(SS_LOG_ERR, "could not start the notice thread: notices are sent from the "
               "milter thread instead");
}

int ss_outbox_push(const char *url, const char *from, const char *const *to, size_t nto,
                    const char *msg, size_t len, const char *label)
{
    if (nto == 0)
        return 0;
    pthread_once(&once, start);
    job *j = ss_xcalloc(1, sizeof *j);
    j->url = ss_xstrdup(url);
    j->from = ss_xstrdup(from);
    j->label = ss_xstrdup(label);
    j->to = ss_xcalloc(nto, sizeof *j->to);
    for (size_t i = 0; i < nto; i++)
        j->to[j->nto++] = ss_xstrdup(to[i]);
    j->msg = ss_xmalloc(len + 1);
    memcpy(j->msg, msg, len);
    j->len = len;
    if (!running) {
        /* Still bounded by the notice time limits; better late than lost. */
        submit(j);
        job_free(j);
        return 0;
    }
    pthread_mutex_lock(&mu);
    int full = depth >= SS_OUTBOX_MAX;
    if (!full) {
        if (tail)
            tail->next = j;
        else
            head = j;
        tail = j;
        depth++;
        pthread_cond_signal(&work);
    }
    pthread_mutex_unlock(&mu);
    if (full)
        job_free(j);
    return full ? -1 : 0;
}

void ss_outbox_drain(int secs)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += secs;
    pthread_mutex_lock(&mu);
    while ((head || busy) && pthread_cond_timedwait(&idle, &mu, &until) == 0)
        ;
    size_t left = depth + (size_t)busy;
    pthread_mutex_unlock(&mu);
    if (left)
        ss_log(SS_LOG_WARNING, "stopping with %zu notice%s not sent", left, left == 1 ? "" : "s");
}
