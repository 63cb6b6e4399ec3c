/* The shared state every connection reads: configuration, register and
 * audit log as one immutable snapshot behind a reference count. SIGUSR1
 * builds a new snapshot, validates it, and swaps it in; a bad one changes
 * nothing. Transactions keep the snapshot they started with. */
#ifndef SS_STATE_H
#define SS_STATE_H

#include "audit/audit.h"
#include "config/config.h"
#include "notify/notify.h"
#include "register/register.h"

typedef struct {
    int refs;
    ss_config *cfg;
    ss_register *reg;
    ss_audit *audit;
    ss_notify_templates *notes;  /* the notices about held mail */
    char *register_refused;      /* why the Register file was refused when the
                                    last good copy is in force instead, or NULL */
    char register_signer[256];   /* the trust anchor that signed it, or "" */
} ss_state;

/* Build a snapshot from a config file: config, register (the one
 * register/trust.h lets into force), notice templates, audit log.
 * open_audit = 0 for `-n` (check only: nothing is written). With 1 (the
 * daemon) StateDir is made and the register remembered as the last good
 * one. NULL with err on any problem. */
ss_state *ss_state_load(const char *conf_path, int open_audit, char *err, size_t errlen);
/* Install s as current (takes the caller's reference). */
void ss_state_install(ss_state *s);
/* The current snapshot with a reference held; release with ss_state_put. */
ss_state *ss_state_get(void);
void ss_state_put(ss_state *s);
/* Load and install; on failure the old snapshot stays. 0 ok, -1 failed. */
int ss_state_reload(const char *conf_path, char *err, size_t errlen);

/* Append a record (an event about a message) to the current snapshot's
 * audit trail: what the delivery follower (delivery/delivery.h) is given. */
int ss_state_audit_append(const char *record, size_t len);

#endif
