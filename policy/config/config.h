/* safeshare.conf: `Key value` lines, `#` comments, one typed table.
 * Unknown keys and bad values are errors naming file, line and key. */
#ifndef SS_CONFIG_H
#define SS_CONFIG_H

#include <stddef.h>
#include <sys/types.h>
#include "base/buf.h"
#include "base/types.h"
#include "config/hosts.h"

/* InternalHosts when the file does not say: this machine only. */
#define SS_DEFAULT_INTERNAL_HOSTS "127.0.0.0/8, ::1"

/* OnRegisterStale: every recipient counts as insecure and the usual On*
 * keys apply; any other value is the ss_action taken instead. */
#define SS_STALE_INSECURE (-1)

typedef struct ss_config {
    char *path;                /* the file it came from */
    /* daemon */
    char *socket;              /* unix:/path or inet:port@host */
    mode_t socket_mode;
    char *socket_group;        /* group to own a unix socket, or NULL */
    char *user;                /* drop privileges to this user when root */
    int allow_root;            /* AllowRoot: run wholly as root without UserID */
    char *pid_file;
    char *temp_dir;            /* where large bodies spill */
    size_t body_memory_max;    /* bytes kept in memory before spilling */
    char *syslog_facility;
    /* which mail is inspected (engine/direction.h) */
    ss_hosts *internal_hosts;  /* clients whose mail is outgoing */
    int inspect_incoming;      /* inspect mail from everyone else too */
    /* policy inputs */
    char *register_path;
    char *audit_log;
    char *audit_key_path;
    unsigned char audit_key[256];
    size_t audit_key_len;
    char *audit_group;         /* may read the trail and AuditKey, or NULL */
    int require_purpose;       /* refuse a share of child data that states no purpose */
    int remove_purpose_tag;    /* deliver the subject without its [share: ...] tag */
    char *audit_digest_to;     /* gets the daily audit digest (audit digest), or NULL */
    char *quarantine_dir;
    char *quarantine_key_path; /* optional: encrypt held mail at rest */
    int quarantine_plaintext;  /* QuarantineAllowPlaintext: read entries from before the key */
    unsigned char quarantine_key[256];
    size_t quarantine_key_len;
    /* release of held mail (certs/token.h) */
    char *release_key_path;    /* signs release tokens; default StateDir/release.key */
    int release_key_missing;   /* the file does not exist yet (made at start) */
    unsigned char release_key[256];
    size_t release_key_len;
    size_t release_token_max_age;  /* seconds a release token stays valid */
    char *release_submit_url;  /* smtp://host:port where released mail goes */
    char *notify_from;         /* envelope and From: of safeshare's notices */
    char *dsl_address;         /* where the DSL is told mail is waiting */
    char *dsl_deputy_address;  /* also gets the reminders (notify/notify.h) */
    char *notify_template_dir; /* files here override the built-in notices */
    /* the register's trust (register/trust.h) */
    char *register_anchors;    /* RegisterTrustAnchors: directory of public keys */
    int register_require_sig;  /* yes/no; defaults to yes when anchors are set */
    char *state_dir;           /* the last good register, remembered across restarts */
    /* register updates (register/fetch.h) and a stale register */
    char *register_url;        /* https://... ; NULL: no updates fetched */
    char *register_ca_file;    /* CA file for RegisterURL's server, or NULL: system CAs */
    size_t register_fetch_interval;  /* seconds between updates */
    size_t register_fetch_timeout;   /* seconds for one download */
    size_t register_max_size;  /* bytes */
    int on_register_stale;     /* SS_STALE_INSECURE or an ss_action */
    char *admin_address;       /* told daily while the register is stale or failing */
    char *delivery_log;        /* Postfix's log, followed for proof of delivery, or NULL */
    /* outcomes */
    ss_action on_insecure;
    ss_action on_insecure_uncertain;
    ss_action on_internal_error;
    ss_action on_oversize;
    ss_action on_unscannable;
    size_t max_message_size;
    size_t max_mime_depth;
    size_t max_mime_parts;
    /* attachments (reader/reader.h) */
    size_t max_archive_bytes;  /* decompressed bytes from one archive */
    size_t max_total_bytes;    /* decompressed bytes in all the message's attachments */
    size_t max_archive_depth;
    size_t max_archive_entries;
    size_t max_scan_seconds;   /* CPU seconds per attachment worker */
    size_t max_scan_time;      /* wall-clock seconds to read one message */
    size_t worker_memory_max;  /* address space per attachment worker */
    char *extract_worker;      /* safeshare-extract path, or NULL: installed */
    size_t reader_pool;        /* warm readers kept; 0: one per CPU */
    size_t reader_max_jobs;    /* attachments a reader reads before it is replaced */
    char *reader_user;         /* the readers' own user (never UserID, never root) */
    /* detection switches */
    int nhs_test_range;
    int chi_mod10;
    int named_child_enforce;   /* NamedChild: 1 enforce, 0 record (never acts) */
    /* the practitioner's reply */
    char *site_name;
    char *dsl_name;
    char *dsl_contact;
    char *portal_url;
    /* held mail in a browser (safeshare-review(8)) */
    size_t remind_after;       /* seconds before a held message is overdue */
    char *review_listen;       /* address:port the web page listens on */
    char *review_url;          /* the page as the DSL reaches it, or NULL: no links */
    char *review_users;        /* reviewer accounts (certs/reviewers.h) */
    char *review_certificate;  /* TLS served by safeshare-review itself */
    char *review_key;
    char *review_proxy_header; /* single sign-on: the user a proxy vouches for */
    ss_hosts *review_trusted_proxies;  /* the only clients that header is taken from */
    size_t review_session_idle;    /* seconds a signed-in page may sit unused */
    size_t review_session_max;     /* seconds a sign-in lasts at most */
    size_t review_link_max_age;    /* seconds a link in a notice works */
} ss_config;

/* Defaults only (no file): safe values for every optional key. */
ss_config *ss_config_new(void);
/* Load FILE. On error returns NULL and writes "FILE:LINE: Key: problem". */
ss_config *ss_config_load(const char *path, char *err, size_t errlen);
/* The same for the audit commands (search, verify, report): every key is
 * checked, but of the key files only AuditKey is read, so a member of
 * AuditGroup who may not read the other keys can still run them. */
ss_config *ss_config_load_audit(const char *path, char *err, size_t errlen);
/* Parse from memory (tests). name is used in messages. */
ss_config *ss_config_parse(const char *name, const char *text, char *err, size_t errlen);
void ss_config_free(ss_config *c);
/* 1 when any On* key says quarantine. */
int ss_config_uses_quarantine(const ss_config *c);
/* What a daemon that may quarantine needs before it starts: a ReleaseKey
 * when any On* key is quarantine (held mail could never be released
 * otherwise). 0, or -1 with err naming the key. */
int ss_config_check_quarantine(const ss_config *c, char *err, size_t errlen);

/* The group AuditGroup names: 1 and *gid; 0 when it is not set; -1 with
 * err ("FILE: AuditGroup: no group called X"). */
int ss_config_audit_gid(const ss_config *c, gid_t *gid, char *err, size_t errlen);

/* What safeshare-review needs on top: ReviewCertificate and ReviewKey
 * together or not at all, ReviewProxyHeader only with
 * ReviewTrustedProxies. 0, or -1 with err naming the file and key. */
int ss_config_check_review(const ss_config *c, char *err, size_t errlen);

/* One line in out for each On* key set to accept, saying what then goes
 * out unchecked ("FILE: OnOversize is accept: a message too large to
 * check goes to an insecure address unread"). Returns how many; the
 * milter's -n and its start print them. */
size_t ss_config_warn_accept(const ss_config *c, ss_buf *out);

/* KEY's value in c as the file would write it ("0660", "52428800",
 * "quarantine", "127.0.0.0/8, ::1"), in buf when it must be formatted;
 * NULL for an unset key or an unknown one. */
const char *ss_config_value(const ss_config *c, const char *key, char *buf, size_t n);

/* A daemon started as root (euid) needs UserID, unless AllowRoot says
 * the site accepts it reading mail and holding keys as root: 0, or -1
 * with err naming the file and the key. */
int ss_config_check_user(const ss_config *c, uid_t euid, char *err, size_t errlen);

/* The documented key list, for `-n -v` style output and the man page test. */
const char *const *ss_config_keys(void);

#endif
