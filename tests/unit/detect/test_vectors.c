/* identifier-vectors.tsv (spec §13) through ss_detect_count: one cmocka
 * test per implemented type. A failing row is reported by line number and
 * note, never by its text: texts are identifiers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "detect/detect.h"

static char *load_tsv(size_t *len)
{
    const char *dir = getenv("SS_TESTDATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/identifier-vectors.tsv", dir ? dir : "tests/data");
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        print_error("cannot open %s\n", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n == cap)
            buf = realloc(buf, cap *= 2);
        size_t r = fread(buf + n, 1, cap - n, fp);
        if (r == 0)
            break;
        n += r;
    }
    fclose(fp);
    *len = n;
    return buf;
}

static void run_type(ss_type want)
{
    size_t len = 0;
    char *buf = load_tsv(&len);
    assert_non_null(buf);
    ss_detect_opts o;
    ss_detect_opts_default(&o);
    o.ref_year = 2025, o.ref_month = 9, o.ref_day = 1;   /* spec §7.1 REF_DATE */

    size_t rows = 0, bad = 0, lineno = 0;
    for (char *p = buf, *end = buf + len; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *eol = nl ? nl : end;
        lineno++;
        char *f[4];
        size_t fl[4];
        int nf = 0;
        for (char *q = p; nf < 4;) {
            char *tab = nf < 3 ? memchr(q, '\t', (size_t)(eol - q)) : NULL;
            char *fe = tab ? tab : eol;
            f[nf] = q;
            fl[nf++] = (size_t)(fe - q);
            if (!tab)
                break;
            q = tab + 1;
        }
        p = eol + 1;
        if (lineno == 1 || nf != 4)
            continue;
        ss_type t;
        char tname[32];
        snprintf(tname, sizeof tname, "%.*s", (int)fl[0], f[0]);
        if (ss_type_parse(tname, &t) != 0 || t != want)
            continue;
        int valid = f[2][0] == '1';
        size_t got = ss_detect_count(t, f[1], fl[1], &o);
        rows++;
        if ((got > 0) != valid) {
            bad++;
            print_error("line %zu: %s: want %s, found %zu (%.*s)\n", lineno, tname,
                        valid ? "a match" : "none", got, (int)fl[3], f[3]);
        }
    }
    free(buf);
    print_message("# %s: %zu/%zu rows pass\n", ss_type_name(want), rows - bad, rows);
    assert_true(rows >= 40);
    assert_int_equal(bad, 0);
}

static void test_nhs(void **state) { (void)state; run_type(SS_T_NHS); }
static void test_chi(void **state) { (void)state; run_type(SS_T_CHI); }
static void test_hcn(void **state) { (void)state; run_type(SS_T_HCN); }
static void test_uln(void **state) { (void)state; run_type(SS_T_ULN); }
static void test_upn(void **state) { (void)state; run_type(SS_T_UPN); }
static void test_nino(void **state) { (void)state; run_type(SS_T_NINO); }
static void test_dob_child(void **state) { (void)state; run_type(SS_T_DOB_CHILD); }
static void test_sg(void **state) { (void)state; run_type(SS_T_SG); }
static void test_marking(void **state) { (void)state; run_type(SS_T_MARKING); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nhs),
        cmocka_unit_test(test_chi),
        cmocka_unit_test(test_hcn),
        cmocka_unit_test(test_uln),
        cmocka_unit_test(test_upn),
        cmocka_unit_test(test_nino),
        cmocka_unit_test(test_dob_child),
        cmocka_unit_test(test_sg),
        cmocka_unit_test(test_marking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
