#include "config.h"
#include "certs/keyfile.h"
#include "base/buf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum { K_STR, K_PATH, K_ACTION, K_BOOL, K_SIZE, K_COUNT, K_MODE, K_SOCKET, K_FACILITY, K_SECONDS, K_SMTPURL, K_HOSTS,
               K_LISTEN, K_WEBURL, K_HEADER, K_HTTPSURL, K_STALE, K_ENFORCE } kind;

/* Which values an action key may take: OnInsecure may not be "accept",
 * because a silent pass of child data to an insecure address is exactly
 * what the product exists to stop. */
#define A_ALL   0xF
#define A_NOACC (A_ALL & ~(1u << SS_ACT_ACCEPT))

typedef struct {
    const char *key;
    kind k;
    size_t off;
    int required;
    unsigned allowed;   /* K_ACTION: bit set of ss_action */
} keydef;

#define F(m) offsetof(ss_config, m)
static const keydef keys[] = {
    { "Socket",              K_SOCKET, F(socket), 1, 0 },
    { "SocketMode",          K_MODE,   F(socket_mode), 0, 0 },
    { "SocketGroup",         K_STR,    F(socket_group), 0, 0 },
    { "UserID",              K_STR,    F(user), 0, 0 },
    { "AllowRoot",           K_BOOL,   F(allow_root), 0, 0 },
    { "PidFile",             K_PATH,   F(pid_file), 0, 0 },
    { "TempDirectory",       K_PATH,   F(temp_dir), 0, 0 },
    { "BodyMemoryMax",       K_SIZE,   F(body_memory_max), 0, 0 },
    { "SyslogFacility",      K_FACILITY,    F(syslog_facility), 0, 0 },
    { "InternalHosts",       K_HOSTS,  F(internal_hosts), 0, 0 },
    { "InspectIncoming",     K_BOOL,   F(inspect_incoming), 0, 0 },
    { "Register",            K_PATH,   F(register_path), 1, 0 },
    { "AuditLog",            K_PATH,   F(audit_log), 1, 0 },
    { "AuditKey",            K_PATH,   F(audit_key_path), 1, 0 },
    { "AuditGroup",          K_STR,    F(audit_group), 0, 0 },
    { "RequirePurpose",      K_BOOL,   F(require_purpose), 0, 0 },
    { "RemovePurposeTag",    K_BOOL,   F(remove_purpose_tag), 0, 0 },
    { "AuditDigestTo",       K_STR,    F(audit_digest_to), 0, 0 },
    { "QuarantineDir",       K_PATH,   F(quarantine_dir), 0, 0 },
    { "QuarantineKey",       K_PATH,   F(quarantine_key_path), 0, 0 },
    { "QuarantineAllowPlaintext", K_BOOL, F(quarantine_plaintext), 0, 0 },
    { "ReleaseKey",          K_PATH,   F(release_key_path), 0, 0 },
    { "ReleaseTokenMaxAge",  K_SECONDS, F(release_token_max_age), 0, 0 },
    { "ReleaseSubmitURL",    K_SMTPURL, F(release_submit_url), 0, 0 },
    { "NotifyFrom",          K_STR,    F(notify_from), 0, 0 },
    { "DSLAddress",          K_STR,    F(dsl_address), 0, 0 },
    { "DSLDeputyAddress",    K_STR,    F(dsl_deputy_address), 0, 0 },
    { "NotifyTemplateDir",   K_PATH,   F(notify_template_dir), 0, 0 },
    { "OnInsecure",          K_ACTION, F(on_insecure), 0, A_NOACC },
    { "OnInsecureUncertain", K_ACTION, F(on_insecure_uncertain), 0, A_ALL },
    { "OnInternalError",     K_ACTION, F(on_internal_error), 0, A_ALL },
    { "OnOversize",          K_ACTION, F(on_oversize), 0, A_ALL },
    { "OnUnscannable",       K_ACTION, F(on_unscannable), 0, A_ALL },
    { "MaxMessageSize",      K_SIZE,   F(max_message_size), 0, 0 },
    { "MaxMimeDepth",        K_COUNT,  F(max_mime_depth), 0, 0 },
    { "MaxMimeParts",        K_COUNT,  F(max_mime_parts), 0, 0 },
    { "MaxArchiveBytes",     K_SIZE,   F(max_archive_bytes), 0, 0 },
    { "MaxTotalBytes",       K_SIZE,   F(max_total_bytes), 0, 0 },
    { "MaxArchiveDepth",     K_COUNT,  F(max_archive_depth), 0, 0 },
    { "MaxArchiveEntries",   K_COUNT,  F(max_archive_entries), 0, 0 },
    { "MaxScanSeconds",      K_COUNT,  F(max_scan_seconds), 0, 0 },
    { "MaxScanTime",         K_COUNT,  F(max_scan_time), 0, 0 },
    { "WorkerMemoryMax",     K_SIZE,   F(worker_memory_max), 0, 0 },
    { "ExtractWorker",       K_PATH,   F(extract_worker), 0, 0 },
    { "ReaderPool",          K_COUNT,  F(reader_pool), 0, 0 },
    { "ReaderMaxJobs",       K_COUNT,  F(reader_max_jobs), 0, 0 },
    { "ReaderUser",          K_STR,    F(reader_user), 0, 0 },
    { "NHSTestRange",        K_BOOL,   F(nhs_test_range), 0, 0 },
    { "CHIMod10",            K_BOOL,   F(chi_mod10), 0, 0 },
    { "NamedChild",          K_ENFORCE, F(named_child_enforce), 0, 0 },
    { "SiteName",            K_STR,    F(site_name), 0, 0 },
    { "DSLName",             K_STR,    F(dsl_name), 0, 0 },
    { "DSLContact",          K_STR,    F(dsl_contact), 0, 0 },
    { "SecurePortalURL",     K_STR,    F(portal_url), 0, 0 },
    { "RegisterTrustAnchors", K_PATH,  F(register_anchors), 0, 0 },
    { "RegisterRequireSignature", K_BOOL, F(register_require_sig), 0, 0 },
    { "StateDir",            K_PATH,   F(state_dir), 0, 0 },
    { "RemindAfter",         K_SECONDS, F(remind_after), 0, 0 },
    { "ReviewListen",        K_LISTEN, F(review_listen), 0, 0 },
    { "ReviewURL",           K_WEBURL, F(review_url), 0, 0 },
    { "ReviewUsers",         K_PATH,   F(review_users), 0, 0 },
    { "ReviewCertificate",   K_PATH,   F(review_certificate), 0, 0 },
    { "ReviewKey",           K_PATH,   F(review_key), 0, 0 },
    { "ReviewProxyHeader",   K_HEADER, F(review_proxy_header), 0, 0 },
    { "ReviewTrustedProxies", K_HOSTS, F(review_trusted_proxies), 0, 0 },
    { "ReviewSessionIdle",   K_SECONDS, F(review_session_idle), 0, 0 },
    { "ReviewSessionMax",    K_SECONDS, F(review_session_max), 0, 0 },
    { "ReviewLinkMaxAge",    K_SECONDS, F(review_link_max_age), 0, 0 },
    { "RegisterURL",         K_HTTPSURL, F(register_url), 0, 0 },
    { "RegisterCAFile",      K_PATH,   F(register_ca_file), 0, 0 },
    { "RegisterFetchInterval", K_SECONDS, F(register_fetch_interval), 0, 0 },
    { "RegisterFetchTimeout", K_SECONDS, F(register_fetch_timeout), 0, 0 },
    { "RegisterMaxSize",     K_SIZE,   F(register_max_size), 0, 0 },
    { "OnRegisterStale",     K_STALE,  F(on_register_stale), 0, 0 },
    { "AdminAddress",        K_STR,    F(admin_address), 0, 0 },
    { "DeliveryLog",         K_PATH,   F(delivery_log), 0, 0 },
};
#undef F
#define NKEYS (sizeof keys / sizeof *keys)

const char *const *ss_config_keys(void)
{
    static const char *names[NKEYS + 1];
    for (size_t i = 0; i < NKEYS; i++)
        names[i] = keys[i].key;
    names[NKEYS] = NULL;
    return (const char *const *)names;
}

/* One key's value as text, in the form the file takes; NULL when unset. */
static const char *key_value(const ss_config *c, const keydef *k, char *buf, size_t n)
{
    const void *field = (const char *)c + k->off;
    switch (k->k) {
    case K_STR: case K_PATH: case K_SOCKET: case K_FACILITY: case K_SMTPURL:
    case K_LISTEN: case K_WEBURL: case K_HEADER: case K_HTTPSURL:
        return *(char *const *)field;
    case K_STALE:
        return *(const int *)field == SS_STALE_INSECURE ? "insecure"
             : ss_action_name((ss_action)*(const int *)field);
    case K_HOSTS:
        return *(ss_hosts *const *)field ? ss_hosts_text(*(ss_hosts *const *)field) : NULL;
    case K_ACTION:
        return ss_action_name(*(const ss_action *)field);
    case K_BOOL:
        return *(const int *)field < 0 ? NULL : *(const int *)field ? "yes" : "no";
    case K_ENFORCE:
        return *(const int *)field ? "enforce" : "record";
    case K_MODE:
        snprintf(buf, n, "%04o", (unsigned)*(const mode_t *)field);
        return buf;
    case K_SIZE: case K_COUNT: case K_SECONDS:
        snprintf(buf, n, "%zu", *(const size_t *)field);
        return buf;
    }
    return NULL;
}

const char *ss_config_value(const ss_config *c, const char *key, char *buf, size_t n)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcasecmp(keys[i].key, key) == 0)
            return key_value(c, &keys[i], buf, n);
    return NULL;
}

ss_config *ss_config_new(void)
{
    ss_config *c = ss_xcalloc(1, sizeof *c);
    c->socket_mode = 0660;
    c->body_memory_max = 1024 * 1024;
    c->temp_dir = ss_xstrdup("/var/tmp");
    c->syslog_facility = ss_xstrdup("mail");
    /* Outgoing mail comes from this machine or an authenticated client
     * unless the site names its internal hosts. */
    char why[128];
    c->internal_hosts = ss_hosts_parse(SS_DEFAULT_INTERNAL_HOSTS, why, sizeof why);
    c->quarantine_dir = ss_xstrdup(SS_LOCALSTATEDIR "/spool/safeshare/quarantine");
    c->release_token_max_age = 86400;
    /* The internal relay of contrib/postfix-master.cf.snippet: the milter
     * checks what arrives there (port 25 is left to incoming mail). */
    c->release_submit_url = ss_xstrdup("smtp://127.0.0.1:10587");
    c->on_insecure = SS_ACT_REJECT;
    /* Spec §10: what may or may not be a child's data, or what could not
     * be read, going somewhere insecure is for the DSL to judge, not for
     * the sender to retry or for a bounce to lose. */
    c->on_insecure_uncertain = SS_ACT_QUARANTINE;
    c->on_internal_error = SS_ACT_TEMPFAIL;
    c->on_oversize = SS_ACT_TEMPFAIL;
    c->on_unscannable = SS_ACT_QUARANTINE;
    c->max_message_size = 50u * 1024 * 1024;
    c->max_mime_depth = 20;
    c->max_mime_parts = 500;
    c->max_archive_bytes = 100u * 1024 * 1024;
    c->max_total_bytes = 200u * 1024 * 1024;
    c->max_archive_depth = 3;
    c->max_archive_entries = 10000;
    c->max_scan_seconds = 10;
    c->max_scan_time = 60;
    c->worker_memory_max = 512u * 1024 * 1024;
    c->reader_max_jobs = 200;
    c->reader_user = ss_xstrdup("safeshare-reader");
    c->nhs_test_range = 1;
    c->chi_mod10 = 1;
    c->named_child_enforce = 1;
    c->dsl_name = ss_xstrdup("your Designated Safeguarding Lead");
    c->register_require_sig = -1;      /* resolved once RegisterTrustAnchors is known */
    c->state_dir = ss_xstrdup(SS_LOCALSTATEDIR "/lib/safeshare");
    c->remind_after = 4 * 3600;
    c->review_listen = ss_xstrdup("127.0.0.1:8025");
    c->review_users = ss_xstrdup(SS_LOCALSTATEDIR "/lib/safeshare/reviewers");
    c->review_session_idle = 30 * 60;
    c->review_session_max = 8 * 3600;
    c->review_link_max_age = 7 * 86400;
    c->register_fetch_interval = 3600;
    c->register_fetch_timeout = 30;
    c->register_max_size = 16u * 1024 * 1024;
    c->on_register_stale = SS_STALE_INSECURE;
    return c;
}

void ss_config_free(ss_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < NKEYS; i++) {
        kind k = keys[i].k;
        if (k == K_STR || k == K_PATH || k == K_SOCKET || k == K_FACILITY || k == K_SMTPURL
            || k == K_LISTEN || k == K_WEBURL || k == K_HEADER || k == K_HTTPSURL)
            free(*(char **)((char *)c + keys[i].off));
    }
    ss_hosts_free(c->internal_hosts);
    ss_hosts_free(c->review_trusted_proxies);
    free(c->path);
    explicit_bzero(c->audit_key, sizeof c->audit_key);
    explicit_bzero(c->quarantine_key, sizeof c->quarantine_key);
    explicit_bzero(c->release_key, sizeof c->release_key);
    free(c);
}

static int parse_size(const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *v == '-')
        return -1;
    unsigned long long mul = 1;
    if (*end == 'K' || *end == 'k') mul = 1024ULL, end++;
    else if (*end == 'M' || *end == 'm') mul = 1024ULL * 1024, end++;
    else if (*end == 'G' || *end == 'g') mul = 1024ULL * 1024 * 1024, end++;
    if (*end != '\0' || n > (unsigned long long)SIZE_MAX / mul)
        return -1;
    *out = (size_t)(n * mul);
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
        return *out = 1, 0;
    if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0"))
        return *out = 0, 0;
    return -1;
}

static int valid_socket(const char *v)
{
    if (!strncmp(v, "unix:", 5) || !strncmp(v, "local:", 6))
        return strchr(v, ':')[1] == '/';
    if (!strncmp(v, "inet:", 5) || !strncmp(v, "inet6:", 6)) {
        const char *p = strchr(v, ':') + 1;
        char *end;
        long port = strtol(p, &end, 10);
        return end != p && port > 0 && port < 65536 && (*end == '\0' || *end == '@');
    }
    return 0;
}

static void action_list(unsigned allowed, char *out, size_t n)
{
    out[0] = '\0';
    for (int a = SS_ACT_ACCEPT; a <= SS_ACT_QUARANTINE; a++) {
        if (!(allowed & (1u << a)))
            continue;
        if (out[0])
            strncat(out, ", ", n - strlen(out) - 1);
        strncat(out, ss_action_name((ss_action)a), n - strlen(out) - 1);
    }
}

static int valid_facility(const char *v)
{
    static const char *const names[] = { "mail", "daemon", "user", "local0", "local1",
        "local2", "local3", "local4", "local5", "local6", "local7" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(v, names[i]) == 0)
            return 1;
    return 0;
}

/* smtp://host[:port] or smtps://: where released mail is submitted. */
static int valid_smtp_url(const char *v)
{
    const char *p = !strncmp(v, "smtp://", 7) ? v + 7 : !strncmp(v, "smtps://", 8) ? v + 8 : NULL;
    return p && *p && *p != '/' && *p != ':';
}

/* An IPv4 or IPv6 address literal. */
static int ip_literal(const char *v)
{
    unsigned char a[16];
    return inet_pton(AF_INET, v, a) == 1 || inet_pton(AF_INET6, v, a) == 1;
}

/* ADDRESS:PORT, the address a literal ([...] around IPv6). */
static int valid_listen(const char *v)
{
    const char *colon = strrchr(v, ':');
    if (!colon || colon == v)
        return 0;
    char host[64];
    size_t n = (size_t)(colon - v);
    if (v[0] == '[') {
        if (n < 3 || v[n - 1] != ']' || n - 2 >= sizeof host)
            return 0;
        memcpy(host, v + 1, n - 2);
        host[n - 2] = '\0';
    } else {
        if (n >= sizeof host)
            return 0;
        memcpy(host, v, n);
        host[n] = '\0';
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    return ip_literal(host) && end != colon + 1 && !*end && port > 0 && port < 65536
        && (v[0] == '[' || !strchr(host, ':'));
}

/* http(s)://host[/path]: printable, nothing a mail line or a page could
 * misread. */
static int valid_web_url(const char *v)
{
    const char *p = !strncmp(v, "https://", 8) ? v + 8 : !strncmp(v, "http://", 7) ? v + 7 : NULL;
    if (!p || !*p || *p == '/' || strlen(v) > 200)
        return 0;
    for (; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("\"'<>\\`{}|^#?", *p))
            return 0;
    return 1;
}

static int valid_header_name(const char *v)
{
    size_t n = strlen(v);
    return n > 0 && n <= 64 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789-") == n;
}

/* Store one value; returns NULL on success or a problem description. */
static const char *set_value(ss_config *c, const keydef *k, const char *v,
                             char *tmp, size_t tmplen)
{
    void *field = (char *)c + k->off;
    switch (k->k) {
    case K_HTTPSURL:
        /* A register fetched in clear could be swapped by anyone on the path
         * before the signature is even looked at; https only. */
        if (strncmp(v, "https://", 8) != 0 || !v[8] || v[8] == '/')
            return "expected https://host/path (plain http is not allowed)";
        free(*(char **)field);
        *(char **)field = ss_xstrdup(v);
        return NULL;
    case K_STALE: {
        ss_action a;
        if (!strcmp(v, "insecure"))
            *(int *)field = SS_STALE_INSECURE;
        else if (ss_action_parse(v, &a) == 0 && a != SS_ACT_ACCEPT)
            *(int *)field = (int)a;
        else
            return "expected insecure, reject, tempfail or quarantine";
        return NULL;
    }
    case K_SMTPURL:
        if (!valid_smtp_url(v))
            return "expected smtp://host:port or smtps://host:port";
        free(*(char **)field);
        *(char **)field = ss_xstrdup(v);
        return NULL;
    case K_HOSTS: {
        ss_hosts *h = ss_hosts_parse(v, tmp, tmplen);
        if (!h)
            return tmp;
        ss_hosts_free(*(ss_hosts **)field);
        *(ss_hosts **)field = h;
        return NULL;
    }
    case K_LISTEN:
    case K_WEBURL:
    case K_HEADER:
        if (k->k == K_LISTEN && !valid_listen(v))
            return "expected ADDRESS:PORT, such as 127.0.0.1:8025 or [::1]:8025";
        if (k->k == K_WEBURL && !valid_web_url(v))
            return "expected https://host/path (no spaces, quotes, ? or #)";
        if (k->k == K_HEADER && !valid_header_name(v))
            return "expected a header name such as X-Remote-User";
        free(*(char **)field);
        *(char **)field = ss_xstrdup(v);
        return NULL;
    case K_SECONDS:
        return parse_size(v, (size_t *)field) || *(size_t *)field == 0
                   ? "expected a positive number of seconds" : NULL;
    case K_SOCKET:
        if (!valid_socket(v))
            return "expected unix:/path or inet:port@host";
        /* fall through */
    case K_FACILITY:
        if (k->k == K_FACILITY && !valid_facility(v))
            return "expected mail, daemon, user or local0 to local7";
        /* fall through */
    case K_STR:
    case K_PATH:
        if (k->k == K_PATH && v[0] != '/')
            return "expected an absolute path";
        free(*(char **)field);
        *(char **)field = ss_xstrdup(v);
        return NULL;
    case K_ACTION: {
        ss_action a;
        if (ss_action_parse(v, &a) != 0 || !(k->allowed & (1u << a))) {
            size_t used = (size_t)snprintf(tmp, tmplen, "expected one of: ");
            action_list(k->allowed, tmp + used, tmplen - used);
            used = strlen(tmp);
            snprintf(tmp + used, tmplen - used, " (not \"%s\")", v);
            return tmp;
        }
        *(ss_action *)field = a;
        return NULL;
    }
    case K_BOOL:
        return parse_bool(v, (int *)field) ? "expected yes or no" : NULL;
    case K_ENFORCE:
        if (strcmp(v, "enforce") != 0 && strcmp(v, "record") != 0)
            return "expected enforce or record";
        *(int *)field = strcmp(v, "enforce") == 0;
        return NULL;
    case K_SIZE:
        return parse_size(v, (size_t *)field) || *(size_t *)field == 0
                   ? "expected a positive size in bytes (suffix K, M or G allowed)" : NULL;
    case K_COUNT:
        return parse_size(v, (size_t *)field) || *(size_t *)field == 0
                   ? "expected a positive whole number" : NULL;
    case K_MODE: {
        char *end;
        long m = strtol(v, &end, 8);
        if (*end || end == v || m < 0 || m > 0777)
            return "expected an octal mode such as 0660";
        *(mode_t *)field = (mode_t)m;
        return NULL;
    }
    }
    return "internal error";
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* The account UserID names, which may own the key files; (uid_t)-1 when
 * there is none (an unknown user is reported where privileges drop). */
static uid_t service_uid(const ss_config *c)
{
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (!c->user || getpwnam_r(c->user, &pw, buf, sizeof buf, &res) != 0 || !res)
        return (uid_t)-1;
    return res->pw_uid;
}

/* A key file (certs/keyfile.h); a problem names the file and the key. */
static int load_key(const ss_config *c, const char *name, const char *path,
                    unsigned char *key, size_t cap, size_t *len, char *err, size_t errlen)
{
    char why[768];
    if (ss_keyfile_read(path, service_uid(c), key, cap, len, why, sizeof why) == 0)
        return 0;
    snprintf(err, errlen, "%s: %s: %s", c->path, name, why);
    return -1;
}

int ss_config_audit_gid(const ss_config *c, gid_t *gid, char *err, size_t errlen)
{
    if (!c->audit_group)
        return 0;
    struct group gr, *res = NULL;
    char buf[4096];
    if (getgrnam_r(c->audit_group, &gr, buf, sizeof buf, &res) != 0 || !res) {
        snprintf(err, errlen, "%s: AuditGroup: no group called %s", c->path, c->audit_group);
        return -1;
    }
    *gid = res->gr_gid;
    return 1;
}

/* AuditKey: AuditGroup may read it too (ss_keyfile_read_shared). */
static int load_audit_key(const ss_config *c, unsigned char *key, size_t cap, size_t *len,
                          char *err, size_t errlen)
{
    gid_t gid;
    int shared = ss_config_audit_gid(c, &gid, err, errlen);
    if (shared < 0)
        return -1;
    if (!shared)
        return load_key(c, "AuditKey", c->audit_key_path, key, cap, len, err, errlen);
    char why[768];
    if (ss_keyfile_read_shared(c->audit_key_path, service_uid(c), gid, key, cap, len, why,
                               sizeof why) == 0)
        return 0;
    snprintf(err, errlen, "%s: AuditKey: %s", c->path, why);
    return -1;
}

static int load_keys(ss_config *c, int all, char *err, size_t errlen)
{
    if (load_audit_key(c, c->audit_key, sizeof c->audit_key, &c->audit_key_len, err,
                       errlen) != 0)
        return -1;
    if (!all)
        return 0;
    if (c->quarantine_key_path
        && load_key(c, "QuarantineKey", c->quarantine_key_path, c->quarantine_key,
                    sizeof c->quarantine_key, &c->quarantine_key_len, err, errlen) != 0)
        return -1;
    /* A ReleaseKey that does not exist yet is made by the milter at start
     * (ss_keyfile_create); until then nothing can be released. */
    c->release_key_missing = access(c->release_key_path, F_OK) != 0 && errno == ENOENT;
    if (!c->release_key_missing
        && load_key(c, "ReleaseKey", c->release_key_path, c->release_key,
                    sizeof c->release_key, &c->release_key_len, err, errlen) != 0)
        return -1;
    return 0;
}

int ss_config_check_user(const ss_config *c, uid_t euid, char *err, size_t errlen)
{
    if (euid != 0 || c->user || c->allow_root)
        return 0;
    snprintf(err, errlen, "%s: UserID: not set, and safeshare-milter is running as root: it "
             "would read every message and hold the keys as root. Set UserID to the "
             "account it runs as (e.g. safeshare), or AllowRoot yes to accept that", c->path);
    return -1;
}

int ss_config_uses_quarantine(const ss_config *c)
{
    return c->on_insecure == SS_ACT_QUARANTINE || c->on_register_stale == SS_ACT_QUARANTINE || c->on_insecure_uncertain == SS_ACT_QUARANTINE
        || c->on_internal_error == SS_ACT_QUARANTINE || c->on_oversize == SS_ACT_QUARANTINE
        || c->on_unscannable == SS_ACT_QUARANTINE;
}

/* The outcome keys, and what "accept" lets through for each (OnInsecure
 * and OnRegisterStale cannot be accept). */
static const struct {
    const char *key;
    size_t off;
    const char *accept_means;
} on[] = {
    { "OnInsecure", offsetof(ss_config, on_insecure), NULL },
    { "OnInsecureUncertain", offsetof(ss_config, on_insecure_uncertain),
      "a message holding what may be a child's identifier goes to an insecure address "
      "without anyone looking at it" },
    { "OnInternalError", offsetof(ss_config, on_internal_error),
      "when safeshare cannot decide or record a message, it goes out unchecked" },
    { "OnOversize", offsetof(ss_config, on_oversize),
      "a message too large to check goes to an insecure address unread" },
    { "OnUnscannable", offsetof(ss_config, on_unscannable),
      "a message with a part that could not be read goes to an insecure address unread" },
    { "OnRegisterStale", offsetof(ss_config, on_register_stale), NULL },
};

size_t ss_config_warn_accept(const ss_config *c, ss_buf *out)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof on / sizeof *on; i++) {
        if (!on[i].accept_means
            || *(const ss_action *)((const char *)c + on[i].off) != SS_ACT_ACCEPT)
            continue;
        ss_buf_printf(out, "%s: %s is accept: %s\n", c->path, on[i].key, on[i].accept_means);
        n++;
    }
    return n;
}

int ss_config_check_quarantine(const ss_config *c, char *err, size_t errlen)
{
    if (c->release_key_len > 0)
        return 0;
    for (size_t i = 0; i < sizeof on / sizeof *on; i++) {
        if (*(const ss_action *)((const char *)c + on[i].off) != SS_ACT_QUARANTINE)
            continue;
        snprintf(err, errlen, "%s: ReleaseKey: %s does not exist, and %s is quarantine "
                 "(held mail could never be released); safeshare-milter makes it when it "
                 "starts as root, or make it yourself: (umask 077; head -c 32 /dev/urandom "
                 "> %s) and give it to UserID", c->path, c->release_key_path, on[i].key,
                 c->release_key_path);
        return -1;
    }
    return 0;
}

int ss_config_check_review(const ss_config *c, char *err, size_t errlen)
{
    if (!c->review_certificate != !c->review_key) {
        snprintf(err, errlen, "%s: %s: required with %s (or set neither and use a TLS proxy)",
                 c->path, c->review_key ? "ReviewCertificate" : "ReviewKey",
                 c->review_key ? "ReviewKey" : "ReviewCertificate");
        return -1;
    }
    if (c->review_proxy_header && !c->review_trusted_proxies) {
        snprintf(err, errlen, "%s: ReviewTrustedProxies: required with ReviewProxyHeader (the "
                 "header is believed only from these addresses)", c->path);
        return -1;
    }
    if (c->review_session_idle > c->review_session_max) {
        snprintf(err, errlen, "%s: ReviewSessionIdle: longer than ReviewSessionMax", c->path);
        return -1;
    }
    return 0;
}

static int parse_line(ss_config *c, const char *name, unsigned lineno, char *line,
                      unsigned *seen, char *err, size_t errlen)
{
    char tmp[256];
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    char *s = trim(line);
    if (!*s)
        return 0;
    char *v = s;
    while (*v && !isspace((unsigned char)*v))
        v++;
    if (*v)
        *v++ = '\0';
    v = trim(v);
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcasecmp(keys[i].key, s) != 0)
            continue;
        if (seen[i]) {
            snprintf(err, errlen, "%s:%u: %s: set twice", name, lineno, keys[i].key);
            return -1;
        }
        seen[i] = lineno;
        if (!*v) {
            snprintf(err, errlen, "%s:%u: %s: missing value", name, lineno, keys[i].key);
            return -1;
        }
        const char *problem = set_value(c, &keys[i], v, tmp, sizeof tmp);
        if (problem) {
            snprintf(err, errlen, "%s:%u: %s: %s", name, lineno, keys[i].key, problem);
            return -1;
        }
        return 0;
    }
    snprintf(err, errlen, "%s:%u: %s: unknown key", name, lineno, s);
    return -1;
}

/* A signature can only be required when there is something to check it
 * with; when anchors are given, requiring one is the default. */
/* The ReleaseKey lives with the rest of the milter's state unless the
 * file says otherwise. */
static void resolve_release_key(ss_config *c)
{
    if (c->release_key_path)
        return;
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "%s/release.key", c->state_dir);
    c->release_key_path = ss_buf_steal(&b);
}

static int resolve_register_trust(ss_config *c, const char *name, char *err, size_t errlen)
{
    if (c->register_require_sig == -1)
        c->register_require_sig = c->register_anchors != NULL;
    if (c->register_require_sig && !c->register_anchors) {
        snprintf(err, errlen, "%s: RegisterRequireSignature: yes needs RegisterTrustAnchors "
                 "(a directory of the publisher's public keys)", name);
        return -1;
    }
    return 0;
}

static size_t key_index(const char *key)
{
    size_t i = 0;
    while (i < NKEYS && strcmp(keys[i].key, key) != 0)
        i++;
    return i;
}

/* The uid a user name stands for; -1 when there is no such user. */
static long uid_of(const char *user)
{
    struct passwd pw, *res = NULL;
    char buf[1024];
    if (getpwnam_r(user, &pw, buf, sizeof buf, &res) != 0 || !res)
        return -1;
    return (long)res->pw_uid;
}

/* The attachment readers' user (reader/pool.h) is the whole point of
 * their sandbox: a parser an attachment breaks into must not hold the
 * milter's keys, store or audit log, nor be root. */
static int check_readers(const ss_config *c, const char *name, const unsigned *seen,
                         char *err, size_t errlen)
{
    size_t ru = key_index("ReaderUser"), pool = key_index("ReaderPool");
    const char *key = seen[ru] || !c->user ? "ReaderUser" : "UserID";
    unsigned line = seen[ru] ? seen[ru] : seen[key_index("UserID")];
    long uid = uid_of(c->reader_user);
    if (c->reader_pool > 63) {
        snprintf(err, errlen, "%s:%u: ReaderPool: at most 63 readers", name, seen[pool]);
        return -1;
    }
    if (!strcmp(c->reader_user, "root") || uid == 0) {
        snprintf(err, errlen, "%s:%u: ReaderUser: must not be root", name, seen[ru]);
        return -1;
    }
    if (c->user && (!strcmp(c->user, c->reader_user) || (uid >= 0 && uid == uid_of(c->user)))) {
        snprintf(err, errlen, "%s:%u: %s: ReaderUser (%s) must not be UserID: an attachment "
                 "that broke into a reader could then read the milter's keys and store",
                 name, line, key, c->reader_user);
        return -1;
    }
    return 0;
}

ss_config *ss_config_parse(const char *name, const char *text, char *err, size_t errlen)
{
    ss_config *c = ss_config_new();
    c->path = ss_xstrdup(name);
    unsigned seen[NKEYS] = { 0 };      /* the line each key was set on */
    unsigned lineno = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = ss_xstrndup(p, n);
        lineno++;
        int rc = parse_line(c, name, lineno, line, seen, err, errlen);
        free(line);
        if (rc != 0)
            goto fail;
        p += n + (nl != NULL);
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (keys[i].required && !seen[i]) {
            snprintf(err, errlen, "%s: %s: required key missing", name, keys[i].key);
            goto fail;
        }
    }
    resolve_release_key(c);
    if (resolve_register_trust(c, name, err, errlen) != 0 ||
        check_readers(c, name, seen, err, errlen) != 0)
        goto fail;
    return c;
fail:
    ss_config_free(c);
    return NULL;
}

static ss_config *load(const char *path, int all_keys, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    ss_buf b = SS_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ss_buf_add(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: read error", path);
        ss_buf_free(&b);
        return NULL;
    }
    if (memchr(b.p ? b.p : "", '\0', b.len)) {
        snprintf(err, errlen, "%s: contains a NUL byte; not a text file", path);
        ss_buf_free(&b);
        return NULL;
    }
    ss_config *c = ss_config_parse(path, b.p ? b.p : "", err, errlen);
    ss_buf_free(&b);
    if (c && load_keys(c, all_keys, err, errlen) != 0) {
        ss_config_free(c);
        return NULL;
    }
    return c;
}

ss_config *ss_config_load(const char *path, char *err, size_t errlen)
{
    return load(path, 1, err, errlen);
}

ss_config *ss_config_load_audit(const char *path, char *err, size_t errlen)
{
    return load(path, 0, err, errlen);
}
