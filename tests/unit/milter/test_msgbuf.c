/* The milter's message buffer: memory first, then an unlinked 0600 file;
 * past MaxMessageSize it keeps nothing and says so. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "milter/msgbuf.h"

static char dir[] = "/tmp/ss-msgbuf-XXXXXX";

static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void small_message_stays_in_memory(void **s)
{
    ss_msgbuf m;
    ss_msgbuf_init(&m, 1024, 1 << 20, dir);
    assert_int_equal(ss_msgbuf_add(&m, "Subject: x\r\n\r\nbody", 18), 0);
    assert_int_equal(m.fd, -1);
    assert_int_equal(m.mem.len, 18);
    assert_memory_equal(m.mem.p, "Subject: x\r\n\r\nbody", 18);
    ss_msgbuf_free(&m);
}

static void large_message_spills_to_unlinked_private_file(void **s)
{
    ss_msgbuf m;
    ss_msgbuf_init(&m, 100, 1 << 20, dir);
    char chunk[64];
    for (int i = 0; i < 10; i++) {
        memset(chunk, 'a' + i, sizeof chunk);
        assert_int_equal(ss_msgbuf_add(&m, chunk, sizeof chunk), 0);
    }
    assert_true(m.fd >= 0);
    assert_int_equal(entries(), 0);           /* unlinked: nothing left behind */
    struct stat st;
    assert_int_equal(fstat(m.fd, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 640);
    int fd = ss_msgbuf_fd(&m);
    assert_int_equal(fd, m.fd);
    char back[640];
    assert_int_equal(read(fd, back, sizeof back), 640);
    for (int i = 0; i < 10; i++)
        assert_int_equal(back[i * 64], 'a' + i);
    ss_msgbuf_free(&m);
}

static void oversize_keeps_nothing_and_says_so(void **s)
{
    ss_msgbuf m;
    ss_msgbuf_init(&m, 100, 500, dir);
    char chunk[200];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 5; i++)
        assert_int_equal(ss_msgbuf_add(&m, chunk, sizeof chunk), 0);
    assert_true(m.oversize);
    assert_int_equal(m.total, 1000);
    assert_int_equal(m.fd, -1);
    assert_int_equal(m.mem.len, 0);
    ss_msgbuf_free(&m);
}

static void unusable_temp_dir_is_an_error(void **s)
{
    ss_msgbuf m;
    ss_msgbuf_init(&m, 10, 1 << 20, "/nonexistent-safeshare-dir");
    assert_int_equal(ss_msgbuf_add(&m, "0123456789abcdef", 16), -1);
    ss_msgbuf_free(&m);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_message_stays_in_memory),
        cmocka_unit_test(large_message_spills_to_unlinked_private_file),
        cmocka_unit_test(oversize_keeps_nothing_and_says_so),
        cmocka_unit_test(unusable_temp_dir_is_an_error),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
