/* Key files (certs/keyfile.h): the site's secrets are read only from a
 * regular file that group and others cannot read and that root or the
 * user safeshare runs as owns, so no other account can swap it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certs/keyfile.h"

typedef struct {
    char dir[64], path[96];
    uid_t service;                 /* UserID's uid, or (uid_t)-1 */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ss-keyfile-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/release.key", f->dir);
    f->service = (uid_t)-1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static int read_it(const fixture *f, char *why, size_t whylen)
{
    unsigned char key[256];
    size_t len = 0;
    return ss_keyfile_read(f->path, f->service, key, sizeof key, &len, why, whylen);
}

static void write_key(const fixture *f, mode_t mode)
{
    FILE *k = fopen(f->path, "w");
    assert_non_null(k);
    fputs("0123456789abcdef0123456789abcdef", k);
    fclose(k);
    assert_int_equal(chmod(f->path, mode), 0);
}

static void a_good_key_is_read(void **state)
{
    fixture *f = *state;
    char why[512];
    write_key(f, 0600);
    assert_int_equal(read_it(f, why, sizeof why), 0);
    write_key(f, 0644);
    assert_int_equal(read_it(f, why, sizeof why), -1);
    assert_non_null(strstr(why, "chmod 600"));
}

/* A FIFO would block the milter's start for ever, and a directory or a
 * device is no key: each is refused at once, naming the file. */
static void only_a_regular_file(void **state)
{
    fixture *f = *state;
    char why[512];
    assert_int_equal(mkfifo(f->path, 0600), 0);
    assert_int_equal(read_it(f, why, sizeof why), -1);
    assert_non_null(strstr(why, f->path));
    assert_non_null(strstr(why, "not a regular file"));
    unlink(f->path);
    assert_int_equal(mkdir(f->path, 0700), 0);
    assert_int_equal(read_it(f, why, sizeof why), -1);
    assert_non_null(strstr(why, "not a regular file"));
    rmdir(f->path);
}

/* Owned by some other account, the key could be replaced by it; owned by
 * root, or by the service's account (UserID), it is the site's. */
static void owned_by_root_or_us(void **state)
{
    fixture *f = *state;
    char why[512];
    write_key(f, 0600);
    if (geteuid() != 0) {
        print_message("# not root: a key owned by another account cannot be made here\n");
        skip();
    }
    assert_int_equal(chown(f->path, 65534, 65534), 0);
    assert_int_equal(read_it(f, why, sizeof why), -1);
    assert_non_null(strstr(why, f->path));
    assert_non_null(strstr(why, "owned by"));
    f->service = 65534;
    assert_int_equal(read_it(f, why, sizeof why), 0);
    f->service = (uid_t)-1;
    assert_int_equal(chown(f->path, 0, 0), 0);
    assert_int_equal(read_it(f, why, sizeof why), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_good_key_is_read, setup, teardown),
        cmocka_unit_test_setup_teardown(only_a_regular_file, setup, teardown),
        cmocka_unit_test_setup_teardown(owned_by_root_or_us, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
