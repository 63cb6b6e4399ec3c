/* The milter's message buffer: memory first, then an unlinked 0600 file
 * that no reader process inherits, in RAM when held mail is encrypted and
 * TempDirectory is on a disk; past MaxMessageSize it keeps nothing and
 * says so. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
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
    ss_msgbuf_init(&m, 1024, 1 << 20, dir, 0);
    assert_int_equal(ss_msgbuf_add(&m, "Subject: x\r\n\r\nbody", 18), 0);
    assert_int_equal(m.fd, -1);
    assert_int_equal(m.mem.len, 18);
    assert_memory_equal(m.mem.p, "Subject: x\r\n\r\nbody", 18);
    ss_msgbuf_free(&m);
}

static void large_message_spills_to_unlinked_private_file(void **s)
{
    ss_msgbuf m;
    ss_msgbuf_init(&m, 100, 1 << 20, dir, 0);
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

static void spill(ss_msgbuf *m, const char *tmpdir, int private)
{
    ss_msgbuf_init(m, 10, 1 << 20, tmpdir, private);
    static const char mail[] = "Subject: x\r\n\r\nNHS 943 476 5919\r\n";
    assert_int_equal(ss_msgbuf_add(m, mail, sizeof mail - 1), 0);
    assert_true(m->fd >= 0);
}

/* Found by the security review: the spill file came from mkstemp without
 * close-on-exec, so a reader process started meanwhile inherited a
 * descriptor of another message. */
static void the_spill_file_is_close_on_exec(void **s)
{
    ss_msgbuf m;
    spill(&m, dir, 0);
    assert_true(fcntl(m.fd, F_GETFD) & FD_CLOEXEC);
    ss_msgbuf_free(&m);
}

static int on_tmpfs(const char *d)
{
    struct statfs fs;
    return statfs(d, &fs) == 0 && (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC);
}

static int in_ram(int fd)
{
    char link[64], target[256] = "";
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    return n > 0 && strncmp(target, "/memfd:", 7) == 0;
}

/* With held mail encrypted (private), a message is never written in
 * clear to a disk: a TempDirectory on a disk is passed over for RAM; one
 * on tmpfs is used as it is. Without encryption, TempDirectory as set. */
static void private_spill_is_never_on_a_disk(void **s)
{
    ss_msgbuf m;
    spill(&m, dir, 1);
    assert_int_equal(in_ram(m.fd), !on_tmpfs(dir));
    ss_msgbuf_free(&m);
    spill(&m, dir, 0);
    assert_false(in_ram(m.fd));
    ss_msgbuf_free(&m);
    if (on_tmpfs("/dev/shm")) {
        spill(&m, "/dev/shm", 1);
        assert_false(in_ram(m.fd));
        assert_true(fcntl(m.fd, F_GETFD) & FD_CLOEXEC);
        ss_msgbuf_free(&m);
    }
    assert_int_equal(entries(), 0);
}

static void oversize_keeps_nothing_and_says_so(void **s)
{
    ss_msgbuf m;
    ss_msgbuf_init(&m, 100, 500, dir, 0);
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
    ss_msgbuf_init(&m, 10, 1 << 20, "/nonexistent-safeshare-dir", 0);
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
        cmocka_unit_test(the_spill_file_is_close_on_exec),
        cmocka_unit_test(private_spill_is_never_on_a_disk),
        cmocka_unit_test(oversize_keeps_nothing_and_says_so),
        cmocka_unit_test(unusable_temp_dir_is_an_error),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
