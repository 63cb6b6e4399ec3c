/* format=flowed joining (RFC 3676, policy/text/charset.c): what the fuzzer
 * found and what it must not break. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "text/charset.h"

static void unflow(const char *in, int delsp, ss_buf *out)
{
    ss_buf_reset(out);
    ss_buf_add(out, in, strlen(in));
    ssx_unflow(out, delsp);
}

static void test_soft_lines_join(void **state)
{
    (void)state;
    ss_buf b = SS_BUF_INIT;
    unflow("NHS number 943 \n476 5919\n", 0, &b);
    assert_string_equal(b.p, "NHS number 943 476 5919\n");
    unflow("NHS number 943 \n476 5919\n", 1, &b);
    assert_string_equal(b.p, "NHS number 943476 5919\n");
    ss_buf_free(&b);
}

/* Found by fuzz_text: with DelSp=yes a soft line with nothing after its
 * space-stuffing deleted the byte before it, here the last byte of "é",
 * leaving invalid UTF-8 (and, before a digit, joining or cutting text). */
static void test_delsp_empty_soft_line_deletes_nothing(void **state)
{
    (void)state;
    ss_buf b = SS_BUF_INIT;
    unflow("caf\xc3\xa9 \n \n", 1, &b);
    assert_true(g_utf8_validate_len(b.p, b.len, NULL));
    assert_string_equal(b.p, "caf\xc3\xa9");
    unflow("943 \n \n476\n", 1, &b);
    assert_string_equal(b.p, "943476\n");
    unflow("> 12 \n> \n>3\n", 1, &b);
    assert_string_equal(b.p, "> 123\n");
    ss_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_soft_lines_join),
        cmocka_unit_test(test_delsp_empty_soft_line_deletes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
