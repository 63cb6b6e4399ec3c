/* The audit record: every field a DPO needs, no identifier in clear.
 * (The writer: test_writer.c.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

static const unsigned char key[32] = "0123456789abcdef0123456789abcdef";

static char *make_record(void)
{
    static ss_finding fv[1];
    fv[0] = (ss_finding){ .type = SS_T_NHS, .confidence = SS_CONF_HIGH, .seg = 0,
                          .value = "9434765919", .redacted = "*** *** 5919" };
    static ss_findings F;
    F = (ss_findings){ .v = fv, .n = 1 };
    static ss_segment seg = { "x", 1, "the message body" };
    static ss_extract X;
    X = (ss_extract){ .segs = &seg, .nsegs = 1 };
    static ss_party P[2];
    P[0] = (ss_party){ .address = "teacher@stmarys.sch.uk", .is_sender = 1 };
    P[0].m.secure = 1;
    strcpy(P[0].m.entry, "stmarys.sch.uk");
    strcpy(P[0].m.why, "on the secure-domain register (St Mary's Primary)");
    P[1] = (ss_party){ .address = "parent\"@gmail.com" };
    strcpy(P[1].m.why, "not on the secure-domain register");
    static char *reasons[] = { "found an NHS number (high confidence) in the message body" };
    static ss_verdict V;
    V = (ss_verdict){ .action = SS_ACT_REJECT, .rule = "OnInsecure", .reference = "SS-AAAA-BBBB",
                      .reasons = reasons, .nreasons = 1 };
    ss_audit_in in = { .time = "2026-11-23T09:00:00.000Z", .source = "milter", .queue_id = "4XyZ1",
                       .message_id = "m1@stmarys", .parties = P, .nparties = 2, .findings = &F,
                       .extract = &X, .verdict = &V, .register_serial = 2026112201,
                       .key = key, .keylen = sizeof key };
    return ss_audit_record(&in);
}

static void record_has_fields_and_no_identifier(void **s)
{
    char *r = make_record();
    const char *want[] = {
        "\"time\":\"2026-11-23T09:00:00.000Z\"", "\"reference\":\"SS-AAAA-BBBB\"",
        "\"queue_id\":\"4XyZ1\"", "\"message_id\":\"m1@stmarys\"",
        "\"sender\":{\"address\":\"teacher@stmarys.sch.uk\",\"secure\":true,\"entry\":\"stmarys.sch.uk\"",
        "\"recipients\":[{\"address\":\"parent\\\"@gmail.com\",\"secure\":false,\"entry\":null",
        "\"type\":\"nhs\"", "\"confidence\":\"high\"", "\"location\":\"the message body\"",
        "\"redacted\":\"*** *** 5919\"", "\"hmac\":\"", "\"action\":\"reject\"",
        "\"rule\":\"OnInsecure\"", "\"register_serial\":2026112201",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(r, want[i]))
            fail_msg("missing %s in %s", want[i], r);
    assert_null(strstr(r, "9434765919"));
    assert_null(strstr(r, "\n"));
    free(r);
}

static void hmac_is_keyed_and_typed(void **s)
{
    char a[65], b[65], c[65], d[65];
    ss_audit_hmac(key, sizeof key, SS_T_NHS, "9434765919", a);
    ss_audit_hmac(key, sizeof key, SS_T_NHS, "9434765919", b);
    ss_audit_hmac(key, sizeof key, SS_T_ULN, "9434765919", c);
    ss_audit_hmac((const unsigned char *)"another key of 32 bytes or more!", 32, SS_T_NHS, "9434765919", d);
    assert_int_equal(strlen(a), 64);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_string_not_equal(a, d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(record_has_fields_and_no_identifier),
        cmocka_unit_test(hmac_is_keyed_and_typed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
