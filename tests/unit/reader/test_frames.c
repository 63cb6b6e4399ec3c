/* A reader's answer as the milter reads it (reader/frames.c): however the
 * bytes arrive, the same segments come out; anything that is not a
 * well-formed answer is refused; and a reader that says it failed makes
 * the attachment unreadable even when it named no part. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <unistd.h>

#include "attach_test_util.h"
#include "reader/frames.h"

/* What a reader writes for two segments, a skip and its count. */
static size_t answer(unsigned char *buf, size_t cap, int failed)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    ssx_out w;
    ssx_frame_out(&w, &fds[1]);
    w.text(&w, "page 1", "NHS " NHS_DOTTED, 16);
    (w.skip)(&w, "page 2", "the page holds only images", 0);
    w.text(&w, "page 3", "", 0);
    ssx_frame_total(fds[1], 1234);
    ssx_frame_end(fds[1], failed ? -1 : 0);
    close(fds[1]);
    ssize_t n = read(fds[0], buf, cap);
    close(fds[0]);
    assert_true(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

/* Fed in pieces of every size from 1 byte up: one answer, the same. */
static void any_split_same_answer(void **state)
{
    unsigned char buf[512];
    size_t n = answer(buf, sizeof buf, 0);
    for (size_t step = 1; step <= n; step++) {
        collected c;
        ssx_out o;
        col_init(&o, &c);
        ssx_frames f;
        ssx_frames_init(&f, &o, 1u << 20);
        int r = 0;
        for (size_t at = 0; at < n; at += step)
            r = ssx_frames_feed(&f, buf + at, n - at < step ? n - at : step);
        assert_int_equal(r, 1);
        ssx_frames_finish(&f, 99);
        assert_int_equal(c.ntext, 2);
        assert_string_equal(col_seg(&c, "page 1"), "NHS " NHS_DOTTED);
        assert_int_equal(c.nskip, 1);
        assert_int_equal(c.unreadable[0], 0);
        assert_int_equal(o.total, 1234);
        col_free(&c);
    }
}

static int feed_all(const void *p, size_t n, size_t cap, collected *c, ssx_out *o)
{
    col_init(o, c);
    ssx_frames f;
    ssx_frames_init(&f, o, cap);
    int r = ssx_frames_feed(&f, p, n);
    ssx_frames_finish(&f, 7);
    return r;
}

static void bad_answers_refused(void **state)
{
    unsigned char buf[512];
    size_t n = answer(buf, sizeof buf, 0);
    collected c;
    ssx_out o;
    assert_int_equal(feed_all("Xjunk", 5, 1u << 20, &c, &o), -1);
    col_free(&c);
    /* a reader that echoes its input is not answering */
    size_t len;
    unsigned char *rtf = fixture("letter.rtf", &len);
    assert_int_equal(feed_all(rtf, len, 1u << 20, &c, &o), -1);
    assert_int_equal(c.ntext + c.nskip, 0);
    col_free(&c);
    free(rtf);
    /* a field longer than a location may be */
    assert_int_equal(feed_all("T\x7f\0\0\0", 5, 1u << 20, &c, &o), -1);
    col_free(&c);
    /* bytes after the end: the reader said more than it was asked */
    memcpy(buf + n, "E\0", 2);
    assert_int_equal(feed_all(buf, n + 2, 1u << 20, &c, &o), -1);
    col_free(&c);
    /* more than the caller allows */
    assert_int_equal(feed_all(buf, n, n - 1, &c, &o), -1);
    col_free(&c);
    /* a count of decompressed bytes that shrinks */
    col_init(&o, &c);
    o.total = 5000;
    ssx_frames f;
    ssx_frames_init(&f, &o, 1u << 20);
    assert_int_equal(ssx_frames_feed(&f, buf, n), -1);
    ssx_frames_finish(&f, 7);
    col_free(&c);
}

/* 'E' 1 with no unreadable part named: the attachment is unreadable. A
 * reader that never said what it decompressed is charged its input. */
static void failed_status_is_unreadable(void **state)
{
    unsigned char buf[512];
    size_t n = answer(buf, sizeof buf, 1);
    collected c;
    ssx_out o;
    assert_int_equal(feed_all(buf, n, 1u << 20, &c, &o), 1);
    assert_int_equal(c.nskip, 2);
    assert_string_equal(c.why[1], "the attachment could not be read");
    assert_int_equal(c.unreadable[1], 1);
    col_free(&c);
    assert_int_equal(feed_all("E\0", 2, 1u << 20, &c, &o), 1);
    assert_int_equal(o.total, 7);
    assert_int_equal(c.nskip, 0);
    col_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(any_split_same_answer),
        cmocka_unit_test(bad_answers_refused),
        cmocka_unit_test(failed_status_is_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
