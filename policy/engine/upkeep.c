/* Register upkeep (upkeep.h). One thread calls ss_upkeep_round, so the
 * schedule below needs no lock. */
#include "upkeep.h"
#include "state.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/log.h"
#include "notify/notify.h"
#include "register/fetch.h"
#include "register/trust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALERT_EVERY 86400
#define IDLE 3600

static struct {
    time_t next_fetch;
    unsigned failures;
    char last_error[768];
} up;

static void fetch(const char *conf_path, const ss_config *c, unsigned long long in_force,
                  time_t now)
{
    ss_regtrust_opts o = {
        .path = c->register_path, .anchors_dir = c->register_anchors,
        .require_sig = c->register_require_sig, .state_dir = c->state_dir, .now = now,
    };
    ss_fetch_opts f = { .url = c->register_url, .ca_file = c->register_ca_file,
                        .timeout = (long)c->register_fetch_timeout,
                        .max_size = c->register_max_size };
    unsigned long long serial = 0;
    char why[768] = "", err[1024];
    ss_update_status s = ss_register_update(&o, &f, &serial, why, sizeof why);
    if (s == SS_UPDATE_FAILED) {
        up.failures++;
        snprintf(up.last_error, sizeof up.last_error, "%s", why);
        ss_log(SS_LOG_ERR, "register update failed: %s; the register in force (serial %llu) "
               "is unchanged", why, in_force);
    } else {
        up.failures = 0;
        up.last_error[0] = '\0';
    }
    if (s == SS_UPDATE_INSTALLED) {
        if (ss_state_reload(conf_path, err, sizeof err) == 0)
            ss_log(SS_LOG_NOTICE, "register updated from %s: serial %llu (was %llu) is in force",
                   c->register_url, serial, in_force);
        else
            ss_log(SS_LOG_ERR, "register serial %llu installed in %s, but the reload failed, "
                   "so serial %llu stays in force: %s", serial, c->register_path, in_force, err);
    }
    up.next_fetch = now + ss_fetch_backoff(up.failures, (long)c->register_fetch_interval);
}

/* Whether the notice is due: a day since the last one, or a different
 * problem (a new failure is news; the same one again is not).
 * StateDir/register.alerted holds the time and the problem's hash. */
static int alert_due(const char *state_dir, const char *problem, time_t now)
{
    ss_buf p = SS_BUF_INIT, body = SS_BUF_INIT;
    ss_buf_printf(&p, "%s/register.alerted", state_dir);
    char *text = NULL, why[256], hash[65], last_hash[65] = "";
    size_t len;
    long long last = 0;
    ss_sha256_hex(problem, strlen(problem), hash);
    if (ss_file_read(p.p, 256, &text, &len, why, sizeof why) == 0)
        sscanf(text, "%lld %64s", &last, last_hash);
    free(text);
    int due = now - last >= ALERT_EVERY || strcmp(hash, last_hash) != 0;
    if (due) {
        ss_buf_printf(&body, "%lld %s\n", (long long)now, hash);
        ss_file_replace(p.p, body.p, body.len, 0600, why, sizeof why);
    }
    ss_buf_free(&p);
    ss_buf_free(&body);
    return due;
}

static void alert(const ss_state *st, time_t now)
{
    const ss_config *c = st->cfg;
    time_t exp = ss_register_expires(st->reg);
    int stale = exp && now > exp;
    if (!stale && !up.failures)
        return;
    char when[32], serial[32], err[512];
    ss_utc_string(exp, when);
    snprintf(serial, sizeof serial, "%llu", ss_register_serial(st->reg));
    ss_buf problem = SS_BUF_INIT;
    if (stale)
        ss_buf_printf(&problem, "It went stale at %s and no newer good register has arrived.",
                      when);
    if (up.failures)
        ss_buf_printf(&problem, "%sThe last update from %s failed: %s", stale ? " " : "",
                      c->register_url, up.last_error);
    if (!alert_due(c->state_dir, problem.p, now)) {
        ss_buf_free(&problem);
        return;
    }
    ss_log(SS_LOG_WARNING, "register serial %s needs attention: %s", serial, problem.p);
    ss_note n = { .reference = serial, .problem = problem.p, .serial = ss_register_serial(st->reg),
                  .expires = when, .register_path = c->register_path };
    int rc = ss_notify_send(c, st->notes, SS_NOTE_REGISTER, &n, NULL, err, sizeof err);
    if (rc < 0)
        ss_log(SS_LOG_ERR, "could not send the register notice: %s", err);
    else if (rc > 0)
        ss_log(SS_LOG_WARNING, "nobody was told that the register needs attention: set "
               "NotifyFrom and AdminAddress");
    ss_buf_free(&problem);
}

long ss_upkeep_round(const char *conf_path, time_t now)
{
    ss_state *st = ss_state_get();
    if (!st)
        return 60;
    if (st->cfg->register_url && now >= up.next_fetch) {
        const ss_config *c = st->cfg;
        fetch(conf_path, c, ss_register_serial(st->reg), now);
        ss_state_put(st);
        st = ss_state_get();        /* the new register, if one came */
    }
    alert(st, now);
    long wait = IDLE;
    if (st->cfg->register_url && up.next_fetch - now < wait)
        wait = up.next_fetch - now;
    ss_state_put(st);
    return wait > 1 ? wait : 1;
}
