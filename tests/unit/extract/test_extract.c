/* MIME extraction: every text part decoded to UTF-8 with a location a
 * person can read; everything not read is listed in skipped[].
 * Sample messages live in $SS_TESTDATA/mail. Identifiers used are NHS
 * test-range values only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract/extract.h"

#include <glib.h>

#include "extract_test_util.h"

static void qp_soft_break_inside_number(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("qp-soft-break.eml", NULL, &x);
    expect_seg(&x, "the message body",
               "The NHS number is " NHS_DOTTED " for the referral.\nThanks, Sam\n");
    expect_seg(&x, "the subject", "Referral");
    assert_string_equal(x.message_id, "qp-1@school.example");
    assert_string_equal(x.subject, "Referral");
    assert_int_equal(x.nskipped, 0);
    ss_extract_free(&x);
}

/* The same message as it arrives from SMTP, CRLF throughout: the soft
 * break "=\r\n" joins too and no CR reaches the text. */
static void qp_with_crlf(void **state)
{
    (void)state;
    size_t len;
    char *lf = load("qp-soft-break.eml", &len);
    char *crlf = malloc(len * 2 + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (lf[i] == '\n')
            crlf[n++] = '\r';
        crlf[n++] = lf[i];
    }
    ss_extract x;
    char err[128];
    assert_int_equal(ss_extract_mem(crlf, n, NULL, &x, err, sizeof err), 0);
    expect_seg(&x, "the message body",
               "The NHS number is " NHS_DOTTED " for the referral.\nThanks, Sam\n");
    ss_extract_free(&x);
    free(crlf);
    free(lf);
}

static void base64_body(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("base64-body.eml", NULL, &x);
    expect_seg(&x, "the message body",
               "NHS number " NHS_DOTTED "\nSee you Tuesday.\n");
    ss_extract_free(&x);
}

static void html_tags_and_entities(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("html-entities.eml", NULL, &x);
    expect_seg(&x, "the HTML body",
               "NHS no: 943\xc2\xa0" "476 5919\nFish & chips");
    /* the title, style and comment are delivered too, apart */
    expect_seg(&x, "the HTML body (hidden text)",
               "hidden title\np{color:red}\na comment");
    assert_int_equal(body_segs(&x), 3);
    ss_extract_free(&x);
}

static void subject_rfc2047(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("subject-utf8-b.eml", NULL, &x);
    expect_seg(&x, "the subject",
               "R\xc3\xa9union \xe2\x80\x94 " NHS_DOTTED);
    assert_string_equal(x.subject, "R\xc3\xa9union \xe2\x80\x94 " NHS_DOTTED);
    ss_extract_free(&x);

    extract_file("subject-latin1-q.eml", NULL, &x);
    expect_seg(&x, "the subject", "Caf\xc3\xa9 \xc2\xa3 report");
    ss_extract_free(&x);
}

static void nested_forwarded_messages(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("forwarded.eml", NULL, &x);
    assert_int_equal(body_segs(&x), 6);
    expect_seg(&x, "the subject", "Fwd: Fwd: Original note");
    expect_seg(&x, "the message body", "Outer text");
    expect_seg(&x, "forwarded message \xe2\x80\xba the subject",
               "Fwd: Original note");
    expect_seg(&x, "forwarded message \xe2\x80\xba the message body",
               "Middle text");
    expect_seg(&x, "forwarded message \xe2\x80\xba forwarded message "
                   "\xe2\x80\xba the subject", "Original note");
    expect_seg(&x, "forwarded message \xe2\x80\xba forwarded message "
                   "\xe2\x80\xba the message body", "Deepest text 999 000 0018");
    /* the top-level subject only, for the practitioner's reply */
    assert_string_equal(x.subject, "Fwd: Fwd: Original note");
    ss_extract_free(&x);
}

/* The streaming hook (ss_segment_fn): each segment handed over once, in
 * order, with its text, as it is read; what it lets go is empty
 * afterwards, except the top-level subject, which the purpose needs. */
typedef struct {
    size_t calls;
    int in_order, saw_deepest;
} seen;

static int let_go(void *arg, const ss_segment *s, size_t index)
{
    seen *v = arg;
    v->in_order += index == v->calls++;
    if (strstr(s->text, "Deepest text 999 000 0018"))
        v->saw_deepest = 1;
    return 1;
}

static void segment_hook_streams(void **state)
{
    (void)state;
    ss_extract_limits lim = SS_EXTRACT_LIMITS_DEFAULT;
    seen v = { 0, 0, 0 };
    lim.on_segment = let_go;
    lim.on_segment_arg = &v;
    ss_extract x;
    extract_file("forwarded.eml", &lim, &x);
    /* three subjects, three bodies, and the From/To display names a
     * reader shows (issue 13: every visible header is a segment) */
    assert_int_equal(x.nsegs, 10);
    assert_int_equal(v.calls, 10);
    assert_int_equal(v.in_order, 10);
    assert_true(v.saw_deepest);
    expect_seg(&x, "the subject", "Fwd: Fwd: Original note");
    for (size_t i = 0; i < x.nsegs; i++)
        if (strcmp(x.segs[i].location, "the subject") != 0) {
            assert_int_equal(x.segs[i].len, 0);
            assert_string_equal(x.segs[i].text, "");
        }
    /* the locations stay, for the reply and the audit record */
    int deepest = 0;
    for (size_t i = 0; i < x.nsegs; i++)
        deepest += !strcmp(x.segs[i].location, "forwarded message \xe2\x80\xba forwarded "
                                               "message \xe2\x80\xba the message body");
    assert_int_equal(deepest, 1);
    ss_extract_free(&x);
}

static void legacy_charsets_to_utf8(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("cp1252.eml", NULL, &x);
    expect_seg(&x, "the message body",
               "Trip costs \xc2\xa3" "12 or \xe2\x82\xac" "20 \xe2\x80\x93 thanks\n");
    ss_extract_free(&x);

    extract_file("latin1.eml", NULL, &x);
    expect_seg(&x, "the message body", "Trip costs \xc2\xa3" "12, caf\xc3\xa9\n");
    ss_extract_free(&x);

    /* no charset and not UTF-8: read as windows-1252 */
    extract_file("no-charset-8bit.eml", NULL, &x);
    expect_seg(&x, "the message body", "Trip costs \xc2\xa3" "12\n");
    ss_extract_free(&x);
}

static void alternative_gives_both(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("alternative.eml", NULL, &x);
    /* the preamble is delivered text too (hostile class "preamble") */
    assert_int_equal(body_segs(&x), 4);
    expect_seg(&x, "the text before the first part",
               "This is a multi-part message in MIME format.");
    expect_seg(&x, "the message body", "Plain: " NHS_DOTTED);
    expect_seg(&x, "the HTML body", "Rich: " NHS_DOTTED);
    assert_string_equal(x.message_id, "alt-7@school.example");
    assert_int_equal(x.nskipped, 0);
    ss_extract_free(&x);
}

static void damaged_pdf_unreadable(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("attachment-pdf.eml", NULL, &x);
    assert_int_equal(x.nskipped, 1);      /* "%PDF-1.4" and nothing more */
    assert_string_equal(x.skipped[0].location, "attachment \"referral.pdf\"");
    assert_int_equal(x.skipped[0].unreadable, 1);
    expect_seg(&x, "the message body", "Please see attached.");
    expect_seg(&x, "the name of attachment \"referral.pdf\"", "referral.pdf");
    ss_extract_free(&x);
}

static void rfc2231_filename(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("rfc2231-filename.eml", NULL, &x);
    assert_int_equal(x.nskipped, 1);
    assert_string_equal(x.skipped[0].location,
                        "attachment \"r\xc3\xa9" "f\xc3\xa9rence \xc2\xa3 notes.docx\"");
    assert_string_equal(x.skipped[0].why, "the archive is damaged and could not be read");
    assert_int_equal(x.skipped[0].unreadable, 1);   /* a 10-byte "docx" */
    ss_extract_free(&x);
}

static void text_attachment_is_read(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("text-attachment.eml", NULL, &x);
    expect_seg(&x, "attachment \"notes.txt\"", "Child NHS " NHS_DOTTED);
    expect_seg(&x, "the message body", "Notes attached.");
    assert_int_equal(x.nskipped, 0);
    ss_extract_free(&x);
}

/* A file name can be an identifier: it is scanned as text, and masked in
 * the location that gets logged. */
static void identifier_in_filename(void **state)
{
    (void)state;
    static const char msg[] =
        "Subject: x\nMIME-Version: 1.0\n"
        "Content-Type: application/pdf\n"
        "Content-Disposition: attachment; filename=\"" NHS_DOTTED " plan 2026.pdf\"\n"
        "\nAAAA\n";
    ss_extract x;
    char err[128];
    assert_int_equal(ss_extract_mem(msg, sizeof msg - 1, NULL, &x, err, sizeof err), 0);
    expect_seg(&x, "the name of attachment \"### ### #### plan 2026.pdf\"",
               NHS_DOTTED " plan 2026.pdf");
    assert_string_equal(x.skipped[0].location,
                        "attachment \"### ### #### plan 2026.pdf\"");
    ss_extract_free(&x);
}

static void encrypted_is_unreadable(void **state)
{
    (void)state;
    static const char msg[] =
        "Subject: sealed\nMIME-Version: 1.0\n"
        "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=e\n\n"
        "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
        "--e\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n"
        "--e--\n";
    ss_extract x;
    char err[128];
    assert_int_equal(ss_extract_mem(msg, sizeof msg - 1, NULL, &x, err, sizeof err), 0);
    assert_int_equal(x.nskipped, 1);
    assert_string_equal(x.skipped[0].location, "part 1 (multipart/encrypted)");
    assert_int_equal(x.skipped[0].unreadable, 1);
    ss_extract_free(&x);
}

static void depth_limit(void **state)
{
    (void)state;
    ss_extract x;
    extract_file("nested-3.eml", NULL, &x);
    expect_seg(&x, "part 2 (text/plain)", "level three");
    ss_extract_free(&x);

    ss_extract_limits lim = SS_EXTRACT_LIMITS_DEFAULT;
    lim.max_depth = 1;
    extract_file("nested-3.eml", &lim, &x);
    expect_seg(&x, "part 1 (text/plain)", "level one");
    assert_int_equal(body_segs(&x), 2);
    assert_int_equal(x.nskipped, 1);
    assert_string_equal(x.skipped[0].location, "part 2 (multipart/mixed)");
    assert_string_equal(x.skipped[0].why, "nested too deeply");
    assert_int_equal(x.skipped[0].unreadable, 1);
    ss_extract_free(&x);
}

static void part_count_limit(void **state)
{
    (void)state;
    ss_extract_limits lim = SS_EXTRACT_LIMITS_DEFAULT;
    lim.max_parts = 3;               /* the multipart itself + two parts */
    ss_extract x;
    extract_file("five-parts.eml", &lim, &x);
    assert_int_equal(body_segs(&x), 3);
    expect_seg(&x, "part 1 (text/plain)", "Part 1");
    expect_seg(&x, "part 2 (text/plain)", "Part 2");
    assert_int_equal(x.nskipped, 1);
    assert_string_equal(x.skipped[0].location, "part 3 (text/plain)");
    assert_string_equal(x.skipped[0].why,
                        "too many parts: this part and all after it were not read");
    assert_int_equal(x.skipped[0].unreadable, 1);
    ss_extract_free(&x);
}

static void text_size_limit(void **state)
{
    (void)state;
    ss_extract_limits lim = SS_EXTRACT_LIMITS_DEFAULT;
    lim.max_text = 10;
    ss_extract x;
    extract_file("base64-body.eml", &lim, &x);
    assert_int_equal(body_segs(&x), 1);                 /* the subject */
    assert_int_equal(x.nskipped, 1);
    assert_string_equal(x.skipped[0].location, "the message body");
    assert_string_equal(x.skipped[0].why, "text part too large");
    assert_int_equal(x.skipped[0].unreadable, 1);
    ss_extract_free(&x);
}

static void assert_same(const ss_extract *a, const ss_extract *b)
{
    assert_int_equal(a->nsegs, b->nsegs);
    for (size_t i = 0; i < a->nsegs; i++) {
        assert_string_equal(a->segs[i].location, b->segs[i].location);
        assert_int_equal(a->segs[i].len, b->segs[i].len);
        assert_memory_equal(a->segs[i].text, b->segs[i].text, a->segs[i].len);
    }
    assert_int_equal(a->nskipped, b->nskipped);
    for (size_t i = 0; i < a->nskipped; i++) {
        assert_string_equal(a->skipped[i].location, b->skipped[i].location);
        assert_string_equal(a->skipped[i].why, b->skipped[i].why);
        assert_int_equal(a->skipped[i].unreadable, b->skipped[i].unreadable);
    }
}

/* The milter's spill file: the fd is positioned at the message start,
 * which need not be offset 0, and is left open. */
static void fd_equals_mem(void **state)
{
    (void)state;
    static const char *files[] = { "alternative.eml", "forwarded.eml",
                                   "attachment-pdf.eml", "cp1252.eml" };
    static const char junk[] = "junk before the message\n";
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        char *msg = load(files[i], &len);
        char tmpl[] = "/tmp/ss-extract-XXXXXX";
        int fd = mkstemp(tmpl);
        assert_true(fd >= 0);
        unlink(tmpl);
        assert_int_equal(write(fd, junk, sizeof junk - 1), (ssize_t)(sizeof junk - 1));
        assert_int_equal(write(fd, msg, len), (ssize_t)len);
        assert_int_equal(lseek(fd, (off_t)(sizeof junk - 1), SEEK_SET),
                         (off_t)(sizeof junk - 1));

        ss_extract a, b;
        char err[128];
        assert_int_equal(ss_extract_mem(msg, len, NULL, &a, err, sizeof err), 0);
        assert_int_equal(ss_extract_fd(fd, NULL, &b, err, sizeof err), 0);
        assert_same(&a, &b);
        if (a.message_id || b.message_id)
            assert_string_equal(a.message_id, b.message_id);
        assert_true(fcntl(fd, F_GETFD) != -1);    /* not closed */
        ss_extract_free(&a);
        ss_extract_free(&b);
        close(fd);
        free(msg);
    }
}

static void garbage_does_not_crash(void **state)
{
    (void)state;
    ss_extract x;
    char err[128] = "";
    assert_int_equal(ss_extract_mem("", 0, NULL, &x, err, sizeof err), -1);
    assert_true(err[0] != '\0');
    err[0] = '\0';
    assert_int_equal(ss_extract_mem("hello world", 11, NULL, &x, err, sizeof err), -1);
    assert_true(err[0] != '\0');

    /* pseudo-random bytes: any outcome but a crash */
    uint32_t seed = 12345;
    char *junk = malloc(65536);
    for (size_t i = 0; i < 65536; i++) {
        seed = seed * 1103515245u + 12345u;
        junk[i] = (char)(seed >> 16);
    }
    if (ss_extract_mem(junk, 65536, NULL, &x, err, sizeof err) == 0)
        ss_extract_free(&x);
    free(junk);

    /* every sample cut short at many lengths: truncated MIME, broken
     * base64, half an encoded-word */
    static const char *files[] = { "forwarded.eml", "rfc2231-filename.eml",
                                   "html-entities.eml", "qp-soft-break.eml" };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len;
        char *msg = load(files[f], &len);
        for (size_t cut = 1; cut < len; cut += 7)
            if (ss_extract_mem(msg, cut, NULL, &x, err, sizeof err) == 0)
                ss_extract_free(&x);
        free(msg);
    }
}

/* Unknown and broken charsets never fail: unknown → windows-1252, bytes
 * invalid in the declared charset → U+FFFD (never dropped). */
static void charset_fallbacks(void **state)
{
    (void)state;
    static const char unknown[] =
        "Subject: x\nContent-Type: text/plain; charset=x-no-such-charset\n\n"
        "\xa3" "5 " NHS_DOTTED "\n";
    static const char bad_utf8[] =
        "Subject: x\nContent-Type: text/plain; charset=utf-8\n\n"
        "943\xff" "476\xc3" "5919\n";
    static const char utf16[] =
        "Subject: x\nContent-Type: text/plain; charset=utf-16le\n"
        "Content-Transfer-Encoding: base64\n\nOQA0ADMAIAA0ADcANgA=\n";
    ss_extract x;
    char err[128];
    assert_int_equal(ss_extract_mem(unknown, sizeof unknown - 1, NULL, &x, err, sizeof err), 0);
    expect_seg(&x, "the message body", "\xc2\xa3" "5 " NHS_DOTTED "\n");
    ss_extract_free(&x);
    assert_int_equal(ss_extract_mem(bad_utf8, sizeof bad_utf8 - 1, NULL, &x, err, sizeof err), 0);
    expect_seg(&x, "the message body",
               "943\xef\xbf\xbd" "476\xef\xbf\xbd" "5919\n");
    ss_extract_free(&x);
    assert_int_equal(ss_extract_mem(utf16, sizeof utf16 - 1, NULL, &x, err, sizeof err), 0);
    expect_seg(&x, "the message body", "943 476");
    ss_extract_free(&x);
}

/* format=flowed soft breaks (a line ending in a space) are joined, so a
 * number wrapped by the mailer reads whole. */
static void flowed_text_is_joined(void **state)
{
    (void)state;
    static const char flowed[] =
        "Subject: x\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n"
        "The number is 943 476 \n5919 and\n"
        "> quoted 943 \n> 476 5919\n"
        "-- \nSam\n";
    static const char delsp[] =
        "Subject: x\nContent-Type: text/plain; format=flowed; delsp=yes\n\n"
        "Child 943 47 \n6 5919\n";
    ss_extract x;
    char err[128];
    assert_int_equal(ss_extract_mem(flowed, sizeof flowed - 1, NULL, &x, err, sizeof err), 0);
    expect_seg(&x, "the message body",
               "The number is " NHS_DOTTED " and\n> quoted " NHS_DOTTED "\n-- \nSam\n");
    ss_extract_free(&x);
    assert_int_equal(ss_extract_mem(delsp, sizeof delsp - 1, NULL, &x, err, sizeof err), 0);
    expect_seg(&x, "the message body", "Child " NHS_DOTTED "\n");
    ss_extract_free(&x);
}

static void *extract_many(void *arg)
{
    const char *msg = arg;
    for (int i = 0; i < 50; i++) {
        ss_extract x;
        char err[128];
        if (ss_extract_mem(msg, strlen(msg), NULL, &x, err, sizeof err) != 0)
            return (void *)1;
        int ok = body_segs(&x) == 4 &&
                 strcmp(x.segs[x.nsegs - 1].text, "Rich: " NHS_DOTTED) == 0;
        ss_extract_free(&x);
        if (!ok)
            return (void *)1;
    }
    return NULL;
}

/* The milter extracts from many threads at once. */
static void threads_share_nothing(void **state)
{
    (void)state;
    size_t len;
    char *msg = load("alternative.eml", &len);
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&t[i], NULL, extract_many, msg), 0);
    for (int i = 0; i < 8; i++) {
        void *r;
        pthread_join(t[i], &r);
        assert_null(r);
    }
    free(msg);
}

/* ---- attachments read through safeshare-extract ------------------------ */

static char *fixture_b64(const char *name)
{
    const char *dir = getenv("SS_TESTDATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/attach/%s", dir ? dir : "tests/data", name);
    gchar *data;
    gsize len;
    if (!g_file_get_contents(path, &data, &len, NULL))
        fail_msg("cannot read %s", path);
    gchar *b64 = g_base64_encode((const guchar *)data, len);
    g_free(data);
    return b64;
}

/* A message with one attachment; wrap puts it inside a forwarded message. */
static void extract_attached(const char *fixture_name, const char *filename,
                             const char *ctype, int wrap, ss_extract *x)
{
    gchar *b64 = fixture_b64(fixture_name);
    gchar *inner = g_strdup_printf(
        "Subject: files\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"in\"\n\n"
        "--in\nContent-Type: text/plain\n\nSee attached.\n"
        "--in\nContent-Type: %s\n"
        "Content-Disposition: attachment; filename=\"%s\"\n"
        "Content-Transfer-Encoding: base64\n\n%s\n--in--\n", ctype, filename, b64);
    gchar *msg = wrap ? g_strdup_printf(
        "Subject: fwd\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"out\"\n\n"
        "--out\nContent-Type: text/plain\n\nForwarding.\n"
        "--out\nContent-Type: message/rfc822\n\n%s\n--out--\n", inner) : g_strdup(inner);
    char err[128];
    if (ss_extract_mem(msg, strlen(msg), NULL, x, err, sizeof err) != 0)
        fail_msg("%s", err);
    g_free(b64);
    g_free(inner);
    g_free(msg);
}

static void docx_attachment(void **state)
{
    (void)state;
    ss_extract x;
    extract_attached("referral.docx", "referral.docx", "application/octet-stream", 0, &x);
    assert_non_null(strstr(seg_at(&x, "attachment \"referral.docx\"")->text,
                           "Child NHS " NHS_DOTTED "\n"));
    expect_seg(&x, "attachment \"referral.docx\" \xe2\x80\xba the header",
               "Header " NHS_DOTTED "\n");
    expect_seg(&x, "attachment \"referral.docx\" \xe2\x80\xba the comments",
               "Check " NHS_DOTTED "\n");
    assert_int_equal(x.nskipped, 0);
    ss_extract_free(&x);
}

static void xlsx_attachment_sheets(void **state)
{
    (void)state;
    ss_extract x;
    extract_attached("pupils.xlsx", "pupils.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 0, &x);
    assert_non_null(strstr(seg_at(&x, "attachment \"pupils.xlsx\" \xe2\x80\xba sheet \"Pupils\"")->text,
                           "Name\tNHS number\t\n"));
    seg_at(&x, "attachment \"pupils.xlsx\" \xe2\x80\xba sheet \"Staff & rooms\"");
    ss_extract_free(&x);
}

static void zip_attachment_nested_docx(void **state)
{
    (void)state;
    ss_extract x;
    extract_attached("case.zip", "case.zip", "application/zip", 0, &x);
    seg_at(&x, "attachment \"case.zip\" \xe2\x80\xba \"notes/referral.docx\"");
    expect_seg(&x, "attachment \"case.zip\" \xe2\x80\xba \"notes/readme.txt\"",
               "Ref " NHS_DOTTED "\n");
    assert_int_equal(x.nskipped, 1);
    assert_string_equal(x.skipped[0].location, "attachment \"case.zip\" \xe2\x80\xba \"photo.png\"");
    assert_int_equal(x.skipped[0].unreadable, 0);
    ss_extract_free(&x);
}

static void forwarded_attachment(void **state)
{
    (void)state;
    ss_extract x;
    extract_attached("notes.odt", "y.odt", "application/vnd.oasis.opendocument.text", 1, &x);
    expect_seg(&x, "forwarded message \xe2\x80\xba attachment \"y.odt\"",
               "NHS " NHS_DOTTED "\nsecond\tline\n");
    ss_extract_free(&x);
}

static void utf16_csv_attachment(void **state)
{
    (void)state;
    ss_extract x;
    extract_attached("utf16le-bom.csv", "pupils.csv", "text/csv", 0, &x);
    expect_seg(&x, "attachment \"pupils.csv\"", "Name,NHS number\nAnn," NHS_DOTTED "\n");
    ss_extract_free(&x);
    extract_attached("utf16le-nobom.csv", "pupils.csv", "application/octet-stream", 0, &x);
    expect_seg(&x, "attachment \"pupils.csv\"", "Name,NHS number\nAnn," NHS_DOTTED "\n");
    ss_extract_free(&x);
}

static void rtf_attachment(void **state)
{
    (void)state;
    ss_extract x;
    extract_attached("letter.rtf", "letter.rtf", "text/rtf", 0, &x);
    assert_non_null(strstr(seg_at(&x, "attachment \"letter.rtf\"")->text,
                           "NHS " NHS_DOTTED " \xe2\x80\x94 done"));
    ss_extract_free(&x);
}

static void encrypted_zip_unreadable(void **state)
{
    (void)state;
    ss_extract x;
    extract_attached("encrypted.zip", "secret.zip", "application/zip", 0, &x);
    assert_int_equal(x.nskipped, 1);
    assert_string_equal(x.skipped[0].location, "attachment \"secret.zip\"");
    assert_string_equal(x.skipped[0].why, "the archive is password-protected");
    assert_int_equal(x.skipped[0].unreadable, 1);
    ss_extract_free(&x);
}

static void zip_bomb_attachment(void **state)
{
    (void)state;
    ss_extract_limits lim = SS_EXTRACT_LIMITS_DEFAULT;
    lim.attach.max_archive_bytes = 1u << 20;
    gchar *b64 = fixture_b64("bomb.zip");
    gchar *msg = g_strdup_printf(
        "Subject: x\nMIME-Version: 1.0\nContent-Type: application/zip\n"
        "Content-Disposition: attachment; filename=\"bomb.zip\"\n"
        "Content-Transfer-Encoding: base64\n\n%s\n", b64);
    ss_extract x;
    char err[128];
    assert_int_equal(ss_extract_mem(msg, strlen(msg), &lim, &x, err, sizeof err), 0);
    assert_int_equal(x.nskipped, 1);
    assert_string_equal(x.skipped[0].why, "the archive expands to more than 1 MB");
    assert_int_equal(x.skipped[0].unreadable, 1);
    ss_extract_free(&x);
    g_free(b64);
    g_free(msg);
}

static void crashing_worker_unreadable(void **state)
{
    (void)state;
    char fake[1024];
    const char *src = getenv("SS_SRCDIR");
    snprintf(fake, sizeof fake, "%s/tests/unit/reader/fake-worker.sh", src ? src : ".");
    ss_extract_limits lim = SS_EXTRACT_LIMITS_DEFAULT;
    lim.worker = fake;
    gchar *b64 = fixture_b64("referral.docx");
    gchar *msg = g_strdup_printf(
        "Subject: x\nMIME-Version: 1.0\nContent-Type: application/octet-stream\n"
        "Content-Disposition: attachment; filename=\"crash.docx\"\n"
        "Content-Transfer-Encoding: base64\n\n%s\n", b64);
    ss_extract x;
    char err[128];
    assert_int_equal(ss_extract_mem(msg, strlen(msg), &lim, &x, err, sizeof err), 0);
    assert_int_equal(x.nskipped, 1);
    assert_string_equal(x.skipped[0].location, "attachment \"crash.docx\"");
    assert_string_equal(x.skipped[0].why,
                        "the attachment could not be read safely (the reader crashed)");
    assert_int_equal(x.skipped[0].unreadable, 1);
    expect_seg(&x, "the subject", "x");           /* and the caller carried on */
    ss_extract_free(&x);
    g_free(b64);
    g_free(msg);
}

/* The release header values a file carries, as the MTA would hand them
 * to the milter: every one in the top header block, in order, trimmed;
 * none from the body or from an attached message. */
static void header_values_in_order(void **state)
{
    (void)state;
    const char *m = "Received: by mx\r\nX-Safeshare-Release:  v1.A.1 \r\n"
                    "Subject: s\r\nx-safeshare-release: v1.B.2\r\n\r\n"
                    "X-Safeshare-Release: in the body\r\n";
    char **v = NULL;
    size_t n = ss_header_values(m, strlen(m), "X-Safeshare-Release", 4, &v);
    assert_int_equal(n, 2);
    assert_string_equal(v[0], "v1.A.1");
    assert_string_equal(v[1], "v1.B.2");
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    assert_int_equal(ss_header_values(m, strlen(m), "X-Safeshare-Release", 1, &v), 1);
    free(v[0]);
    free(v);
    assert_int_equal(ss_header_values("not a message", 13, "Subject", 4, &v), 0);
    free(v);
}

int main(void)
{
    /* attachments are read by the worker built beside this test */
    char worker[1024];
    const char *b = getenv("SS_BUILDDIR");
    snprintf(worker, sizeof worker, "%s/reader/safeshare-extract", b ? b : ".");
    setenv("SAFESHARE_EXTRACT", worker, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_values_in_order),
        cmocka_unit_test(qp_soft_break_inside_number),
        cmocka_unit_test(qp_with_crlf),
        cmocka_unit_test(base64_body),
        cmocka_unit_test(html_tags_and_entities),
        cmocka_unit_test(subject_rfc2047),
        cmocka_unit_test(nested_forwarded_messages),
        cmocka_unit_test(segment_hook_streams),
        cmocka_unit_test(legacy_charsets_to_utf8),
        cmocka_unit_test(alternative_gives_both),
        cmocka_unit_test(damaged_pdf_unreadable),
        cmocka_unit_test(rfc2231_filename),
        cmocka_unit_test(text_attachment_is_read),
        cmocka_unit_test(identifier_in_filename),
        cmocka_unit_test(encrypted_is_unreadable),
        cmocka_unit_test(depth_limit),
        cmocka_unit_test(part_count_limit),
        cmocka_unit_test(text_size_limit),
        cmocka_unit_test(fd_equals_mem),
        cmocka_unit_test(garbage_does_not_crash),
        cmocka_unit_test(charset_fallbacks),
        cmocka_unit_test(flowed_text_is_joined),
        cmocka_unit_test(threads_share_nothing),
        cmocka_unit_test(docx_attachment),
        cmocka_unit_test(xlsx_attachment_sheets),
        cmocka_unit_test(zip_attachment_nested_docx),
        cmocka_unit_test(forwarded_attachment),
        cmocka_unit_test(utf16_csv_attachment),
        cmocka_unit_test(rtf_attachment),
        cmocka_unit_test(encrypted_zip_unreadable),
        cmocka_unit_test(zip_bomb_attachment),
        cmocka_unit_test(crashing_worker_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
