/* Named child (spec identifiers.md §9.3): every row of
 * named-child-vectors.tsv, read at test time, through the driver as the
 * engine calls it (segment, then grade); then what a finding says about
 * the child: initials and the signal, the keyed-hash name, the span of
 * the original text. A failing row is reported by line and note, never by
 * its text: texts name children. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "detect/detect.h"
#include "detect/named_child.h"
#include "detect_test_util.h"

static char *load(const char *name, size_t *len)
{
    const char *dir = getenv("SS_TESTDATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/data", name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        print_error("cannot open %s\n", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, fp)) > 0)
        if ((n += r) == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* named_child_reference.py's _looks_like_filename: no space, ends .ext */
static int looks_like_filename(const char *t, size_t len)
{
    if (memchr(t, ' ', len))
        return 0;
    size_t k = len;
    while (k > 0 && ((t[k - 1] | 0x20) >= 'a' && (t[k - 1] | 0x20) <= 'z'))
        k--;
    while (k > 0 && t[k - 1] >= '0' && t[k - 1] <= '9')
        k--;
    return k > 0 && t[k - 1] == '.' && len - k >= 2 && len - k <= 5;
}

/* The message's named_child findings at MEDIUM or above, segments given
 * in order; f keeps them. */
static size_t detect_msg(const char *const *segs, size_t nsegs, const int *filename,
                         ss_findings *f)
{
    ss_detect_opts o = test_opts();
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < nsegs; i++) {
        o.filename = filename ? filename[i] : 0;
        ss_detect_segment(segs[i], strlen(segs[i]), i, &o, f);
    }
    ss_detect_grade(f);
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += f->v[i].type == SS_T_NAMED_CHILD && f->v[i].confidence >= SS_CONF_MEDIUM;
    return n;
}

static const ss_finding *first_named(const ss_findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].type == SS_T_NAMED_CHILD)
            return &f->v[i];
    return NULL;
}

static void test_vectors(void **state)
{
    (void)state;
    size_t len;
    char *buf = load("named-child-vectors.tsv", &len);
    assert_non_null(buf);
    size_t rows = 0, bad = 0, lineno = 0;
    for (char *p = buf, *line; (line = strsep(&p, "\n")) != NULL;) {
        if (++lineno == 1 || !*line)
            continue;
        char *type = strsep(&line, "\t"), *text = strsep(&line, "\t");
        char *valid = strsep(&line, "\t"), *note = line ? line : "";
        assert_non_null(valid);
        assert_string_equal(type, "named_child");
        int isf = looks_like_filename(text, strlen(text));
        ss_findings f;
        size_t got = detect_msg((const char *const[]){ text }, 1, &isf, &f);
        rows++;
        if ((got > 0) != (valid[0] == '1')) {
            bad++;
            print_error("line %zu: want %s, found %zu (%s)\n", lineno,
                        valid[0] == '1' ? "a named child" : "none", got, note);
        }
        ss_findings_free(&f);
    }
    print_message("named-child-vectors.tsv: %zu/%zu rows pass\n", rows - bad, rows);
    free(buf);
    assert_true(rows >= 48);
    assert_int_equal(bad, 0);
}

/* §9.3: "Redacted form: initials and the signal, never the name"; "the
 * keyed hash is over the normalised full name in lower case". */
static void test_redacted_and_key(void **state)
{
    (void)state;
    ss_findings f;
    const char *t = "An initial child protection conference for Reuben Robinson (aged 3) "
                    "has been booked for Wednesday.";
    assert_int_equal(detect_msg(&t, 1, NULL, &f), 1);
    const ss_finding *x = first_named(&f);
    assert_string_equal(x->redacted, "R. R. (aged 3)");
    assert_true(test_value_is(x, "reuben robinson"));
    assert_int_equal(x->confidence, SS_CONF_HIGH);
    assert_int_equal(x->off, strstr(t, "Reuben") - t);
    assert_int_equal(x->len, strlen("Reuben Robinson"));
    assert_null(strstr(x->redacted, "Reuben"));
    ss_findings_free(&f);

    /* accents, curly apostrophe and case fold to the search's one form */
    t = "SIOBH\xc3\x81N O\xe2\x80\x99NEILL (aged 12) - strategy discussion today";
    assert_int_equal(detect_msg(&t, 1, NULL, &f), 1);
    assert_true(test_value_is(first_named(&f), "siobhan o'neill"));
    ss_findings_free(&f);
}

/* A span in the original text, across a normalised (folded) character. */
static void test_span_after_fold(void **state)
{
    (void)state;
    ss_findings f;
    const char *t = "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3 note: Amelia Evans (aged 10) "
                    "attendance has dropped.";
    assert_int_equal(detect_msg(&t, 1, NULL, &f), 1);
    const ss_finding *x = first_named(&f);
    assert_int_equal(x->off, strstr(t, "Amelia") - t);
    assert_int_equal(x->len, strlen("Amelia Evans"));
    ss_findings_free(&f);
}

/* "a given name alone once the full name has appeared in the same
 * message", in another segment; and the same given name with no full name
 * anywhere is nothing. */
static void test_given_alone_across_segments(void **state)
{
    (void)state;
    ss_findings f;
    const char *two[] = { "Re: Amelia Evans", "Amelia (aged 10) was upset this morning." };
    assert_int_equal(detect_msg(two, 2, NULL, &f), 1);
    const ss_finding *x = first_named(&f);
    assert_int_equal(x->seg, 1);
    assert_true(test_value_is(x, "amelia evans"));
    ss_findings_free(&f);
    assert_int_equal(detect_msg(&two[1], 1, NULL, &f), 0);
    ss_findings_free(&f);
}

/* fuzz_detect's finding (tests/fuzz/regress/fuzz_detect): an empty
 * segment was read one byte past its end looking for a quoted line. Here
 * it is a zero-length heap block, so the sanitizer build sees any read. */
static void test_empty_segment(void **state)
{
    (void)state;
    ss_detect_opts o = test_opts();
    ss_findings f = { 0 };
    char *zero = malloc(0);
    ss_detect_segment(zero ? zero : "", 0, 0, &o, &f);
    ss_detect_segment("Amelia Evans (aged 10) was upset this morning.", 46, 1, &o, &f);
    ss_detect_grade(&f);
    free(zero);
    assert_non_null(first_named(&f));
    ss_findings_free(&f);
}

/* A file name is a segment with '_' '-' '.' as spaces; the same text not
 * marked as a file name is one word. */
static void test_filename(void **state)
{
    (void)state;
    ss_findings f;
    const char *t = "Referral_Alfie_Smith_Year_3.docx";
    int isf = 1;
    assert_int_equal(detect_msg(&t, 1, &isf, &f), 1);
    assert_true(test_value_is(first_named(&f), "alfie smith"));
    ss_findings_free(&f);
    isf = 0;
    assert_int_equal(detect_msg(&t, 1, &isf, &f), 0);
    ss_findings_free(&f);
}

/* §10: a MEDIUM named child (no context) is MEDIUM; a protective marking
 * anywhere in the message makes it HIGH. */
static void test_confidence(void **state)
{
    (void)state;
    ss_findings f;
    const char *plain = "Well done to Aoife Yilmaz, 5, who raised money for the school fair.";
    assert_int_equal(detect_msg(&plain, 1, NULL, &f), 1);
    assert_int_equal(first_named(&f)->confidence, SS_CONF_MEDIUM);
    ss_findings_free(&f);
    const char *marked[] = { "OFFICIAL-SENSITIVE", plain };
    assert_int_equal(detect_msg(marked, 2, NULL, &f), 1);
    assert_int_equal(first_named(&f)->confidence, SS_CONF_HIGH);
    ss_findings_free(&f);
}

/* The stop-list shipped beside the lexicon: a word of it the lexicon
 * holds carries the stop flag, and no word of it is a given name, in Title
 * or UPPER case. The lexicon's own rules: Title or UPPER case, accents
 * folded, a possessive read as the name. */
static void test_stop_list(void **state)
{
    (void)state;
    const char *dir = getenv("SS_SRCDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/policy/detect/data/stop-names.tsv", dir ? dir : ".");
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[256];
    size_t n = 0;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        char key[64];
        size_t k;
        for (k = 0; line[k] && k < sizeof key - 1; k++)
            key[k] = (char)(line[k] | 0x20);
        unsigned stop = 0;
        if (ss_nc_lexicon_has(key, k, &stop))
            assert_true(stop != 0);
        assert_false(ss_nc_is_given_name(line, strlen(line), 0));
        for (size_t i = 0; i < k; i++)
            key[i] = (char)(key[i] & ~0x20);
        assert_false(ss_nc_is_given_name(key, k, 0));
        n++;
    }
    fclose(fp);
    assert_true(n >= 25);
    assert_true(ss_nc_is_given_name("Reuben", 6, 0));
    assert_true(ss_nc_is_given_name("REUBEN", 6, 0));
    assert_true(ss_nc_is_given_name("Siobh\xc3\xa1n", 8, 0));
    assert_true(ss_nc_is_given_name("Zo\xc3\xab", 4, 0));
    assert_true(ss_nc_is_given_name("Lily-Mae", 8, 0));
    assert_true(ss_nc_is_given_name("Amelia\xe2\x80\x99s", 10, 0));
    assert_false(ss_nc_is_given_name("reuben", 6, 0));
    assert_false(ss_nc_is_given_name("REuben", 6, 0));
    assert_false(ss_nc_is_given_name("Lily-mae", 8, 0));
    assert_false(ss_nc_is_given_name("A", 1, 0));
    assert_false(ss_nc_is_given_name("Kowalczyk", 9, 0));
    unsigned stop = 1;
    assert_true(ss_nc_lexicon_has("jack", 4, &stop) && stop == 0);
    assert_false(ss_nc_lexicon_has("", 0, &stop));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_redacted_and_key),
        cmocka_unit_test(test_span_after_fold),
        cmocka_unit_test(test_given_alone_across_segments),
        cmocka_unit_test(test_filename),
        cmocka_unit_test(test_confidence),
        cmocka_unit_test(test_stop_list),
        cmocka_unit_test(test_empty_segment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
