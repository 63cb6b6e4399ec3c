#include "state.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/log.h"
#include "register/trust.h"
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
    free(s->register_refused);
    ss_config_free(s->cfg);
    free(s);
}

/* The register trust.h lets into force; the daemon remembers it. */
static int load_register(ss_state *s, int daemon, char *err, size_t errlen)
{
    const ss_config *c = s->cfg;
    ss_regtrust_opts o = {
        .path = c->register_path, .anchors_dir = c->register_anchors,
        .require_sig = c->register_require_sig, .state_dir = c->state_dir, .now = time(NULL),
    };
    char why[768];
    ss_regtrust t;
    if (daemon && ss_dir_ensure(c->state_dir, 0700, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: StateDir: %s", c->path, why);
        return -1;
    }
    if (ss_regtrust_load(&o, &t, err, errlen) != 0)
        return -1;
    if (daemon && ss_regtrust_commit(c->state_dir, &t, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: StateDir: %s", c->path, why);
        ss_regtrust_free(&t);
        return -1;
    }
    if (t.from_kept) {
        s->register_refused = ss_xstrdup(t.refused);
        if (daemon)
            ss_log(SS_LOG_WARNING, "register %s refused: %s; the last good register "
                   "(serial %llu, kept in %s) stays in force", c->register_path, t.refused,
                   ss_register_serial(t.reg), c->state_dir);
    }
    snprintf(s->register_signer, sizeof s->register_signer, "%s", t.signer);
    s->reg = t.reg;
    t.reg = NULL;
    ss_regtrust_free(&t);
    return 0;
}

ss_state *ss_state_load(const char *conf_path, int open_audit, char *err, size_t errlen)
{
    ss_state *s = ss_xcalloc(1, sizeof *s);
    s->refs = 1;
    s->cfg = ss_config_load(conf_path, err, errlen);
    if (!s->cfg)
        goto fail;
    ss_quarantine_plaintext_ok(s->cfg->quarantine_plaintext);
    /* A ReleaseKey not made yet is made by the milter's start (-n says
     * so); a daemon that still has none cannot hold mail. */
    if ((open_audit || !s->cfg->release_key_missing)
        && ss_config_check_quarantine(s->cfg, err, errlen) != 0)
        goto fail;
    if (load_register(s, open_audit, err, errlen) != 0)
        goto fail;
    if (!(s->notes = ss_notify_load(s->cfg, err, errlen)))
        goto fail;
    /* The store is made (or checked) as the user that will write to it. */
    if (open_audit && ss_config_uses_quarantine(s->cfg)
        && ss_quarantine_init(s->cfg->quarantine_dir, err, errlen) != SS_Q_OK)
        goto fail;
    if (open_audit && !(s->audit = ss_audit_open(s->cfg, err, errlen)))
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

int ss_state_audit_append(const char *record, size_t len)
{
    ss_state *s = ss_state_get();
    int rc = s && s->audit ? ss_audit_append(s->audit, record, len) : -1;
    ss_state_put(s);
    return rc;
}
