/* The milter's unix socket (milter/socket.c): found by the security
 * review, set-up by path as root followed symlinks (a socket swapped for
 * a symlink made chmod and chown act on its target), and a stale socket
 * was removed on a check made earlier (another instance starting at that
 * moment lost its socket). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "milter/socket.h"

typedef struct {
    char dir[64], sock[96], conn[128], target[96];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ss-socket-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->sock, sizeof f->sock, "%s/milter.sock", f->dir);
    snprintf(f->conn, sizeof f->conn, "unix:%s", f->sock);
    snprintf(f->target, sizeof f->target, "%s/precious", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    ss_socket_unlock();
    free(f);
    return 0;
}

/* A socket bound at path (as smfi_opensocket leaves it); its fd. */
static int bound(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

static void the_socket_gets_its_mode(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    assert_int_equal(ss_socket_prepare(f->conn, err, sizeof err), 0);
    int fd = bound(f->sock);
    assert_int_equal(ss_socket_finish(f->conn, 0660, NULL, NULL, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(lstat(f->sock, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0660);
    close(fd);
}

/* Swapped for a symlink between bind and chmod: the target is untouched
 * and the milter does not start. */
static void a_symlink_in_its_place_is_not_followed(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    FILE *t = fopen(f->target, "w");
    fclose(t);
    chmod(f->target, 0600);
    int fd = bound(f->sock);
    unlink(f->sock);
    assert_int_equal(symlink(f->target, f->sock), 0);
    assert_int_equal(ss_socket_finish(f->conn, 0666, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, f->sock));
    struct stat st;
    assert_int_equal(stat(f->target, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    close(fd);
}

/* Two instances on one socket: the second is refused before it touches
 * the first's socket, even while that one does not answer yet. */
static void a_second_instance_never_removes_the_first_ones_socket(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    assert_int_equal(ss_socket_prepare(f->conn, err, sizeof err), 0);
    int fd = bound(f->sock);          /* the first, not listening yet */
    /* the second, another process in life: its own open of the lock */
    pid_t pid = fork();
    if (pid == 0) {
        char e2[512] = "";
        int rc = ss_socket_prepare(f->conn, e2, sizeof e2);
        _exit(rc == -1 && strstr(e2, "another safeshare-milter") ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(WEXITSTATUS(status), 0);
    struct stat st;
    assert_int_equal(lstat(f->sock, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_socket_gets_its_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(a_symlink_in_its_place_is_not_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(a_second_instance_never_removes_the_first_ones_socket,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
