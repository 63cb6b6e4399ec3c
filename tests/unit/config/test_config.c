/* safeshare.conf: every error names file, line and key; defaults are safe. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certs/keyfile.h"
#include "config/config.h"

#define MIN "Socket unix:/run/ss.sock\nRegister /etc/r.txt\nAuditLog /var/log/a\nAuditKey /etc/k\n"

static void expect_error(const char *text, const char *want)
{
    char err[512] = "";
    ss_config *c = ss_config_parse("safeshare.conf", text, err, sizeof err);
    if (c || strncmp(err, want, strlen(want)) != 0)
        fail_msg("expected error starting \"%s\", got \"%s\"", want, c ? "(accepted)" : err);
    ss_config_free(c);
}

static void minimal_config_has_safe_defaults(void **state)
{
    char err[256];
    ss_config *c = ss_config_parse("x.conf", MIN, err, sizeof err);
    assert_non_null(c);
    assert_string_equal(c->socket, "unix:/run/ss.sock");
    assert_int_equal(c->on_insecure, SS_ACT_REJECT);
    assert_int_equal(c->on_internal_error, SS_ACT_TEMPFAIL);
    assert_int_equal(c->on_oversize, SS_ACT_TEMPFAIL);
    /* spec §10: what the DSL should judge is held for the DSL */
    assert_int_equal(c->on_unscannable, SS_ACT_QUARANTINE);
    assert_int_equal(c->on_insecure_uncertain, SS_ACT_QUARANTINE);
    assert_int_equal(c->release_token_max_age, 86400);
    assert_string_equal(c->release_submit_url, "smtp://127.0.0.1:10587");
    /* the ReleaseKey lives in StateDir unless the file names it */
    assert_string_equal(c->release_key_path, SS_LOCALSTATEDIR "/lib/safeshare/release.key");
    assert_null(c->quarantine_key_path);
    assert_int_equal(c->socket_mode, 0660);
    assert_true(c->max_message_size > 1024 * 1024);
    ss_config_free(c);
}

static void every_key_parses(void **state)
{
    const char *text = MIN
        "SocketMode 0666\nSocketGroup postfix\nUserID safeshare\nPidFile /run/ss.pid\n"
        "TempDirectory /tmp\nBodyMemoryMax 2M\nSyslogFacility local3\n"
        "QuarantineDir /var/spool/q\nOnInsecure quarantine\nOnInsecureUncertain accept\n"
        "OnInternalError reject\nOnOversize quarantine\nOnUnscannable reject\n"
        "MaxMessageSize 10M\nMaxMimeDepth 5\nMaxMimeParts 50\nNHSTestRange no\nCHIMod10 no\n"
        "SiteName St Mary's\nDSLName Ms Amara Patel\nDSLContact dsl@stmarys.sch.uk, 01632 960123\n"
        "SecurePortalURL https://portal.example/share   # trailing comment\n"
        "QuarantineKey /etc/q.key\nReleaseKey /etc/r.key\nReleaseTokenMaxAge 3600\n"
        "ReleaseSubmitURL smtp://127.0.0.1:2525\nNotifyFrom safeshare@stmarys.sch.uk\n"
        "DSLAddress dsl@stmarys.sch.uk\nDSLDeputyAddress deputy@stmarys.sch.uk\n"
        "NotifyTemplateDir /etc/safeshare/notices\n";
    char err[256] = "";
    ss_config *c = ss_config_parse("x.conf", text, err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    assert_int_equal(c->socket_mode, 0666);
    assert_int_equal(c->body_memory_max, 2u * 1024 * 1024);
    assert_int_equal(c->on_insecure, SS_ACT_QUARANTINE);
    assert_int_equal(c->on_insecure_uncertain, SS_ACT_ACCEPT);
    assert_int_equal(c->max_mime_depth, 5);
    assert_int_equal(c->nhs_test_range, 0);
    assert_string_equal(c->dsl_name, "Ms Amara Patel");
    assert_string_equal(c->dsl_contact, "dsl@stmarys.sch.uk, 01632 960123");
    assert_string_equal(c->portal_url, "https://portal.example/share");
    assert_string_equal(c->quarantine_key_path, "/etc/q.key");
    assert_string_equal(c->release_key_path, "/etc/r.key");
    assert_int_equal(c->release_token_max_age, 3600);
    assert_string_equal(c->release_submit_url, "smtp://127.0.0.1:2525");
    assert_string_equal(c->notify_from, "safeshare@stmarys.sch.uk");
    assert_string_equal(c->dsl_address, "dsl@stmarys.sch.uk");
    assert_string_equal(c->dsl_deputy_address, "deputy@stmarys.sch.uk");
    assert_string_equal(c->notify_template_dir, "/etc/safeshare/notices");
    ss_config_free(c);
}

static void errors_name_file_line_key(void **state)
{
    expect_error(MIN "Frobnicate yes\n", "safeshare.conf:5: Frobnicate: unknown key");
    expect_error(MIN "\n# c\nOnInsecure maybe\n", "safeshare.conf:7: OnInsecure: expected one of: reject, tempfail, quarantine");
    expect_error(MIN "MaxMessageSize lots\n", "safeshare.conf:5: MaxMessageSize: expected a positive size");
    expect_error(MIN "MaxMessageSize 0\n", "safeshare.conf:5: MaxMessageSize: expected a positive size");
    expect_error(MIN "SocketMode 999\n", "safeshare.conf:5: SocketMode: expected an octal mode");
    expect_error(MIN "NHSTestRange perhaps\n", "safeshare.conf:5: NHSTestRange: expected yes or no");
    expect_error("Socket tcp:25\n", "safeshare.conf:1: Socket: expected unix:/path or inet:port@host");
    expect_error(MIN "Register relative/path\n", "safeshare.conf:5: Register: set twice");
    expect_error("Socket unix:/s\nRegister relative\n", "safeshare.conf:2: Register: expected an absolute path");
    expect_error(MIN "DSLName\n", "safeshare.conf:5: DSLName: missing value");
    expect_error(MIN "SyslogFacility kern\n", "safeshare.conf:5: SyslogFacility: expected mail, daemon");
    expect_error(MIN "ReleaseSubmitURL http://x/\n", "safeshare.conf:5: ReleaseSubmitURL: expected smtp://host:port");
    expect_error(MIN "ReleaseTokenMaxAge 0\n", "safeshare.conf:5: ReleaseTokenMaxAge: expected a positive number of seconds");
    expect_error(MIN "ReleaseKey rel.key\n", "safeshare.conf:5: ReleaseKey: expected an absolute path");
}

/* The attachment readers' user: never the milter's own, never root. */
static void reader_keys(void **state)
{
    char err[256];
    ss_config *c = ss_config_parse("x.conf", MIN, err, sizeof err);
    assert_non_null(c);
    assert_int_equal(c->reader_pool, 0);            /* one reader per CPU */
    assert_int_equal(c->reader_max_jobs, 200);
    assert_string_equal(c->reader_user, "safeshare-reader");
    ss_config_free(c);
    c = ss_config_parse("x.conf", MIN "ReaderPool 4\nReaderMaxJobs 50\nReaderUser ssread\n",
                        err, sizeof err);
    assert_non_null(c);
    assert_int_equal(c->reader_pool, 4);
    assert_int_equal(c->reader_max_jobs, 50);
    assert_string_equal(c->reader_user, "ssread");
    ss_config_free(c);
    expect_error(MIN "UserID safeshare\nReaderUser safeshare\n",
                 "safeshare.conf:6: ReaderUser: ReaderUser (safeshare) must not be UserID");
    expect_error(MIN "ReaderUser safeshare-reader\n# x\nUserID safeshare-reader\n",
                 "safeshare.conf:5: ReaderUser: ReaderUser (safeshare-reader) must not be UserID");
    expect_error(MIN "UserID safeshare-reader\n",
                 "safeshare.conf:5: UserID: ReaderUser (safeshare-reader) must not be UserID");
    expect_error(MIN "ReaderUser root\n", "safeshare.conf:5: ReaderUser: must not be root");
    expect_error(MIN "\nReaderPool 64\n", "safeshare.conf:6: ReaderPool: at most 63 readers");
    expect_error(MIN "ReaderMaxJobs 0\n", "safeshare.conf:5: ReaderMaxJobs: expected a positive");
}

static void insecure_may_never_be_accept(void **state)
{
    expect_error(MIN "OnInsecure accept\n", "safeshare.conf:5: OnInsecure: expected one of: reject, tempfail, quarantine (not \"accept\")");
}

static void required_keys(void **state)
{
    expect_error("Socket unix:/s\nRegister /r\nAuditLog /a\n", "safeshare.conf: AuditKey: required key missing");
    expect_error("", "safeshare.conf: Socket: required key missing");
}

static void audit_key_file_checked(void **state)
{
    char dir[] = "/tmp/ss-conf-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char conf[256], key[256], text[1024], err[512];
    snprintf(conf, sizeof conf, "%s/s.conf", dir);
    snprintf(key, sizeof key, "%s/key", dir);
    snprintf(text, sizeof text, "Socket unix:/s\nRegister /r\nAuditLog /a\nAuditKey %s\n"
             "StateDir %s\n", key, dir);
    FILE *f = fopen(conf, "w");
    fputs(text, f);
    fclose(f);
    /* missing key file */
    assert_null(ss_config_load(conf, err, sizeof err));
    assert_non_null(strstr(err, "AuditKey: cannot read"));
    /* too short */
    f = fopen(key, "w");
    fputs("short", f);
    fclose(f);
    chmod(key, 0600);
    assert_null(ss_config_load(conf, err, sizeof err));
    assert_non_null(strstr(err, "fewer than 32 bytes"));
    /* readable by others */
    f = fopen(key, "w");
    fputs("0123456789abcdef0123456789abcdef!", f);
    fclose(f);
    chmod(key, 0644);
    assert_null(ss_config_load(conf, err, sizeof err));
    assert_non_null(strstr(err, "must not be readable"));
    chmod(key, 0600);
    ss_config *c = ss_config_load(conf, err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    assert_int_equal(c->audit_key_len, 33);
    /* the defaults hold mail: a ReleaseKey that does not exist yet is not
     * an error to load, but a daemon cannot hold mail until it is made */
    char rkey[300];
    snprintf(rkey, sizeof rkey, "%s/release.key", dir);
    assert_string_equal(c->release_key_path, rkey);
    assert_int_equal(c->release_key_missing, 1);
    assert_int_equal(ss_config_check_quarantine(c, err, sizeof err), -1);
    assert_non_null(strstr(err, "ReleaseKey: "));
    assert_non_null(strstr(err, "release.key does not exist, and OnInsecureUncertain is "
                                "quarantine"));
    ss_config_free(c);
    /* the milter makes it at start: 0600, 32 random bytes, never twice */
    assert_int_equal(ss_keyfile_create(rkey, (uid_t)-1, (gid_t)-1, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(rkey, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 32);
    assert_int_equal(ss_keyfile_create(rkey, (uid_t)-1, (gid_t)-1, err, sizeof err), -1);
    assert_non_null(strstr(err, "File exists"));
    c = ss_config_load(conf, err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    assert_int_equal(c->release_key_missing, 0);
    assert_int_equal(c->release_key_len, 32);
    assert_int_equal(ss_config_check_quarantine(c, err, sizeof err), 0);
    ss_config_free(c);
    unlink(rkey);
    /* with a release key and a quarantine key, both are read and checked */
    f = fopen(conf, "w");
    fprintf(f, "%sReleaseKey %s\nQuarantineKey %s\n", text, key, key);
    fclose(f);
    c = ss_config_load(conf, err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    assert_int_equal(c->release_key_len, 33);
    assert_int_equal(c->quarantine_key_len, 33);
    assert_int_equal(ss_config_check_quarantine(c, err, sizeof err), 0);
    ss_config_free(c);
    chmod(key, 0640);
    assert_null(ss_config_load(conf, err, sizeof err));
    assert_non_null(strstr(err, "must not be readable"));
    chmod(key, 0600);
    /* nothing held, nothing to release: no ReleaseKey needed */
    f = fopen(conf, "w");
    fprintf(f, "%sOnInsecureUncertain reject\nOnUnscannable tempfail\n", text);
    fclose(f);
    c = ss_config_load(conf, err, sizeof err);
    assert_non_null(c);
    assert_int_equal(ss_config_uses_quarantine(c), 0);
    assert_int_equal(ss_config_check_quarantine(c, err, sizeof err), 0);
    ss_config_free(c);
    /* missing file is named */
    assert_null(ss_config_load("/nonexistent/ss.conf", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/ss.conf: cannot open"));
    unlink(key);
    unlink(conf);
    rmdir(dir);
}

/* Only On* keys that would let something out unchecked are warned about. */
static void accept_outcomes_are_warned(void **state)
{
    char err[256];
    ss_config *c = ss_config_parse("x.conf", MIN "OnOversize accept\nOnUnscannable accept\n"
                                   "OnInternalError accept\nOnInsecureUncertain reject\n",
                                   err, sizeof err);
    assert_non_null(c);
    ss_buf b = SS_BUF_INIT;
    assert_int_equal(ss_config_warn_accept(c, &b), 3);
    assert_non_null(strstr(b.p, "x.conf: OnOversize is accept: a message too large to check "
                                "goes to an insecure address unread\n"));
    assert_non_null(strstr(b.p, "x.conf: OnUnscannable is accept: "));
    assert_non_null(strstr(b.p, "x.conf: OnInternalError is accept: "));
    assert_null(strstr(b.p, "OnInsecureUncertain"));
    ss_buf_free(&b);
    ss_config_free(c);
    c = ss_config_parse("x.conf", MIN, err, sizeof err);
    assert_int_equal(ss_config_warn_accept(c, &b), 0);
    ss_config_free(c);
}

static void release_key_follows_state_dir(void **state)
{
    char err[256];
    ss_config *c = ss_config_parse("x.conf", MIN "StateDir /srv/ss\n", err, sizeof err);
    assert_non_null(c);
    assert_string_equal(c->release_key_path, "/srv/ss/release.key");
    ss_config_free(c);
    c = ss_config_parse("x.conf", MIN "StateDir /srv/ss\nReleaseKey /etc/r.key\n", err,
                        sizeof err);
    assert_string_equal(c->release_key_path, "/etc/r.key");
    ss_config_free(c);
}

/* Every key in the table is documented in safeshare.conf(5) as built. */
static void every_key_is_in_the_man_page(void **state)
{
    const char *build = getenv("SS_BUILDDIR");
    assert_non_null(build);
    char path[1024];
    snprintf(path, sizeof path, "%s/man/safeshare.conf.5", build);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char page[262144];
    size_t n = fread(page, 1, sizeof page - 1, f);
    fclose(f);
    page[n] = '\0';
    for (const char *const *k = ss_config_keys(); *k; k++) {
        char want[128];
        snprintf(want, sizeof want, "\n.B %s ", *k);
        if (!strstr(page, want))
            fail_msg("%s is not documented in safeshare.conf(5)", *k);
    }
}

/* Root without UserID is refused unless AllowRoot says so (issue 18):
 * the message names the file and the key. */
static void root_needs_user_id_or_allow_root(void **state)
{
    (void)state;
    char err[512] = "";
    ss_config *c = ss_config_parse("safeshare.conf", MIN, err, sizeof err);
    assert_non_null(c);
    assert_int_equal(ss_config_check_user(c, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "safeshare.conf: UserID: not set"));
    assert_non_null(strstr(err, "AllowRoot yes"));
    assert_int_equal(ss_config_check_user(c, 1000, err, sizeof err), 0);
    ss_config_free(c);
    c = ss_config_parse("safeshare.conf", MIN "UserID safeshare\n", err, sizeof err);
    assert_int_equal(ss_config_check_user(c, 0, err, sizeof err), 0);
    ss_config_free(c);
    c = ss_config_parse("safeshare.conf", MIN "AllowRoot yes\n", err, sizeof err);
    assert_int_equal(ss_config_check_user(c, 0, err, sizeof err), 0);
    ss_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(root_needs_user_id_or_allow_root),
        cmocka_unit_test(minimal_config_has_safe_defaults),
        cmocka_unit_test(every_key_parses),
        cmocka_unit_test(errors_name_file_line_key),
        cmocka_unit_test(insecure_may_never_be_accept),
        cmocka_unit_test(reader_keys),
        cmocka_unit_test(required_keys),
        cmocka_unit_test(audit_key_file_checked),
        cmocka_unit_test(every_key_is_in_the_man_page),
        cmocka_unit_test(accept_outcomes_are_warned),
        cmocka_unit_test(release_key_follows_state_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
