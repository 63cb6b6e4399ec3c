/* PDF reader: page text with per-page locations, and every PDF we cannot
 * read reported unreadable with a reason a practitioner understands.
 * Fixtures are written by tests/data/pdf/make_pdfs.py; the only
 * identifier in them is 943 476 5919, from the NHS test range. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/reader.h"

#define MAXREC 16

typedef struct {
    ssx_out out;
    int ntext, nskip;
    char *text_sub[MAXREC], *text[MAXREC];
    char *skip_sub[MAXREC], *skip_why[MAXREC];
    int skip_unreadable[MAXREC];
} recorder;

static void rec_text(ssx_out *o, const char *sub, const char *utf8, size_t len)
{
    recorder *r = o->ctx;
    if (r->ntext >= MAXREC)
        fail_msg("too many text segments");
    r->text_sub[r->ntext] = strdup(sub);
    r->text[r->ntext] = strndup(utf8, len);
    r->ntext++;
}

static void rec_skip(ssx_out *o, const char *sub, const char *why, int unreadable)
{
    recorder *r = o->ctx;
    if (r->nskip >= MAXREC)
        fail_msg("too many skips");
    r->skip_sub[r->nskip] = strdup(sub);
    r->skip_why[r->nskip] = strdup(why);
    r->skip_unreadable[r->nskip] = unreadable;
    r->nskip++;
}

static void rec_init(recorder *r)
{
    memset(r, 0, sizeof *r);
    r->out.text = rec_text;
    r->out.skip = rec_skip;
    r->out.ctx = r;
}

static void rec_free(recorder *r)
{
    for (int i = 0; i < r->ntext; i++) {
        free(r->text_sub[i]);
        free(r->text[i]);
    }
    for (int i = 0; i < r->nskip; i++) {
        free(r->skip_sub[i]);
        free(r->skip_why[i]);
    }
}

static unsigned char *load(const char *name, size_t *len)
{
    const char *dir = getenv("SS_TESTDATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/pdf/%s", dir ? dir : "tests/data", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (is SS_TESTDATA set?)", path);
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        cap += 4096;
        buf = realloc(buf, cap);
        assert_non_null(buf);
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

static int read_with(const char *name, const char *sub,
                     const ss_attach_limits *lim, recorder *r)
{
    size_t len;
    unsigned char *data = load(name, &len);
    rec_init(r);
    int rc = ssx_read_pdf(data, len, sub, lim, 0, &r->out);
    free(data);
    return rc;
}

static int read_pdf(const char *name, recorder *r)
{
    static const ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    return read_with(name, "", &lim, r);
}

/* The number's digits in order, groups separated by at most one space:
 * what the NHS detector needs to see. */
static int has_number(const char *text)
{
    static const char *const groups[] = { "9434765919", "943 4765919",
        "9434 765919", "943 476 5919", "943476 5919", "9434765 919",
        "943 4765 919", "9434 765 919" };
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
        if (strstr(text, groups[i]))
            return 1;
    return 0;
}

static void one_page(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("one_page.pdf", &r), 0);
    assert_int_equal(r.ntext, 1);
    assert_int_equal(r.nskip, 0);
    assert_string_equal(r.text_sub[0], "page 1");
    assert_true(has_number(r.text[0]));
    assert_non_null(strstr(r.text[0], "Referral for a pupil"));
    assert_int_equal(r.out.total, strlen(r.text[0]));
    rec_free(&r);
}

static void number_on_page_two(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("two_pages.pdf", &r), 0);
    assert_int_equal(r.ntext, 2);
    assert_string_equal(r.text_sub[0], "page 1");
    assert_string_equal(r.text_sub[1], "page 2");
    assert_false(has_number(r.text[0]));
    assert_true(has_number(r.text[1]));
    rec_free(&r);
}

static void page_inside_an_archive(void **state)
{
    static const ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    recorder r;
    assert_int_equal(read_with("two_pages.pdf", "\"referral.pdf\"", &lim, &r), 0);
    assert_string_equal(r.text_sub[1], "\"referral.pdf\" › page 2");
    rec_free(&r);
}

static void number_split_across_show_text(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("split_tj.pdf", &r), 0);
    assert_int_equal(r.ntext, 1);
    assert_true(has_number(r.text[0]));
    rec_free(&r);
}

static void password_protected(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("encrypted.pdf", &r), -1);
    assert_int_equal(r.ntext, 0);
    assert_int_equal(r.nskip, 1);
    assert_string_equal(r.skip_sub[0], "");
    assert_string_equal(r.skip_why[0], "the PDF is password-protected");
    assert_int_equal(r.skip_unreadable[0], 1);
    rec_free(&r);
}

/* Encrypted only to restrict printing or copying: opens without a
 * password, so it is read like any other PDF. */
static void restricted_but_open(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("restricted.pdf", &r), 0);
    assert_int_equal(r.nskip, 0);
    assert_int_equal(r.ntext, 1);
    assert_true(has_number(r.text[0]));
    rec_free(&r);
}

static void expect_damaged(const char *name)
{
    recorder r;
    assert_int_equal(read_pdf(name, &r), -1);
    assert_int_equal(r.ntext, 0);
    assert_int_equal(r.nskip, 1);
    assert_string_equal(r.skip_why[0], "the PDF is damaged and could not be read");
    assert_int_equal(r.skip_unreadable[0], 1);
    rec_free(&r);
}

static void truncated(void **state) { expect_damaged("truncated.pdf"); }
static void damaged(void **state) { expect_damaged("damaged.pdf"); }

static void empty_input(void **state)
{
    static const ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    recorder r;
    rec_init(&r);
    assert_int_equal(ssx_read_pdf((const unsigned char *)"", 0, "", &lim, 0, &r.out), -1);
    assert_int_equal(r.nskip, 1);
    assert_int_equal(r.skip_unreadable[0], 1);
    rec_free(&r);
}

static void scanned(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("image_only.pdf", &r), -1);
    assert_int_equal(r.ntext, 0);
    assert_int_equal(r.nskip, 1);
    assert_string_equal(r.skip_sub[0], "");
    assert_string_equal(r.skip_why[0],
                        "the PDF holds no text (it may be a scanned image)");
    assert_int_equal(r.skip_unreadable[0], 1);
    rec_free(&r);
}

/* A typed covering letter in front of a scanned form: the letter is read
 * and the scanned page is reported, not passed. */
static void scanned_page_after_text(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("text_then_scan.pdf", &r), 0);
    assert_int_equal(r.ntext, 1);
    assert_string_equal(r.text_sub[0], "page 1");
    assert_int_equal(r.nskip, 1);
    assert_string_equal(r.skip_sub[0], "page 2");
    assert_non_null(strstr(r.skip_why[0], "scanned page"));
    assert_int_equal(r.skip_unreadable[0], 1);
    rec_free(&r);
}

static void blank_page_is_not_a_scan(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("blank_middle.pdf", &r), 0);
    assert_int_equal(r.nskip, 0);
    assert_int_equal(r.ntext, 2);
    assert_string_equal(r.text_sub[1], "page 3");
    assert_true(has_number(r.text[1]));
    rec_free(&r);
}

static void form_field_value(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("form.pdf", &r), 0);
    assert_int_equal(r.ntext, 1);
    assert_non_null(strstr(r.text[0], "Child's details"));
    assert_non_null(strstr(r.text[0], "nhs_number: "));
    assert_true(has_number(r.text[0]));
    rec_free(&r);
}

static void comment_text(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("comment.pdf", &r), 0);
    assert_int_equal(r.ntext, 1);
    assert_int_equal(r.nskip, 0);
    assert_non_null(strstr(r.text[0], "Please see my note"));
    assert_non_null(strstr(r.text[0], "comment: NHS no. "));
    assert_true(has_number(r.text[0]));
    rec_free(&r);
}

static void embedded_file_reported(void **state)
{
    recorder r;
    assert_int_equal(read_pdf("embedded.pdf", &r), 0);
    assert_int_equal(r.ntext, 1);
    assert_int_equal(r.nskip, 1);
    assert_non_null(strstr(r.skip_why[0], "files attached inside it"));
    assert_int_equal(r.skip_unreadable[0], 1);
    rec_free(&r);
}

static void text_over_the_limit(void **state)
{
    ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    recorder r;
    lim.max_total_bytes = 30;   /* page 1 fits, page 2 does not */
    assert_int_equal(read_with("two_pages.pdf", "", &lim, &r), -1);
    assert_int_equal(r.ntext, 1);
    assert_int_equal(r.nskip, 1);
    assert_string_equal(r.skip_why[0], "the PDF's text is larger than the limit");
    assert_int_equal(r.skip_unreadable[0], 1);
    assert_true(r.out.total <= lim.max_total_bytes);
    rec_free(&r);
}

/* The limit counts the whole attachment tree: bytes already read from the
 * archive this PDF sits in count too. */
static void limit_shared_with_the_archive(void **state)
{
    ss_attach_limits lim = SS_ATTACH_LIMITS_DEFAULT;
    recorder r;
    size_t len;
    unsigned char *data = load("one_page.pdf", &len);
    lim.max_total_bytes = 1000;
    rec_init(&r);
    r.out.total = 990;
    assert_int_equal(ssx_read_pdf(data, len, "", &lim, 1, &r.out), -1);
    assert_int_equal(r.ntext, 0);
    assert_string_equal(r.skip_why[0], "the PDF's text is larger than the limit");
    free(data);
    rec_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_page),
        cmocka_unit_test(number_on_page_two),
        cmocka_unit_test(page_inside_an_archive),
        cmocka_unit_test(number_split_across_show_text),
        cmocka_unit_test(password_protected),
        cmocka_unit_test(restricted_but_open),
        cmocka_unit_test(truncated),
        cmocka_unit_test(damaged),
        cmocka_unit_test(empty_input),
        cmocka_unit_test(scanned),
        cmocka_unit_test(scanned_page_after_text),
        cmocka_unit_test(blank_page_is_not_a_scan),
        cmocka_unit_test(form_field_value),
        cmocka_unit_test(comment_text),
        cmocka_unit_test(embedded_file_reported),
        cmocka_unit_test(text_over_the_limit),
        cmocka_unit_test(limit_shared_with_the_archive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
