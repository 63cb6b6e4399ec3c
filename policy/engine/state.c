#include "state.h"
#include "base/buf.h"
#include "quarantine/quarantine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static ss_state *current;

static void state_free(ss_state *s)
{
    ss_audit_close(s->audit);
    ss_notify_free(s->notes);
    ss_register_free(s->reg);
    ss_config_free(s->cfg);
    free(s);
}

ss_state *ss_state_load(const char *conf_path, int open_audit, char *err, size_t errlen)
{
    ss_state *s = ss_xcalloc(1, sizeof *s);
    s->refs = 1;
    s->cfg = ss_config_load(conf_path, err, errlen);
    if (!s->cfg)
        goto fail;
    if (ss_config_check_quarantine(s->cfg, err, errlen) != 0)
        goto fail;
    if (ss_register_load(s->cfg->register_path, &s->reg, err, errlen) != 0)
        goto fail;
    if (!(s->notes = ss_notify_load(s->cfg, err, errlen)))
        goto fail;
    /* The store is made (or checked) as the user that will write to it. */
    if (open_audit && ss_config_uses_quarantine(s->cfg)
        && ss_quarantine_init(s->cfg->quarantine_dir, err, errlen) != SS_Q_OK)
        goto fail;
    if (open_audit && !(s->audit = ss_audit_open(s->cfg->audit_log, err, errlen)))
        goto fail;
    return s;
fail:
    state_free(s);
    return NULL;
}

void ss_state_install(ss_state *s)
{
    pthread_mutex_lock(&mu);
    ss_state *old = current;
    current = s;
    pthread_mutex_unlock(&mu);
    if (old)
        ss_state_put(old);
}

ss_state *ss_state_get(void)
{
    pthread_mutex_lock(&mu);
    ss_state *s = current;
    if (s)
        s->refs++;
    pthread_mutex_unlock(&mu);
    return s;
}

void ss_state_put(ss_state *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&mu);
    int last = --s->refs == 0;
    pthread_mutex_unlock(&mu);
    if (last)
        state_free(s);
}

int ss_state_reload(const char *conf_path, char *err, size_t errlen)
{
    ss_state *s = ss_state_load(conf_path, 1, err, errlen);
    if (!s)
        return -1;
    ss_state_install(s);
    return 0;
}
