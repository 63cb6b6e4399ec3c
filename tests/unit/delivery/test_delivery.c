/* Proof of delivery (policy/delivery): Postfix's log lines as they are
 * written (syslog and maillog_file forms), the record joined to the
 * decision's reference, and the follower over a log that grows, is cut
 * mid-line, and is rotated. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delivery/delivery.h"

#define TLS_LINE "Dec  6 02:43:01 mx.lab.invalid safeshare-lab/smtp[4242]: Verified TLS " \
    "connection established to nhs.net[127.0.0.1]:2525: TLSv1.3 with cipher " \
    "TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature ECDSA (P-256)"
#define SENT_LINE "Dec  6 02:43:01 mx.lab.invalid safeshare-lab/smtp[4242]: 1E1F0A825B1: " \
    "to=<hv.team@nhs.net>, relay=nhs.net[127.0.0.1]:2525, delay=0.11, " \
    "delays=0.01/0.01/0.05/0.04, dsn=2.0.0, status=sent (250 2.0.0 stored)"

static void parses_postfix_lines(void **state)
{
    (void)state;
    ss_dline d;
    ss_delivery_parse(TLS_LINE, &d);
    assert_int_equal(d.kind, SS_DL_TLS);
    assert_int_equal(d.pid, 4242);
    assert_string_equal(d.trust, "Verified");
    assert_string_equal(d.relay, "nhs.net[127.0.0.1]:2525");
    assert_string_equal(d.version, "TLSv1.3");
    assert_string_equal(d.cipher, "TLS_AES_256_GCM_SHA384");
    ss_delivery_parse(SENT_LINE, &d);
    assert_int_equal(d.kind, SS_DL_STATUS);
    assert_string_equal(d.queue_id, "1E1F0A825B1");
    assert_string_equal(d.recipient, "hv.team@nhs.net");
    assert_string_equal(d.relay, "nhs.net[127.0.0.1]:2525");
    assert_string_equal(d.dsn, "2.0.0");
    assert_string_equal(d.status, "sent");
    /* rsyslog's RFC 3339 stamps, another syslog_name, an orig_to */
    ss_delivery_parse("2026-12-06T02:43:01.123456+00:00 mx postfix-out/smtp[7]: 4XyZ1Q: "
                      "to=<a@x.nhs.uk>, orig_to=<b@x.nhs.uk>, relay=mx.x.nhs.uk[192.0.2.1]:25,"
                      " delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (user unknown)", &d);
    assert_int_equal(d.kind, SS_DL_STATUS);
    assert_string_equal(d.status, "bounced");
    assert_string_equal(d.recipient, "a@x.nhs.uk");
    ss_delivery_parse("Dec  6 02:43:01 mx postfix/qmgr[9]: 1E1F0A825B1: removed", &d);
    assert_int_equal(d.kind, SS_DL_REMOVED);
    assert_string_equal(d.queue_id, "1E1F0A825B1");
    ss_delivery_parse("Dec  6 02:43:01 mx postfix/smtpd[9]: connect from localhost[127.0.0.1]", &d);
    assert_int_equal(d.kind, SS_DL_NONE);
    /* text in a message subject cannot pass for a delivery line */
    ss_delivery_parse("Dec  6 mx postfix/cleanup[9]: 1E1: warning: header Subject: x/smtp[1]: "
                      "Q: to=<a@b>, relay=r, dsn=2.0.0, status=sent", &d);
    assert_int_not_equal(d.kind, SS_DL_TLS);
}

static void record_joins_reference_and_tls(void **state)
{
    (void)state;
    ss_dline st, tls;
    ss_delivery_parse(TLS_LINE, &tls);
    ss_delivery_parse(SENT_LINE, &st);
    char *r = ss_delivery_record("SS-7K3M-Q9TX", &st, &tls);
    assert_non_null(strstr(r, "\"event\":\"delivery\""));
    assert_non_null(strstr(r, "\"reference\":\"SS-7K3M-Q9TX\""));
    assert_non_null(strstr(r, "\"recipient\":\"hv.team@nhs.net\""));
    assert_non_null(strstr(r, "\"status\":\"sent\""));
    assert_non_null(strstr(r, "\"relay\":\"nhs.net[127.0.0.1]:2525\""));
    assert_non_null(strstr(r, "\"tls\":{\"trust\":\"Verified\",\"verified\":true,"
                              "\"version\":\"TLSv1.3\",\"cipher\":\"TLS_AES_256_GCM_SHA384\"}"));
    free(r);
    r = ss_delivery_record("SS-7K3M-Q9TX", &st, NULL);
    assert_non_null(strstr(r, "\"tls\":null"));
    free(r);
}

static char records[8][2048];
static int nrecords, fail_appends;

static int collect(const char *rec, size_t len)
{
    if (fail_appends) {
        fail_appends--;
        return -1;
    }
    assert_true(nrecords < 8);
    snprintf(records[nrecords++], sizeof records[0], "%.*s", (int)len, rec);
    return 0;
}

static void append_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void follower_over_growing_and_rotated_log(void **state)
{
    (void)state;
    char dir[] = "/tmp/ss-delivery-XXXXXX", log[64], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(log, sizeof log, "%s/maillog", dir);
    append_text(log, SENT_LINE "\n");      /* before we started: not ours to record */
    assert_int_equal(ss_delivery_open(log, dir, collect, err, sizeof err), 0);
    ss_delivery_expect("1E1F0A825B1", "SS-AAAA-BBBB");
    ss_delivery_expect("2F2F0A825B2", "SS-CCCC-DDDD");
    assert_int_equal(ss_delivery_poll(), 0);
    /* a TLS line, a deferral (not final), then the sent line cut mid-write */
    append_text(log, TLS_LINE "\n");
    append_text(log, "Dec  6 02:43:02 mx x/smtp[4242]: 1E1F0A825B1: to=<hv.team@nhs.net>, "
                "relay=nhs.net[127.0.0.1]:2525, delay=1, delays=0/0/0/1, dsn=4.7.5, "
                "status=deferred (Server certificate not verified)\n");
    append_text(log, "Dec  6 02:43:03 mx x/smtp[4242]: 1E1F0A825B1: to=<hv.team@nhs.net>, rel");
    assert_int_equal(ss_delivery_poll(), 0);
    append_text(log, "ay=nhs.net[127.0.0.1]:2525, delay=1, delays=0/0/0/1, dsn=2.0.0, "
                "status=sent (ok)\n");
    fail_appends = 1;                      /* the trail is full for a moment */
    assert_int_equal(ss_delivery_poll(), 0);
    assert_int_equal(ss_delivery_poll(), 1);
    assert_int_equal(nrecords, 1);
    assert_non_null(strstr(records[0], "\"reference\":\"SS-AAAA-BBBB\""));
    assert_non_null(strstr(records[0], "\"verified\":true"));
    /* removed: a later line for the same id is not ours any more */
    append_text(log, "Dec  6 02:43:04 mx postfix/qmgr[9]: 1E1F0A825B1: removed\n");
    append_text(log, SENT_LINE "\n");
    assert_int_equal(ss_delivery_poll(), 0);
    /* logrotate: the rest of the old file, then the new one from its start */
    char old[80], cmd[256];
    snprintf(old, sizeof old, "%s.1", log);
    assert_int_equal(rename(log, old), 0);
    append_text(old, "Dec  6 02:44:00 mx x/smtp[77]: 2F2F0A825B2: to=<a@cjsm.net>, "
                "relay=cjsm.net[127.0.0.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, "
                "status=sent (ok)\n");
    append_text(log, "Dec  6 02:44:01 mx x/smtp[78]: 2F2F0A825B2: to=<b@cjsm.net>, "
                "relay=cjsm.net[127.0.0.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, "
                "status=sent (ok)\n");
    assert_int_equal(ss_delivery_poll(), 2);
    assert_non_null(strstr(records[1], "\"recipient\":\"a@cjsm.net\""));
    assert_non_null(strstr(records[1], "\"tls\":null"));  /* no TLS line for pid 77 */
    assert_non_null(strstr(records[2], "\"recipient\":\"b@cjsm.net\""));
    ss_delivery_save();
    snprintf(cmd, sizeof cmd, "grep -q '^2F2F0A825B2 SS-CCCC-DDDD$' %s/delivery.state", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_postfix_lines),
        cmocka_unit_test(record_joins_reference_and_tls),
        cmocka_unit_test(follower_over_growing_and_rotated_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
