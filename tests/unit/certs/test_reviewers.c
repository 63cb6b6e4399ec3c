/* Reviewer accounts (certs/reviewers.h): Argon2id hashes that open only
 * with their password, a file nobody else may read, strict lines, and
 * add, replace, remove kept whole. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certs/reviewers.h"

static char dir[64], path[96];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ss-reviewers-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/reviewers", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void write_file(const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    fchmod(fd, mode);
    close(fd);
}

static void password_opens_only_its_account(void **state)
{
    (void)state;
    char h[160], err[256];
    assert_int_equal(ss_password_hash("correct horse battery", h, err, sizeof err), 0);
    assert_true(!strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31));
    assert_null(strstr(h, "correct"));
    char h2[160];
    assert_int_equal(ss_password_hash("correct horse battery", h2, err, sizeof err), 0);
    assert_string_not_equal(h, h2);                       /* salted */
    assert_int_equal(ss_reviewers_put(path, "amara", "Ms Amara Patel", h, err, sizeof err), 0);
    assert_int_equal(ss_reviewers_put(path, "tom", "Mr Tom Jones", "sso", err, sizeof err), 0);
    ss_reviewers r;
    assert_int_equal(ss_reviewers_load(path, &r, err, sizeof err), 0);
    assert_int_equal(r.n, 2);
    assert_string_equal(ss_reviewers_find(&r, "amara")->full, "Ms Amara Patel");
    assert_true(ss_reviewers_verify(&r, "amara", "correct horse battery"));
    assert_false(ss_reviewers_verify(&r, "amara", "correct horse batterY"));
    assert_false(ss_reviewers_verify(&r, "amara", ""));
    assert_false(ss_reviewers_verify(&r, "nobody", "correct horse battery"));
    /* an SSO account has no password at all */
    assert_false(ss_reviewers_verify(&r, "tom", "sso"));
    assert_false(ss_reviewers_verify(&r, "tom", ""));
    ss_reviewers_free(&r);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void short_password_is_refused(void **state)
{
    (void)state;
    char h[160], err[256];
    assert_int_equal(ss_password_hash("short", h, err, sizeof err), -1);
    assert_non_null(strstr(err, "three random words"));
}

static void replace_and_remove_keep_the_rest(void **state)
{
    (void)state;
    char h[160], h2[160], err[256];
    assert_int_equal(ss_password_hash("first password here", h, err, sizeof err), 0);
    assert_int_equal(ss_password_hash("second password here", h2, err, sizeof err), 0);
    assert_int_equal(ss_reviewers_put(path, "a.one", "One", h, err, sizeof err), 0);
    assert_int_equal(ss_reviewers_put(path, "b.two", "Two", h, err, sizeof err), 0);
    assert_int_equal(ss_reviewers_put(path, "a.one", "One Again", h2, err, sizeof err), 0);
    ss_reviewers r;
    assert_int_equal(ss_reviewers_load(path, &r, err, sizeof err), 0);
    assert_int_equal(r.n, 2);
    assert_false(ss_reviewers_verify(&r, "a.one", "first password here"));
    assert_true(ss_reviewers_verify(&r, "a.one", "second password here"));
    assert_string_equal(ss_reviewers_find(&r, "a.one")->full, "One Again");
    ss_reviewers_free(&r);
    assert_int_equal(ss_reviewers_remove(path, "a.one", err, sizeof err), 0);
    assert_int_equal(ss_reviewers_remove(path, "a.one", err, sizeof err), -1);
    assert_non_null(strstr(err, "no reviewer called a.one"));
    assert_int_equal(ss_reviewers_load(path, &r, err, sizeof err), 0);
    assert_int_equal(r.n, 1);
    assert_true(ss_reviewers_verify(&r, "b.two", "first password here"));
    ss_reviewers_free(&r);
}

static void file_others_can_read_is_refused(void **state)
{
    (void)state;
    char err[256];
    ss_reviewers r;
    write_file("amara:sso:Ms Amara Patel\n", 0644);
    assert_int_equal(ss_reviewers_load(path, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "chmod 600"));
}

static void bad_lines_name_file_and_line(void **state)
{
    (void)state;
    char err[256];
    ss_reviewers r;
    static const struct { const char *text, *want; } bad[] = {
        { "# ok\n\namara:sso:Amara\nno colons here\n", ":4: expected NAME:HASH:FULL NAME" },
        { "am ara:sso:Amara\n", ":1: the name may have" },
        { "amara:$2y$10$x:Amara\n", ":1: the hash is neither" },
        { "amara:sso:\n", ":1: the full name" },
        { "amara:sso:A\namara:sso:B\n", ":2: the name is given twice" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_file(bad[i].text, 0600);
        assert_int_equal(ss_reviewers_load(path, &r, err, sizeof err), -1);
        if (!strstr(err, bad[i].want) || strncmp(err, path, strlen(path)))
            fail_msg("%s: %s", bad[i].want, err);
    }
    /* no file: nobody may sign in yet, which is not an error */
    unlink(path);
    assert_int_equal(ss_reviewers_load(path, &r, err, sizeof err), 0);
    assert_int_equal(r.n, 0);
    assert_false(ss_reviewers_verify(&r, "amara", "anything at all"));
}

static void names_and_full_names(void **state)
{
    (void)state;
    assert_true(ss_reviewer_name_ok("amara.patel@stmarys"));
    assert_false(ss_reviewer_name_ok(""));
    assert_false(ss_reviewer_name_ok("a:b"));
    assert_false(ss_reviewer_name_ok("<script>"));
    assert_true(ss_reviewer_full_ok("Ms Amara O'Neill-Patel"));
    assert_false(ss_reviewer_full_ok("Evil:sso"));
    assert_false(ss_reviewer_full_ok("line\nbreak"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(password_opens_only_its_account, setup, teardown),
        cmocka_unit_test(short_password_is_refused),
        cmocka_unit_test_setup_teardown(replace_and_remove_keep_the_rest, setup, teardown),
        cmocka_unit_test_setup_teardown(file_others_can_read_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_lines_name_file_and_line, setup, teardown),
        cmocka_unit_test(names_and_full_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
