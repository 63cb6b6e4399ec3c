/* One regression test per hostile-MIME class (tests/hostile/README.md):
 * a message a mail client shows with the test NHS number 943 476 5919 in
 * it, which extraction must hand to detection readable, or record as a
 * part it could not read (fail closed). The differential run
 * (make hostile) tries thousands of variants; these are the shapes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "extract_test_util.h"

#define HDRS "From: Teacher <teacher@stmarys.sch.uk>\n" \
             "To: Parent <parent@gmail.com>\n" \
             "Subject: Notes\n" \
             "MIME-Version: 1.0\n"

/* The number found in some segment: where, or NULL. */
static const char *found_in(const ss_extract *x)
{
    ss_detect_opts o;
    ss_detect_opts_default(&o);
    for (size_t i = 0; i < x->nsegs; i++)
        if (ss_detect_count(SS_T_NHS, x->segs[i].text, x->segs[i].len, &o) > 0)
            return x->segs[i].location;
    return NULL;
}

static int unreadable(const ss_extract *x)
{
    for (size_t i = 0; i < x->nskipped; i++)
        if (x->skipped[i].unreadable)
            return 1;
    return 0;
}

/* The number is read, at a location containing where (NULL: anywhere). */
static void expect_found(const char *msg, const char *where)
{
    ss_extract x;
    extract_str(msg, NULL, &x);
    const char *at = found_in(&x);
    if (!at)
        fail_msg("not found in:\n%s", msg);
    if (where && !strstr(at, where))
        fail_msg("found at \"%s\", wanted \"%s\"", at, where);
    ss_extract_free(&x);
}

static void expect_found_or_unreadable(const char *msg)
{
    ss_extract x;
    extract_str(msg, NULL, &x);
    if (!found_in(&x) && !unreadable(&x))
        fail_msg("neither found nor unreadable:\n%s", msg);
    ss_extract_free(&x);
}

static void dup_content_type(void **state)
{
    (void)state;
    /* GMime reads the last type; readers the first */
    expect_found(HDRS "Content-Type: text/plain; charset=utf-8\n"
                 "Content-Type: multipart/mixed; boundary=zz\n\n"
                 "Pupil: Jamie Smith, 943 476 5919.\n", NULL);
    expect_found(HDRS "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"
                 "Content-Type: text/plain\nContent-Type: text/plain; charset=utf-32\n"
                 "Content-Transfer-Encoding: 7bit\n\n"
                 "Pupil: Jamie Smith, 943 476 5919.\n--b1--\n", "(read another way)");
}

static void dup_content_type_structure(void **state)
{
    (void)state;
    /* multipart first, octet-stream last: readers see the parts */
    expect_found(HDRS "Content-Type: multipart/mixed; boundary=\"b1\"\n"
                 "Content-Type: application/octet-stream\n\n--b1\n"
                 "Content-Type: text/csv; name=\"p.csv\"\nContent-Transfer-Encoding: base64\n\n"
                 "bmFtZSxyZWYKSmFtaWUsOTQzIDQ3NiA1OTE5Cg==\n--b1--\n", "p.csv");
    /* text first, a multipart with no parts last: the body is text */
    expect_found(HDRS "Content-Type: text/plain\nContent-Type: multipart/mixed; boundary=zz\n"
                 "Content-Transfer-Encoding: base64\n\n"
                 "UHVwaWw6IEphbWllIFNtaXRoLCA5NDMgNDc2IDU5MTku\n", "(read another way)");
}

static void dup_transfer_encoding(void **state)
{
    (void)state;
    /* 7bit then base64: GMime base64-decodes plain text into noise */
    expect_found(HDRS "Content-Type: text/plain\nContent-Transfer-Encoding: 7bit\n"
                 "Content-Transfer-Encoding: base64\n\n"
                 "Pupil: Jamie Smith, 943 476 5919.\n", "(read another way)");
    /* base64 then 7bit: the body is base64 */
    expect_found(HDRS "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n"
                 "Content-Transfer-Encoding: 7bit\n\n"
                 "UHVwaWw6IEphbWllIFNtaXRoLCA5NDMgNDc2IDU5MTku\n", NULL);
}

static void broken_boundaries(void **state)
{
    (void)state;
    static const char *const ct[] = {
        "multipart/mixed",                          /* no boundary */
        "multipart/mixed; boundary=\"\"",           /* empty */
        "multipart/mixed; boundary=\"other\"",      /* mismatch */
        "multipart/mixed; boundary=\"b1 \"",        /* trailing space */
        "multipart/mixed; boundary=\"B1\"",         /* case */
    };
    for (size_t i = 0; i < sizeof ct / sizeof *ct; i++) {
        char msg[1024];
        snprintf(msg, sizeof msg, HDRS "Content-Type: %s\n\n--b1\n"
                 "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
                 "UHVwaWw6IEphbWllIFNtaXRoLCA5NDMgNDc2IDU5MTku\n--b1--\n", ct[i]);
        expect_found_or_unreadable(msg);
    }
    /* the parts a reader finds from the delimiters are read as parts */
    expect_found(HDRS "Content-Type: multipart/mixed; boundary=\"other\"\n\n--b1\n"
                 "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
                 "UHVwaWw6IEphbWllIFNtaXRoLCA5NDMgNDc2IDU5MTku\n--b1--\n", NULL);
}

static void preamble_and_epilogue(void **state)
{
    (void)state;
    expect_found(HDRS "Content-Type: multipart/mixed; boundary=b1\n\n"
                 "Pupil: Jamie Smith, 943 476 5919.\n--b1\n"
                 "Content-Type: text/plain\n\nHello\n--b1--\n", "before the first part");
    expect_found(HDRS "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"
                 "Content-Type: text/plain\n\nHello\n--b1--\n"
                 "Pupil: Jamie Smith, 943 476 5919.\n", "after the last part");
}

static void base64_mid_stream_padding(void **state)
{
    (void)state;
    /* "Pupil: Jamie Smith, 9" "43 4" "76 5919." each padded on its own */
    expect_found(HDRS "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
                 "UHVwaWw6IEphbWllIFNtaXRoLCA5\nNDMgNA==\nNzYgNTkxOS4=\n", "the message body");
    /* cut inside the last quantum: "…5919" kept as readers keep it */
    expect_found(HDRS "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
                 "UHVwaWw6IEphbWllIFNtaXRoLCA5NDMgNDc2IDU5MTk\n", "the message body");
}

static void nul_in_quoted_printable(void **state)
{
    (void)state;
    expect_found(HDRS "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
                 "Pupil: Jamie Smith, 943=00476 5919.\n", "the message body");
}

static void headers_other_than_subject(void **state)
{
    (void)state;
    expect_found("From: Teacher <teacher@stmarys.sch.uk>\n"
                 "To: \"Child protection plan 943 476 5919\" <parent@gmail.com>\n"
                 "Subject: Notes\n\nHello\n", "the header \"To\"");
    expect_found("From: Teacher <teacher@stmarys.sch.uk>\nTo: parent@gmail.com\n"
                 "X-Case: =?utf-8?b?Q2hpbGQgcHJvdGVjdGlvbiBwbGFuIDk0MyA0NzYgNTkxOQ==?=\n"
                 "Subject: Notes\n\nHello\n", "the header \"X-Case\"");
    /* two Subjects: readers show the first */
    expect_found("From: Teacher <teacher@stmarys.sch.uk>\nTo: parent@gmail.com\n"
                 "Subject: Plan 943 476 5919\nSubject: Notes\n\nHello\n", "the subject");
    /* a part's Content-Description */
    expect_found(HDRS "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"
                 "Content-Type: text/plain\nContent-Description: 943 476 5919\n\nHello\n"
                 "--b1--\n", "Content-Description");
}

static void encoded_words_split(void **state)
{
    (void)state;
    /* "Child protection plan 9" | "43 476 5919": the first word padded */
    expect_found("From: Teacher <teacher@stmarys.sch.uk>\nTo: parent@gmail.com\n"
                 "Subject: =?utf-8?b?Q2hpbGQgcHJvdGVjdGlvbiBwbGFuIDk=?=\n"
                 " =?utf-8?b?NDMgNDc2IDU5MTk=?=\n\nHello\n", "the subject");
    /* a NUL inside a Q-encoded word */
    expect_found("From: Teacher <teacher@stmarys.sch.uk>\nTo: parent@gmail.com\n"
                 "Subject: =?utf-8?q?Plan_943=00476_5919?=\n\nHello\n", "the subject");
    /* a raw NUL between two encoded-words is no text between them */
    static const char nul_between[] = "From: Teacher <teacher@stmarys.sch.uk>\n"
        "To: parent@gmail.com\nSubject: =?utf-8?q?Child_protection_plan_943?=\0"
        " =?utf-8?q?_476_5919?=\n\nHello\n";
    ss_extract x;
    char err[128];
    assert_int_equal(ss_extract_mem(nul_between, sizeof nul_between - 1, NULL, &x,
                                    err, sizeof err), 0);
    assert_non_null(found_in(&x));
    ss_extract_free(&x);
}

static void header_block_as_readers_end_it(void **state)
{
    (void)state;
    /* no blank line: the first line that is not a field starts the body */
    expect_found("From: Teacher <teacher@stmarys.sch.uk>\nTo: parent@gmail.com\n"
                 "Subject: Notes\nPupil Jamie Smith, 943 476 5919.\n", "the message body");
    /* a whitespace-only line ends the headers */
    expect_found("From: Teacher <teacher@stmarys.sch.uk>\nTo: parent@gmail.com\n"
                 "Subject: Notes\n \nPupil: Jamie Smith, 943 476 5919.\n", NULL);
    /* a forwarded message's own headers end at its first body line too */
    expect_found(HDRS "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                 "Content-Type: message/rfc822\n\nFrom: a@b.example\nSubject: x\n"
                 "Content-Transfer-Encoding: base64\n"
                 "UHVwaWw6IEphbWllIFNtaXRoLCA5NDMgNDc2IDU5MTku\n--b--\n", "forwarded message");
    /* bare CR line ends throughout */
    expect_found("From: Teacher <teacher@stmarys.sch.uk>\rTo: parent@gmail.com\r"
                 "Subject: Notes\rContent-Type: multipart/mixed; boundary=b\r\r--b\r"
                 "Content-Type: text/plain\r\rPupil 943 476 5919.\r--b--\r", NULL);
}

static void ical_vcard_folding(void **state)
{
    (void)state;
    expect_found(HDRS "Content-Type: text/calendar; charset=utf-8\n\n"
                 "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDESCRIPTION:Child protection 943 4\r\n"
                 " 76 5919\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", NULL);
    expect_found(HDRS "Content-Type: text/vcard\n\nBEGIN:VCARD\r\nNOTE:NHS 943 476 59\r\n"
                 "\t19\\, Jamie\r\nEND:VCARD\r\n", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dup_content_type),
        cmocka_unit_test(dup_content_type_structure),
        cmocka_unit_test(dup_transfer_encoding),
        cmocka_unit_test(broken_boundaries),
        cmocka_unit_test(preamble_and_epilogue),
        cmocka_unit_test(base64_mid_stream_padding),
        cmocka_unit_test(nul_in_quoted_printable),
        cmocka_unit_test(headers_other_than_subject),
        cmocka_unit_test(encoded_words_split),
        cmocka_unit_test(header_block_as_readers_end_it),
        cmocka_unit_test(ical_vcard_folding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
