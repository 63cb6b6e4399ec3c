/* Attached .eml files are read as messages: their subject, bodies (with
 * quoted-printable soft breaks joined) and attachments, at
 * "attachment "NAME" › …", one MIME level deeper. Identifiers used are NHS
 * test-range values only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>

#include "extract_test_util.h"

#define SEP " \xe2\x80\xba "

/* A saved message whose quoted-printable body breaks the number. */
static const char inner[] =
    "From: Sam Green <sam@example.gov.uk>\n"
    "To: <teacher@school.example>\n"
    "Subject: Information you asked for\n"
    "Date: Fri, 29 Aug 2025 16:02:00 +0100\n"
    "Message-ID: <inner@example.gov.uk>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: quoted-printable\n\n"
    "Patient number 943 47=\n6 5919 at the surgery.\n";

#define BODY "Patient number " NHS_DOTTED " at the surgery.\n"

/* An outer message with a body and one attachment made of headers + data. */
static void extract_with(const char *part_headers, const char *data,
                         const ss_extract_limits *lim, ss_extract *x)
{
    gchar *msg = g_strdup_printf(
        "From: t@school.example\nSubject: Paperwork\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
        "--b\nContent-Type: text/plain\n\nSee attached.\n"
        "--b\n%s\n\n%s\n--b--\n", part_headers, data);
    extract_str(msg, lim, x);
    g_free(msg);
}

static gchar *b64(const char *s)
{
    return g_base64_encode((const guchar *)s, strlen(s));
}

static void octet_stream_eml_base64(void **state)
{
    (void)state;
    gchar *data = b64(inner);
    ss_extract x;
    extract_with("Content-Type: application/octet-stream\n"
                 "Content-Disposition: attachment; filename=\"message.eml\"\n"
                 "Content-Transfer-Encoding: base64", data, NULL, &x);
    expect_seg(&x, "attachment \"message.eml\"" SEP "the message body", BODY);
    expect_seg(&x, "attachment \"message.eml\"" SEP "the subject",
               "Information you asked for");
    expect_seg(&x, "the name of attachment \"message.eml\"", "message.eml");
    expect_seg(&x, "the message body", "See attached.");
    assert_int_equal(x.nskipped, 0);
    ss_extract_free(&x);
    g_free(data);
}

static void rfc822_with_a_name(void **state)
{
    (void)state;
    ss_extract x;
    extract_with("Content-Type: message/rfc822\n"
                 "Content-Disposition: attachment; filename=\"FW referral.eml\"",
                 inner, NULL, &x);
    expect_seg(&x, "attachment \"FW referral.eml\"" SEP "the message body", BODY);
    expect_seg(&x, "the name of attachment \"FW referral.eml\"", "FW referral.eml");
    ss_extract_free(&x);

    /* base64 over message/rfc822: GMime leaves it a leaf; still a message */
    gchar *data = b64(inner);
    extract_with("Content-Type: message/rfc822; name=\"fwd.eml\"\n"
                 "Content-Transfer-Encoding: base64", data, NULL, &x);
    expect_seg(&x, "attachment \"fwd.eml\"" SEP "the message body", BODY);
    ss_extract_free(&x);
    g_free(data);
}

/* Unnamed message/rfc822 keeps its old name: a forwarded message. */
static void rfc822_without_a_name(void **state)
{
    (void)state;
    ss_extract x;
    extract_with("Content-Type: message/rfc822", inner, NULL, &x);
    expect_seg(&x, "forwarded message" SEP "the message body", BODY);
    ss_extract_free(&x);
}

static void sniffed_and_text_named_messages(void **state)
{
    (void)state;
    ss_extract x;
    gchar *data = b64(inner);
    extract_with("Content-Type: application/octet-stream\n"
                 "Content-Disposition: attachment; filename=\"download\"\n"
                 "Content-Transfer-Encoding: base64", data, NULL, &x);
    expect_seg(&x, "attachment \"download\"" SEP "the message body", BODY);
    ss_extract_free(&x);
    extract_with("Content-Type: text/plain; name=\"saved.EML\"\n"
                 "Content-Transfer-Encoding: base64", data, NULL, &x);
    expect_seg(&x, "attachment \"saved.EML\"" SEP "the message body", BODY);
    ss_extract_free(&x);
    g_free(data);
}

/* Header-like text that is not a message is read as the text it is. */
static void lookalikes_stay_text(void **state)
{
    (void)state;
    ss_extract x;
    extract_with("Content-Type: application/octet-stream\n"
                 "Content-Disposition: attachment; filename=\"form\"",
                 "Name: Ann\nNHS: " NHS_DOTTED "\n\nNotes follow.", NULL, &x);
    expect_seg(&x, "attachment \"form\"",
               "Name: Ann\nNHS: " NHS_DOTTED "\n\nNotes follow.");
    ss_extract_free(&x);
    /* named .eml but not a message at all: still read, as text */
    extract_with("Content-Type: application/octet-stream\n"
                 "Content-Disposition: attachment; filename=\"x.eml\"",
                 "just " NHS_DOTTED, NULL, &x);
    expect_seg(&x, "attachment \"x.eml\"", "just " NHS_DOTTED);
    ss_extract_free(&x);
}

static void eml_inside_eml(void **state)
{
    (void)state;
    gchar *in64 = b64(inner);
    gchar *middle = g_strdup_printf(
        "From: a@example.org\nDate: Mon, 1 Sep 2025 09:00:00 +0100\n"
        "Subject: fwd\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"m\"\n\n"
        "--m\nContent-Type: application/octet-stream; name=\"b.eml\"\n"
        "Content-Transfer-Encoding: base64\n\n%s\n--m--\n", in64);
    gchar *mid64 = b64(middle);
    ss_extract x;
    extract_with("Content-Type: application/octet-stream; name=\"a.eml\"\n"
                 "Content-Transfer-Encoding: base64", mid64, NULL, &x);
    expect_seg(&x, "attachment \"a.eml\"" SEP "attachment \"b.eml\"" SEP
               "the message body", BODY);
    ss_extract_free(&x);

    /* MaxMimeDepth counts each .eml as a level */
    ss_extract_limits lim = SS_EXTRACT_LIMITS_DEFAULT;
    lim.max_depth = 3;
    extract_with("Content-Type: application/octet-stream; name=\"a.eml\"\n"
                 "Content-Transfer-Encoding: base64", mid64, &lim, &x);
    const ss_unscanned *u = skip_at(&x, "attachment \"a.eml\"" SEP
                                    "attachment \"b.eml\"" SEP "part 1 (text/plain)");
    assert_string_equal(u->why, "nested too deeply");
    assert_int_equal(u->unreadable, 1);
    ss_extract_free(&x);
    g_free(in64);
    g_free(middle);
    g_free(mid64);
}

/* A ZIP called ".eml" is read as the ZIP it is. */
static void magic_wins_over_eml_name(void **state)
{
    (void)state;
    const char *dir = getenv("SS_TESTDATA");
    gchar *path = g_strdup_printf("%s/attach/case.zip", dir ? dir : "tests/data");
    gchar *zip;
    gsize len;
    assert_true(g_file_get_contents(path, &zip, &len, NULL));
    gchar *data = g_base64_encode((const guchar *)zip, len);
    ss_extract x;
    extract_with("Content-Type: message/rfc822; name=\"case.eml\"\n"
                 "Content-Transfer-Encoding: base64", data, NULL, &x);
    expect_seg(&x, "attachment \"case.eml\"" SEP "\"notes/readme.txt\"",
               "Ref " NHS_DOTTED "\n");
    ss_extract_free(&x);
    g_free(data);
    g_free(zip);
    g_free(path);
}

int main(void)
{
    char worker[1024];
    const char *b = getenv("SS_BUILDDIR");
    snprintf(worker, sizeof worker, "%s/reader/safeshare-extract", b ? b : ".");
    setenv("SAFESHARE_EXTRACT", worker, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(octet_stream_eml_base64),
        cmocka_unit_test(rfc822_with_a_name),
        cmocka_unit_test(rfc822_without_a_name),
        cmocka_unit_test(sniffed_and_text_named_messages),
        cmocka_unit_test(lookalikes_stay_text),
        cmocka_unit_test(eml_inside_eml),
        cmocka_unit_test(magic_wins_over_eml_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
