/* Table rules (spec §10, §7.5, §2) on the reference date 2025-09-01: a
 * column header or a cell of the row counts as a keyword, a DOB-headed
 * column labels its dates, a CHI-headed column gets its leading zero back.
 * And the negatives: other columns, prose, ragged files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "base/buf.h"
#include "detect_test_util.h"

static size_t count_in(const ss_findings *f, ss_type t)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += f->v[i].type == t;
    return n;
}

static void scan(const char *s, size_t len, ss_findings *f)
{
    ss_detect_opts o = test_opts();
    memset(f, 0, sizeof *f);
    ss_detect_segment(s, len, 0, &o, f);
}

/* header, then filler rows pushing the last row past the 300-character
 * keyword window, then last */
static void far_table(ss_buf *b, const char *header, const char *filler, const char *last)
{
    ss_buf_adds(b, header);
    for (int i = 0; i < 20; i++)
        ss_buf_adds(b, filler);
    ss_buf_adds(b, last);
}

static void dob_column_csv(void **state)
{
    (void)state;
    ss_findings f;
    const char *csv = "Pupil,Year group,DOB\nNoah Hughes,Year 1,20/10/2011\n";
    const ss_finding *x = test_one(SS_T_DOB_CHILD, csv, &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_MEDIUM);   /* "DOB column header only" */
    assert_true(test_value_is(x, "2011-10-20"));
    assert_int_equal(x->off, strlen("Pupil,Year group,DOB\nNoah Hughes,Year 1,"));
    assert_int_equal(x->len, 10);
    assert_string_equal(x->redacted, "**/**/**** (age 13)");
    ss_findings_free(&f);

    /* quoted, CRLF, a comma inside a quoted name */
    x = test_one(SS_T_DOB_CHILD,
                 "\"Pupil\",\"Date of birth\"\r\n\"Begum, Poppy\",\"07/03/2020\"\r\n", &f);
    assert_non_null(x);
    assert_true(test_value_is(x, "2020-03-07"));
    ss_findings_free(&f);
}

static void dob_column_sheet(void **state)
{
    (void)state;
    static const char *const headers[] = {
        "DOB", "Date of birth", "D.O.B", "D.O.B.", "Birth date", "birthdate",
        "Date of Birth (dd/mm/yyyy)", "Pupil DOB", "DOB:",
    };
    for (size_t i = 0; i < sizeof headers / sizeof *headers; i++) {
        char seg[256];
        snprintf(seg, sizeof seg,
                 "Pupil\tYear group\t%s\t\nAmelia Doherty\tYear 11\t17/02/2010\t\n"
                 "Theo Evans\tYear 8\t25/05/2011\t\n", headers[i]);
        assert_int_equal(test_count(SS_T_DOB_CHILD, seg), 2);
    }
    /* every date form of §7.2 fills a cell */
    assert_int_equal(test_count(SS_T_DOB_CHILD,
                                "Name\tDOB\nA\t2013-06-30\nB\t3rd March 2016\n"
                                "C\tMarch 3, 2016\nD\t05/11/12\n"), 4);
    /* a date with midnight, as exports and Excel's ISO cells write it */
    assert_int_equal(test_count(SS_T_DOB_CHILD,
                                "Name,DOB\nA,2013-06-30T00:00:00\nB,2013-06-30 00:00\n"
                                "C,2013-06-30T00:00:00.000Z\nD,2013-06-30T10:00:00\n"
                                "E,2013-06-30T00:00:00.0001\n"), 3);
}

static void dob_column_negatives(void **state)
{
    (void)state;
    /* adults and future dates in a DOB column */
    assert_int_equal(test_count(SS_T_DOB_CHILD,
                                "Volunteer\tDate of birth\t\nLeo Okafor\t07/07/1962\t\n"
                                "Ava Reid\t01/09/2007\t\nMia Byrne\t02/09/2025\t\n"), 0);
    /* a date in another column while a DOB column exists */
    assert_int_equal(test_count(SS_T_DOB_CHILD,
                                "Name,DOB,Start date\nJane,unknown,01/09/2015\n"), 0);
    /* a header that names something else about the DOB */
    assert_int_equal(test_count(SS_T_DOB_CHILD,
                                "Name\tDOB checked on\nJane\t12/03/2015\nTom\t13/03/2015\n"), 0);
    assert_int_equal(test_count(SS_T_DOB_CHILD,
                                "Event\tDate\nSports day\t28/07/2018\nFete\t04/08/2020\n"), 0);
    /* a cell that holds more than the date */
    assert_int_equal(test_count(SS_T_DOB_CHILD,
                                "Name\tDOB\nJane\tabout 12/03/2015\nTom\t12/03/2015 approx\n"), 0);
}

static void dob_not_twice(void **state)
{
    (void)state;
    /* "DOB", whitespace, the date: the labelled rule (HIGH) has it already */
    ss_findings f;
    const ss_finding *x = test_one(SS_T_DOB_CHILD, "Name\tDOB\n\t12/03/2015\nTom\t\n", &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    ss_findings_free(&f);
}

static void prose_is_no_table(void **state)
{
    (void)state;
    /* a DOB label far from a date, in prose with commas on every line */
    ss_buf b = SS_BUF_INIT;
    far_table(&b, "Hello, about the DOB, we will come back to you, thanks\n",
              "We spoke to the family, then to school, and agreed a plan.\n",
              "Meeting on, 12/03/2015, then\n");
    ss_findings f;
    scan(b.p, b.len, &f);
    assert_int_equal(count_in(&f, SS_T_DOB_CHILD), 0);
    ss_findings_free(&f);

    /* a first line that is a sentence is no header even when later lines
     * have as many commas */
    assert_int_equal(test_count(SS_T_DOB_CHILD,
                                "Please find below, as agreed with the team at our meeting "
                                "last week and following the conversation with the family "
                                "about the next steps, the DOB\nJane, 2015, 12/03/2015\n"), 0);
    /* a paragraph break between the first line and the next: prose */
    for (int para = 1; para >= 0; para--) {
        ss_buf_reset(&b);
        far_table(&b, para ? "Kind, NHS number, Notes\n\n" : "Kind, NHS number, Notes\n",
                  "we met, then, again\n", "x, 9434765919, y\n");
        const ss_finding *x = test_one(SS_T_NHS, b.p, &f);
        assert_non_null(x);
        assert_int_equal(x->confidence, para ? SS_CONF_MEDIUM : SS_CONF_HIGH);
        ss_findings_free(&f);
    }
    ss_buf_free(&b);
    /* one named header cell is no table */
    assert_int_equal(test_count(SS_T_DOB_CHILD, "Hello,\nJane, 12/03/2015\n"), 0);
    assert_int_equal(test_count(SS_T_DOB_CHILD, "DOB,\n, 12/03/2015\n"), 0);
}

static void ragged_csv(void **state)
{
    (void)state;
    /* rows short and long: columns still count from the left */
    const char *csv = "Name,Year,DOB\nJane,Year 4\nTom,Year 5,12/03/2015\n"
                      "Ann,Year 6,13/04/2014,extra,19/05/2016\nBen,14/05/2016\n";
    ss_findings f;
    scan(csv, strlen(csv), &f);
    assert_int_equal(count_in(&f, SS_T_DOB_CHILD), 2);   /* Tom, Ann; not "extra" cells */
    ss_findings_free(&f);

    /* no row has the header's shape: not recognised as a table */
    assert_int_equal(test_count(SS_T_DOB_CHILD,
                                "Name,Year,DOB\nJane,Year 4\nTom,12/03/2015\n"
                                "Ann,Year 6,13/04/2014,extra\n"), 0);
    /* a single line, and an empty segment */
    assert_int_equal(test_count(SS_T_DOB_CHILD, "Name,DOB,12/03/2015"), 0);
    assert_int_equal(test_count(SS_T_DOB_CHILD, ""), 0);
    assert_int_equal(test_count(SS_T_DOB_CHILD, "\n\n\t\n"), 0);
}

static void header_keyword(void **state)
{
    (void)state;
    ss_buf b = SS_BUF_INIT;
    ss_findings f;
    const ss_finding *x;

    /* the number's own column is headed "NHS number", 20 rows up */
    far_table(&b, "NHS number\tNotes\n", "\tseen in clinic, nothing to add here\n",
              "9434765919\t\n");
    x = test_one(SS_T_NHS, b.p, &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    assert_true(x->flags & SS_F_KEYWORD);
    ss_findings_free(&f);

    /* the same number under "Notes": the keyword heads another column */
    ss_buf_reset(&b);
    far_table(&b, "NHS number\tNotes\n", "\tseen in clinic, nothing to add here\n",
              "\t9434765919\n");
    x = test_one(SS_T_NHS, b.p, &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_MEDIUM);
    assert_false(x->flags & SS_F_KEYWORD);
    ss_findings_free(&f);

    /* a keyword in another cell of its row, 400 characters back */
    for (int same_row = 1; same_row >= 0; same_row--) {
        ss_buf_reset(&b);
        ss_buf_adds(&b, "Kind\tNotes\tNumber\n");
        ss_buf_adds(&b, same_row ? "x\ty\tz\nNHS\t" : "NHS\ty\tz\nx\t");
        for (int i = 0; i < 80; i++)
            ss_buf_adds(&b, "word ");
        ss_buf_adds(&b, "\t9434765919\n");
        x = test_one(SS_T_NHS, b.p, &f);
        assert_non_null(x);
        assert_int_equal(x->confidence, same_row ? SS_CONF_HIGH : SS_CONF_MEDIUM);
        ss_findings_free(&f);
    }

    /* CSV, quoted header; NINO under "NI number" */
    ss_buf_reset(&b);
    far_table(&b, "\"Student\",\"NI number\"\n", "\"Someone Else\",\"pending\"\n",
              "\"Isla Walsh\",\"AB123456C\"\n");
    x = test_one(SS_T_NINO, b.p, &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    ss_findings_free(&f);

    /* prose: the same distance, no table, no keyword */
    ss_buf_reset(&b);
    far_table(&b, "NHS number below, eventually\n", "seen in clinic and nothing to add\n",
              "it is 9434765919 anyway\n");
    x = test_one(SS_T_NHS, b.p, &f);
    assert_non_null(x);
    assert_int_equal(x->confidence, SS_CONF_MEDIUM);
    ss_findings_free(&f);
    ss_buf_free(&b);
}

static void chi_padding(void **state)
{
    (void)state;
    ss_findings f;
    /* 0101011237 stored as a number: the leading zero is gone */
    const ss_finding *x = test_one(SS_T_CHI, "Name\tCHI number\nJane\t101011237\n", &f);
    assert_non_null(x);
    assert_true(test_value_is(x, "0101011237"));
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    assert_string_equal(x->redacted, "****** **37");
    assert_int_equal(x->off, strlen("Name\tCHI number\nJane\t"));
    assert_int_equal(x->len, 9);
    ss_findings_free(&f);
    assert_int_equal(test_count(SS_T_CHI, "\"Name\",\"Community Health Index\"\n"
                                          "\"Jane\",\"101011237\"\n"), 1);

    /* not under a CHI header, not nine digits, not a CHI once padded */
    assert_int_equal(test_count(SS_T_CHI, "Name\tReference\nJane\t101011237\n"), 0);
    assert_int_equal(test_count(SS_T_CHI, "CHI number\tName\nJane\t101011237\n"), 0);
    assert_int_equal(test_count(SS_T_CHI, "Name\tDOB\nJane\t101011237\n"), 0);
    assert_int_equal(test_count(SS_T_CHI, "Name\tCHI\nJane\t10101123\n"), 0);
    assert_int_equal(test_count(SS_T_CHI, "Name\tCHI\nJane\t101011238\n"), 0);
    assert_int_equal(test_count(SS_T_CHI, "Name\tCHI\nJane\t321011237\n"), 0);
    assert_int_equal(test_count(SS_T_CHI, "Name\tCHI\nJane\t1010 1237\n"), 0);
    /* prose: a nine-digit number after "CHI" stays what it is */
    assert_int_equal(test_count(SS_T_CHI, "CHI number 101011237\n"), 0);
}

/* A long row of candidates: the column is carried along, not recounted. */
static void long_row_is_linear(void **state)
{
    (void)state;
    ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, "NHS number\tNotes\n");
    for (int i = 0; i < 200000; i++)
        ss_buf_adds(&b, "9434765919\t");
    ss_buf_adds(&b, "\nNHS number\tNotes\n");
    ss_findings f;
    scan(b.p, b.len, &f);
    assert_int_equal(count_in(&f, SS_T_NHS), 200000);
    ss_findings_free(&f);
    ss_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dob_column_csv),
        cmocka_unit_test(dob_column_sheet),
        cmocka_unit_test(dob_column_negatives),
        cmocka_unit_test(dob_not_twice),
        cmocka_unit_test(prose_is_no_table),
        cmocka_unit_test(ragged_csv),
        cmocka_unit_test(header_keyword),
        cmocka_unit_test(chi_padding),
        cmocka_unit_test(long_row_is_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
