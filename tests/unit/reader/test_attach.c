/* Attachment readers, in process: each format's text and locations, and
 * the hostile cases (zip bomb, encryption, damage, nesting). Fixtures are
 * made by tests/data/attach/make_fixtures.py. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "attach_test_util.h"
#include "reader/fmt_int.h"

static void read_fixture(const char *name, const ss_attach_limits *lim,
                         collected *c)
{
    static const ss_attach_limits defaults = SS_ATTACH_LIMITS_DEFAULT;
    ssx_out o;
    col_init(&o, c);
    size_t len;
    unsigned char *data = fixture(name, &len);
    ssx_read_any(data, len, "", name, NULL, lim ? lim : &defaults, 0, &o);
    free(data);
}

static void docx_runs_header_comment(void **state)
{
    (void)state;
    collected c;
    read_fixture("referral.docx", NULL, &c);
    const char *body = col_seg(&c, "");
    assert_non_null(strstr(body, "Child NHS " NHS_DOTTED "\n"));
    assert_null(strstr(body, "9990000018"));          /* field code, not text */
    assert_null(strstr(body, "943476"));              /* cells never join */
    assert_non_null(strstr(body, "Fish & chips \xc2\xa3" "5"));
    assert_string_equal(col_seg(&c, "the header"), "Header " NHS_DOTTED "\n");
    assert_string_equal(col_seg(&c, "the footer"), "OFFICIAL-SENSITIVE\n");
    assert_string_equal(col_seg(&c, "the comments"), "Check " NHS_DOTTED "\n");
    assert_int_equal(c.ntext, 4);
    assert_int_equal(c.nskip, 0);
    col_free(&c);
}

/* Found by fuzz_docx and fuzz_pptx: an empty input (or a ZIP with none
 * of the parts wanted) sorted a NULL entry list, which UBSan reports; it
 * is unreadable, and nothing more. */
static void ooxml_empty_is_unreadable(void **state)
{
    (void)state;
    static const ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    static const unsigned char empty_zip[22] = { 'P', 'K', 5, 6 };
    ssx_reader *readers[] = { ssx_read_docx, ssx_read_pptx, ssx_read_xlsx };
    for (size_t i = 0; i < sizeof readers / sizeof *readers; i++) {
        collected c;
        ssx_out o;
        col_init(&o, &c);
        assert_int_equal(readers[i]((const unsigned char *)"", 0, "", &lim, 0, &o), -1);
        readers[i](empty_zip, sizeof empty_zip, "", &lim, 0, &o);
        assert_int_equal(c.ntext, 0);
        assert_true(c.nskip >= 1);
        col_free(&c);
    }
}

static void xlsx_sheets_rows_cells(void **state)
{
    (void)state;
    collected c;
    read_fixture("pupils.xlsx", NULL, &c);
    assert_string_equal(col_seg(&c, "sheet \"Pupils\""),
                        "Name\tNHS number\t\nAnn\t9434765919\t\t" NHS_DOTTED "\t3\t\n");
    assert_string_equal(col_seg(&c, "sheet \"Staff & rooms\""), "Room\t12\t\n");
    assert_int_equal(c.ntext, 2);
    assert_string_equal(c.sub[0], "sheet \"Pupils\"");   /* workbook order */
    assert_int_equal(c.nskip, 0);
    col_free(&c);
}

static void pptx_slides_in_order(void **state)
{
    (void)state;
    collected c;
    read_fixture("deck.pptx", NULL, &c);
    assert_int_equal(c.ntext, 3);
    assert_string_equal(c.sub[0], "slide 2");
    assert_string_equal(c.text[0], "Slide two " NHS_DOTTED "\n");
    assert_string_equal(c.sub[1], "slide 10");
    assert_string_equal(c.sub[2], "the speaker notes");
    col_free(&c);
}

static void odt_body_and_header(void **state)
{
    (void)state;
    collected c;
    read_fixture("notes.odt", NULL, &c);
    assert_string_equal(col_seg(&c, ""), "NHS " NHS_DOTTED "\nsecond\tline\n");
    assert_string_equal(col_seg(&c, "the header or footer"), "Header " NHS_DOTTED "\n");
    col_free(&c);
}

static void ods_each_table(void **state)
{
    (void)state;
    collected c;
    read_fixture("pupils.ods", NULL, &c);
    assert_string_equal(col_seg(&c, "sheet \"Pupils\""),
                        "Name\tNHS number\t\nAnn\t\t\t" NHS_DOTTED "\t\n");
    assert_string_equal(col_seg(&c, "sheet \"Other\""), "x\t\n");
    assert_int_equal(c.ntext, 2);
    col_free(&c);
}

static void rtf_escapes(void **state)
{
    (void)state;
    collected c;
    read_fixture("letter.rtf", NULL, &c);
    assert_int_equal(c.ntext, 1);
    assert_string_equal(c.text[0], "Fee \xc2\xa3 5\nNHS " NHS_DOTTED
                        " \xe2\x80\x94 done\nlink943\t476\t\n");
    col_free(&c);
}

static void csv_utf16(void **state)
{
    (void)state;
    static const char *files[] = { "utf16le-bom.csv", "utf16le-nobom.csv" };
    for (size_t i = 0; i < 2; i++) {
        collected c;
        read_fixture(files[i], NULL, &c);
        assert_int_equal(c.ntext, 1);
        assert_string_equal(c.text[0], "Name,NHS number\nAnn," NHS_DOTTED "\n");
        col_free(&c);
    }
}

static void zip_recurses_with_locations(void **state)
{
    (void)state;
    collected c;
    read_fixture("case.zip", NULL, &c);
    assert_non_null(strstr(col_seg(&c, "\"notes/referral.docx\""), NHS_DOTTED));
    assert_string_equal(col_seg(&c, "\"notes/referral.docx\" \xe2\x80\xba the header"),
                        "Header " NHS_DOTTED "\n");
    assert_string_equal(col_seg(&c, "\"notes/readme.txt\""), "Ref " NHS_DOTTED "\n");
    assert_int_equal(c.nskip, 1);
    assert_string_equal(c.ssub[0], "\"photo.png\"");
    assert_string_equal(c.why[0], "this kind of file is not read (image/png)");
    assert_int_equal(c.unreadable[0], 0);
    col_free(&c);
}

static void zip_bomb_stops(void **state)
{
    (void)state;
    ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    lim.max_archive_bytes = 1u << 20;
    collected c;
    read_fixture("bomb.zip", &lim, &c);
    assert_int_equal(c.ntext, 0);
    assert_int_equal(c.nskip, 1);
    assert_string_equal(c.why[0], "the archive expands to more than 1 MB");
    assert_int_equal(c.unreadable[0], 1);
    col_free(&c);

    lim = (ss_attach_limits)SS_ATTACH_LIMITS_DEFAULT;
    lim.max_total_bytes = 2u << 20;
    read_fixture("bomb.zip", &lim, &c);
    assert_string_equal(c.why[0], "the message's attachments expand to more than 2 MB in all");
    col_free(&c);
}

static void zip_encrypted(void **state)
{
    (void)state;
    collected c;
    read_fixture("encrypted.zip", NULL, &c);
    assert_int_equal(c.ntext, 0);
    assert_int_equal(c.nskip, 1);
    assert_string_equal(c.ssub[0], "");
    assert_string_equal(c.why[0], "the archive is password-protected");
    assert_int_equal(c.unreadable[0], 1);
    col_free(&c);
}

static void zip_corrupt(void **state)
{
    (void)state;
    collected c;
    read_fixture("corrupt.zip", NULL, &c);
    assert_true(c.nskip >= 1);
    assert_string_equal(c.why[c.nskip - 1], "the archive is damaged and could not be read");
    assert_int_equal(c.unreadable[c.nskip - 1], 1);
    col_free(&c);
}

static void zip_depth_and_entries(void **state)
{
    (void)state;
    ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    lim.max_archive_depth = 2;
    collected c;
    read_fixture("nested.zip", &lim, &c);
    assert_int_equal(c.ntext, 0);
    assert_int_equal(c.nskip, 1);
    assert_string_equal(c.ssub[0], "\"inner.zip\" \xe2\x80\xba \"deep.zip\" \xe2\x80\xba \"deeper.zip\"");
    assert_string_equal(c.why[0], "archives are nested too deeply");
    col_free(&c);

    read_fixture("nested.zip", NULL, &c);              /* depth 3 is allowed */
    assert_int_equal(c.ntext, 1);
    assert_string_equal(c.text[0], "deep");
    col_free(&c);

    lim = (ss_attach_limits)SS_ATTACH_LIMITS_DEFAULT;
    lim.max_entries = 2;
    read_fixture("case.zip", &lim, &c);
    assert_string_equal(c.why[c.nskip - 1], "the archive holds more than 2 files");
    col_free(&c);
}

static void sniff_by_magic_then_type_then_name(void **state)
{
    (void)state;
    const unsigned char pdf[] = "%PDF-1.4", zip[] = "PK\x03\x04", png[] = "\x89PNG..";
    const unsigned char txt[] = "hello", bin[] = "a\x01\x02\x03";
    assert_int_equal(ssx_sniff(zip, 4, "image/jpeg", "photo.jpg"), SSX_ZIP);
    assert_int_equal(ssx_sniff(pdf, 8, NULL, NULL), SSX_PDF);
    assert_int_equal(ssx_sniff(png, 6, "application/octet-stream", "x.csv"), SSX_OTHER);
    assert_int_equal(ssx_sniff(txt, 5, "text/csv", NULL), SSX_TEXT);
    assert_int_equal(ssx_sniff(txt, 5, "application/octet-stream", "pupils.csv"), SSX_TEXT);
    assert_int_equal(ssx_sniff(txt, 5, "application/pdf", NULL), SSX_PDF);
    assert_int_equal(ssx_sniff(bin, 4, NULL, "x.bin"), SSX_OTHER);
    assert_int_equal(ssx_sniff(txt, 0, NULL, NULL), SSX_EMPTY);
}

static int msg_like(const char *s)
{
    return ssx_looks_like_message((const unsigned char *)s, strlen(s));
}

static void saved_messages_recognised(void **state)
{
    (void)state;
    assert_true(msg_like("From: a@b\nTo: c@d\nSubject: x\n\nbody"));
    assert_true(msg_like("Received: from x\r\n\tby y\r\nDate: Mon\r\n"
                         "Subject: s\r\n\r\n"));
    assert_true(msg_like("From a@b Mon Sep  1 09:00:00 2025\nFrom: a@b\n"
                         "Message-ID: <x@y>\n\n"));
    /* fields, but none every mailer writes, or only one */
    assert_false(msg_like("Name: Ann\nNHS: 943 476 5919\n\nnotes"));
    assert_false(msg_like("Subject: x\nTo: y\n\nno sender or date"));
    assert_false(msg_like("From: a@b\n\nonly one field"));
    /* prose, a continuation first, no blank line */
    assert_false(msg_like("Dear parent, From: me\nDate: today\n\n"));
    assert_false(msg_like(" From: a@b\nDate: x\n\n"));
    assert_false(msg_like("From: a@b\nDate: x\nSubject: y"));
    assert_false(msg_like(""));
}

static void unknown_binary_not_read(void **state)
{
    (void)state;
    const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0";
    static const ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    collected c;
    ssx_out o;
    col_init(&o, &c);
    ssx_read_any(png, sizeof png, "", "photo.png", "image/png", &lim, 0, &o);
    assert_int_equal(c.nskip, 1);
    assert_string_equal(c.why[0], "this kind of file is not read (image/png)");
    assert_int_equal(c.unreadable[0], 0);
    col_free(&c);
}

/* Anything else that is not read may hold text: fail closed. */
static void unknown_nonmedia_unreadable(void **state)
{
    (void)state;
    const unsigned char bin[] = "\x7f\x01\x02\x03\x04\x05\x06\x07\x00\x00binary";
    static const ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    collected c;
    ssx_out o;
    col_init(&o, &c);
    ssx_read_any(bin, sizeof bin, "", "data.bin", "application/octet-stream", &lim, 0, &o);
    assert_int_equal(c.nskip, 1);
    assert_int_equal(c.unreadable[0], 1);
    col_free(&c);
    assert_true(ssx_media_only((const unsigned char *)"ID3\x03", 4, NULL));
    assert_true(ssx_media_only(bin, sizeof bin, "video/mp4"));
    assert_false(ssx_media_only(bin, sizeof bin, "application/x-foo"));
}

/* hostile class "tnef": winmail.dat's bodies and files, recursively */
static void tnef_bodies_and_attachments(void **state)
{
    (void)state;
    collected c;
    read_fixture("winmail.dat", NULL, &c);
    assert_string_equal(col_seg(&c, "the subject"), "Notes");
    assert_string_equal(col_seg(&c, "the message body"), "Pupil: Jamie Smith, " NHS_DOTTED ".");
    assert_non_null(strstr(col_seg(&c, "\"pupils.csv\""), "Jamie Smith," NHS_DOTTED));
    assert_string_equal(col_seg(&c, "\"pupils.csv\" \xe2\x80\xba the file name"), "pupils.csv");
    /* a winmail.dat inside: read as one */
    assert_string_equal(col_seg(&c, "\"inner.dat\" \xe2\x80\xba \"inner.txt\""),
                        "inner " NHS_DOTTED);
    assert_int_equal(c.nskip, 0);
    col_free(&c);

    read_fixture("winmail-unicode.dat", NULL, &c);
    assert_string_equal(col_seg(&c, "the message body"), "Pupil: Jamie Smith, " NHS_DOTTED ".");
    col_free(&c);

    /* damaged: unreadable, never silence */
    static const ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    ssx_out o;
    col_init(&o, &c);
    const unsigned char bad[] = "not a TNEF stream at all";   /* typed ms-tnef */
    ssx_read_any(bad, sizeof bad - 1, "", "winmail.dat", "application/ms-tnef", &lim, 0, &o);
    assert_int_equal(c.nskip, 1);
    assert_int_equal(c.unreadable[0], 1);
    col_free(&c);
}

/* hostile class "xlsx": numbers as Excel shows them */
static void xlsx_dates_and_numbers(void **state)
{
    (void)state;
    collected c;
    read_fixture("dates.xlsx", NULL, &c);
    assert_string_equal(col_seg(&c, "sheet \"Pupils\""),
                        "Name\tDate of birth\tBorn\tReference\tRef 2\t\n"
                        "Jamie Smith\t04/03/2015\t04/03/2015\t9434765919\t" NHS_DOTTED "\t\n");
    col_free(&c);
}

/* libFuzzer + UBSan: qsort(NULL, 0, ...) when a DOCX or PPTX holds none
 * of the parts its reader wants. */
static void ooxml_without_wanted_parts(void **state)
{
    (void)state;
    static const ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    size_t len;
    unsigned char *data = fixture("empty.docx", &len);
    collected c;
    ssx_out o;
    col_init(&o, &c);
    assert_int_equal(ssx_read_docx(data, len, "", &lim, 0, &o), 0);
    assert_int_equal(ssx_read_pptx(data, len, "", &lim, 0, &o), 0);
    assert_int_equal(c.ntext, 0);
    col_free(&c);
    free(data);
}

static void xml_entities_and_cdata(void **state)
{
    (void)state;
    const char *x = "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'boom'>]>"
                    "<a><!-- 999 --><b>&#57;&#x34;3 &e; &lt;</b><![CDATA[ 476<]]></a>";
    static const char *const nl[] = { "b", NULL };
    ssx_xml_rules r = { NULL, nl, NULL, NULL };
    ss_buf b = SS_BUF_INIT;
    ssx_xml_text(x, strlen(x), &r, &b);
    assert_string_equal(b.p, "943 &e; <\n 476<");
    ss_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(docx_runs_header_comment),
        cmocka_unit_test(ooxml_empty_is_unreadable),
        cmocka_unit_test(xlsx_sheets_rows_cells),
        cmocka_unit_test(pptx_slides_in_order),
        cmocka_unit_test(odt_body_and_header),
        cmocka_unit_test(ods_each_table),
        cmocka_unit_test(rtf_escapes),
        cmocka_unit_test(csv_utf16),
        cmocka_unit_test(zip_recurses_with_locations),
        cmocka_unit_test(zip_bomb_stops),
        cmocka_unit_test(zip_encrypted),
        cmocka_unit_test(zip_corrupt),
        cmocka_unit_test(zip_depth_and_entries),
        cmocka_unit_test(sniff_by_magic_then_type_then_name),
        cmocka_unit_test(saved_messages_recognised),
        cmocka_unit_test(unknown_binary_not_read),
        cmocka_unit_test(xml_entities_and_cdata),
        cmocka_unit_test(unknown_nonmedia_unreadable),
        cmocka_unit_test(tnef_bodies_and_attachments),
        cmocka_unit_test(xlsx_dates_and_numbers),
        cmocka_unit_test(ooxml_without_wanted_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
