/* Sessions, CSRF tokens and the sign-in limit of safeshare-review: ids
 * and tokens that cannot be guessed or reused, idle and absolute
 * timeouts, a new id at sign-in, and attempts refused once too many fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "review/ratelimit.h"
#include "review/session.h"

#define T0 1900000000

static void each_visitor_gets_a_fresh_session(void **state)
{
    (void)state;
    ss_sessions *s = ss_sessions_new(8, 1800, 8 * 3600);
    ss_session a, b, again;
    assert_int_equal(ss_session_get(s, NULL, T0, &a), 0);
    assert_int_equal(ss_session_get(s, "not a session id", T0, &b), 0);
    assert_int_equal(strlen(a.id), 64);
    assert_int_equal(strlen(a.csrf), 64);
    assert_string_not_equal(a.id, b.id);
    assert_string_not_equal(a.csrf, b.csrf);
    assert_string_not_equal(a.id, a.csrf);
    assert_string_equal(a.user, "");
    assert_int_equal(ss_session_get(s, a.id, T0 + 5, &again), 1);
    assert_string_equal(again.csrf, a.csrf);
    ss_sessions_free(s);
}

static void csrf_token_is_the_sessions_own(void **state)
{
    (void)state;
    ss_sessions *s = ss_sessions_new(8, 1800, 8 * 3600);
    ss_session a, b;
    ss_session_get(s, NULL, T0, &a);
    ss_session_get(s, NULL, T0, &b);
    assert_true(ss_csrf_ok(&a, a.csrf));
    assert_false(ss_csrf_ok(&a, b.csrf));              /* another visitor's token */
    assert_false(ss_csrf_ok(&a, NULL));                /* a forged form has none */
    assert_false(ss_csrf_ok(&a, ""));
    char cut[65];
    memcpy(cut, a.csrf, 63);
    cut[63] = '\0';
    assert_false(ss_csrf_ok(&a, cut));
    cut[63] = a.csrf[63] == '0' ? '1' : '0';
    cut[64] = '\0';
    assert_false(ss_csrf_ok(&a, cut));                 /* one digit changed */
    ss_sessions_free(s);
}

static void idle_and_absolute_timeouts(void **state)
{
    (void)state;
    ss_sessions *s = ss_sessions_new(8, 1800, 8 * 3600);
    ss_session a, x;
    ss_session_get(s, NULL, T0, &a);
    ss_session_login(s, a.id, "amara", "Ms Amara Patel", "fp", T0, &a);
    /* used every 20 minutes: alive until eight hours from sign-in */
    time_t t = T0;
    for (; t + 1200 <= T0 + 8 * 3600; t += 1200)
        assert_int_equal(ss_session_get(s, a.id, t + 1200, &x), 1);
    assert_int_equal(ss_session_get(s, a.id, T0 + 8 * 3600 + 1, &x), 0);
    assert_string_equal(x.user, "");
    /* unused for longer than the idle time: gone */
    ss_session b;
    ss_session_get(s, NULL, T0, &b);
    ss_session_login(s, b.id, "amara", "Ms Amara Patel", "fp", T0, &b);
    assert_int_equal(ss_session_get(s, b.id, T0 + 1800, &x), 1);
    assert_int_equal(ss_session_get(s, b.id, T0 + 1800 + 1801, &x), 0);
    ss_sessions_free(s);
}

static void sign_in_gives_a_new_id(void **state)
{
    (void)state;
    ss_sessions *s = ss_sessions_new(8, 1800, 8 * 3600);
    ss_session planted, in, x;
    ss_session_get(s, NULL, T0, &planted);
    ss_session_login(s, planted.id, "amara", "Ms Amara Patel", "fp", T0, &in);
    assert_string_not_equal(in.id, planted.id);
    assert_string_not_equal(in.csrf, planted.csrf);
    assert_string_equal(in.user, "amara");
    assert_string_equal(in.full, "Ms Amara Patel");
    /* the id known before sign-in opens nothing now */
    assert_int_equal(ss_session_get(s, planted.id, T0 + 1, &x), 0);
    assert_string_equal(x.user, "");
    assert_int_equal(ss_session_get(s, in.id, T0 + 1, &x), 1);
    assert_string_equal(x.user, "amara");
    ss_session_end_user(s, "amara");
    assert_int_equal(ss_session_get(s, in.id, T0 + 2, &x), 0);
    ss_sessions_free(s);
}

static void flash_is_said_once_and_table_stays_bounded(void **state)
{
    (void)state;
    ss_sessions *s = ss_sessions_new(3, 1800, 8 * 3600);
    ss_session a, x;
    ss_session_get(s, NULL, T0, &a);
    char out[64];
    int err = 0;
    ss_session_flash(s, a.id, "Released.", 0);
    assert_int_equal(ss_session_take_flash(s, a.id, out, sizeof out, &err), 1);
    assert_string_equal(out, "Released.");
    assert_int_equal(ss_session_take_flash(s, a.id, out, sizeof out, &err), 0);
    /* three more visitors: the least recently used session makes room */
    for (int i = 0; i < 3; i++)
        ss_session_get(s, NULL, T0 + 10 + i, &x);
    assert_int_equal(ss_session_get(s, a.id, T0 + 20, &x), 0);
    ss_sessions_free(s);
}

static void sign_in_attempts_are_limited(void **state)
{
    (void)state;
    ss_ratelimit *r = ss_ratelimit_new(4, 5, 900);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(ss_ratelimit_wait(r, "address 10.0.0.1", T0 + i), 0);
        ss_ratelimit_fail(r, "address 10.0.0.1", T0 + i);
    }
    assert_int_equal(ss_ratelimit_wait(r, "address 10.0.0.1", T0 + 10), 890);
    assert_int_equal(ss_ratelimit_wait(r, "address 10.0.0.2", T0 + 10), 0);
    assert_int_equal(ss_ratelimit_wait(r, "address 10.0.0.1", T0 + 900), 0);   /* window over */
    ss_ratelimit_fail(r, "name amara", T0);
    ss_ratelimit_clear(r, "name amara");
    for (int i = 0; i < 4; i++)
        ss_ratelimit_fail(r, "name amara", T0 + i);
    assert_int_equal(ss_ratelimit_wait(r, "name amara", T0 + 5), 0);          /* four, not five */
    /* more keys than slots: the oldest goes, the table does not grow */
    for (int i = 0; i < 10; i++) {
        char k[32];
        snprintf(k, sizeof k, "address 10.1.0.%d", i);
        ss_ratelimit_fail(r, k, T0 + 100 + i);
    }
    ss_ratelimit_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_visitor_gets_a_fresh_session),
        cmocka_unit_test(csrf_token_is_the_sessions_own),
        cmocka_unit_test(idle_and_absolute_timeouts),
        cmocka_unit_test(sign_in_gives_a_new_id),
        cmocka_unit_test(flash_is_said_once_and_table_stays_bounded),
        cmocka_unit_test(sign_in_attempts_are_limited),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
