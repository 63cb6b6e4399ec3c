/* Notices about held mail: the built-in texts, site overrides, who gets
 * what, and that values can neither break a header nor go missing
 * silently. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "certs/link.h"
#include "notify/notify.h"

static const char *const insecure[] = { "sam.taylor.sw@gmail.com" };

static ss_config *config(void)
{
    ss_config *c = ss_config_new();
    c->path = strdup("test.conf");
    c->notify_from = strdup("safeshare@stmarys.sch.uk");
    c->dsl_address = strdup("dsl@stmarys.sch.uk");
    free(c->dsl_name);
    c->dsl_name = strdup("Ms Amara Patel");
    c->dsl_contact = strdup("01632 960123");
    c->portal_url = strdup("https://portal.exampleshire.gov.uk/share");
    c->site_name = strdup("St Mary's Primary");
    return c;
}

static ss_note held_note(void)
{
    ss_note n = {
        .reference = "SS-7KQ2-M9XD", .sender = "j.smith@stmarys.sch.uk",
        .recipients = insecure, .nrecipients = 1,
        .found = "an NHS number (high) in the message body; attachment \"a.zip\" could not be read",
        .received = 1700000000, .reviewer = "Ms Amara Patel",
        .reason = "Confirmed with the social worker by phone",
    };
    return n;
}

static char *render(const ss_config *c, ss_note_kind k, const ss_note *n)
{
    char err[512] = "";
    ss_notify_templates *t = ss_notify_load(c, err, sizeof err);
    if (!t)
        fail_msg("load: %s", err);
    const char *to[2];
    size_t nto = ss_notify_recipients(c, k, n, NULL, to);
    ss_buf out = SS_BUF_INIT;
    ss_notify_render(c, t, k, n, to, nto, &out);
    ss_notify_free(t);
    return ss_buf_steal(&out);
}

/* The body with its line breaks turned into spaces, so phrases can be
 * found wherever the wrap fell (kept in a static buffer). */
static const char *body_of(const char *msg)
{
    static char flat[16384];
    const char *b = strstr(msg, "\r\n\r\n");
    assert_non_null(b);
    size_t o = 0;
    for (b += 4; *b && o + 1 < sizeof flat; b++) {
        if (*b == '\r')
            continue;
        flat[o++] = *b == '\n' ? ' ' : *b;
    }
    flat[o] = '\0';
    return flat;
}

/* Lines end CRLF, none is longer than a mail client shows well, no
 * placeholder is left unfilled. */
static void assert_well_formed(const char *msg)
{
    assert_null(strchr(msg, '{'));
    for (const char *p = msg; *p;) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        assert_true(nl > p && nl[-1] == '\r');
        if ((size_t)(nl - p) > 80)
            fail_msg("line too long (%zu): %.*s", (size_t)(nl - p), (int)(nl - p), p);
        p = nl + 1;
    }
}

static void every_builtin_notice_renders(void **state)
{
    (void)state;
    ss_config *c = config();
    ss_note n = held_note();
    n.list = "  SS-7KQ2-M9XD  held 5 hours  from j.smith@stmarys.sch.uk\n"
             "      found: an NHS number (high) in the message body";
    n.count = 1;
    n.hours = 4;
    for (int k = 0; k < SS_NOTE__COUNT; k++) {
        char *m = render(c, (ss_note_kind)k, &n);
        assert_well_formed(m);
        assert_non_null(strstr(m, "\r\nAuto-Submitted: auto-generated\r\n"));
        assert_non_null(strstr(m, "From: safeshare@stmarys.sch.uk\r\n"));
        char want[64];
        snprintf(want, sizeof want, "X-Safeshare-Notice: %s SS-7KQ2-M9XD\r\n",
                 ss_note_name((ss_note_kind)k));
        assert_non_null(strstr(m, want));
        free(m);
    }
    ss_config_free(c);
}

static void held_notice_says_what_where_who_and_next(void **state)
{
    (void)state;
    ss_config *c = config();
    ss_note n = held_note();
    char *m = render(c, SS_NOTE_HELD, &n);
    const char *b = body_of(m);
    assert_non_null(strstr(m, "To: j.smith@stmarys.sch.uk\r\n"));
    assert_non_null(strstr(m, "Subject: Your message is being checked before it goes (SS-7KQ2-M9XD)"));
    assert_non_null(strstr(b, "sam.taylor.sw@gmail.com"));
    assert_non_null(strstr(b, "an NHS number in the message body"));
    assert_null(strstr(b, "(high)"));               /* the sender gets what and where */
    assert_non_null(strstr(b, "Ms Amara Patel"));
    assert_non_null(strstr(b, "01632 960123"));
    assert_non_null(strstr(b, "https://portal.exampleshire.gov.uk/share"));
    assert_non_null(strstr(b, "You have not done anything wrong"));
    assert_non_null(strstr(b, "SS-7KQ2-M9XD"));
    free(m);
    ss_config_free(c);
}

static void line_with_missing_value_is_left_out(void **state)
{
    (void)state;
    ss_config *c = config();
    free(c->dsl_contact);
    c->dsl_contact = NULL;
    free(c->portal_url);
    c->portal_url = NULL;
    free(c->dsl_name);
    c->dsl_name = strdup("your Designated Safeguarding Lead");
    ss_note n = held_note();
    char *m = render(c, SS_NOTE_HELD, &n);
    assert_null(strstr(m, "reach"));
    assert_null(strstr(m, "portal"));
    assert_null(strstr(m, "\r\n\r\n\r\n"));          /* blank lines collapse */
    assert_non_null(strstr(m, "your Designated Safeguarding Lead"));
    free(m);
    /* a value that opens a paragraph is capitalised */
    n.reviewer = "amara";
    m = render(c, SS_NOTE_RELEASED, &n);
    assert_non_null(strstr(body_of(m), " Amara has checked"));
    free(m);
    ss_config_free(c);
}

static void dsl_notice_has_show_command_and_confidence(void **state)
{
    (void)state;
    ss_config *c = config();
    ss_note n = held_note();
    char *m = render(c, SS_NOTE_WAITING, &n);
    assert_non_null(strstr(m, "To: dsl@stmarys.sch.uk\r\n"));
    assert_non_null(strstr(m, "safesharectl quarantine show SS-7KQ2-M9XD"));
    assert_non_null(strstr(body_of(m), "an NHS number (high) in the message body"));
    assert_non_null(strstr(m, "j.smith@stmarys.sch.uk"));
    free(m);
    ss_config_free(c);
}

/* The link in a notice, from "https://" to the end of its line. */
static char *link_in(const char *msg, const char *start)
{
    const char *p = strstr(msg, start);
    if (!p)
        return NULL;
    return strndup(p, strcspn(p, "\r\n "));
}

/* With ReviewURL: the DSL gets a signed link to the message page in place
 * of the commands (they have no shell on the mail server), the sender a
 * signed link to their own page, the reminder the queue. */
static void notices_link_to_the_review_page(void **state)
{
    (void)state;
    ss_config *c = config();
    c->review_url = strdup("https://review.stmarys.sch.uk/");
    memcpy(c->release_key, "0123456789abcdef0123456789abcdef", 32);
    c->release_key_len = 32;
    unsigned char key[32];
    assert_int_equal(ss_link_key(c->release_key, 32, key), 0);
    ss_note n = held_note();
    char *m = render(c, SS_NOTE_WAITING, &n);
    char *url = link_in(m, "https://review.stmarys.sch.uk/review/SS-7KQ2-M9XD?t=");
    assert_non_null(url);
    const char *t = strstr(url, "?t=") + 3;
    time_t now = time(NULL);
    assert_int_equal(ss_link_check(key, SS_LINK_DSL, "SS-7KQ2-M9XD", t, now), SS_LINK_OK);
    assert_int_equal(ss_link_check(key, SS_LINK_DSL, "SS-7KQ2-M9XD", t, now + 7 * 86400 + 60),
                     SS_LINK_EXPIRED);
    assert_int_equal(ss_link_check(key, SS_LINK_SENDER, "SS-7KQ2-M9XD", t, now), SS_LINK_FORGED);
    assert_null(strstr(m, "safesharectl"));
    assert_non_null(strstr(body_of(m), "The link asks you to sign in, and works until"));
    free(url);
    free(m);
    m = render(c, SS_NOTE_HELD, &n);
    url = link_in(m, "https://review.stmarys.sch.uk/sender/SS-7KQ2-M9XD?t=");
    assert_non_null(url);
    assert_int_equal(ss_link_check(key, SS_LINK_SENDER, "SS-7KQ2-M9XD", strstr(url, "?t=") + 3,
                                   now), SS_LINK_OK);
    assert_non_null(strstr(body_of(m), "why it needs to go and how urgent it is"));
    free(url);
    free(m);
    n.list = "  SS-7KQ2-M9XD  waiting 5 hours";
    n.count = 1;
    m = render(c, SS_NOTE_REMINDER, &n);
    assert_non_null(strstr(m, "Open the queue:  https://review.stmarys.sch.uk/queue\r\n"));
    assert_null(strstr(m, "safesharectl"));
    free(m);
    /* Without ReviewURL nothing links anywhere and the commands are there. */
    free(c->review_url);
    c->review_url = NULL;
    m = render(c, SS_NOTE_WAITING, &n);
    assert_null(strstr(m, "https://review"));
    assert_null(strstr(m, "sign in"));
    assert_non_null(strstr(m, "safesharectl quarantine release SS-7KQ2-M9XD --reason"));
    free(m);
    m = render(c, SS_NOTE_HELD, &n);
    assert_null(strstr(body_of(m), "how urgent"));
    free(m);
    ss_config_free(c);
}

static void outcome_notices_carry_the_reason(void **state)
{
    (void)state;
    ss_config *c = config();
    ss_note n = held_note();
    char *m = render(c, SS_NOTE_RELEASED, &n);
    assert_non_null(strstr(m, "Subject: Your message has been sent (SS-7KQ2-M9XD)"));
    assert_non_null(strstr(body_of(m), "Their reason: Confirmed with the social worker by phone"));
    assert_null(strstr(m, "A note from"));           /* no note, no line */
    free(m);
    n.note = "Please use her nhs.net address next time";
    m = render(c, SS_NOTE_RELEASED, &n);
    assert_non_null(strstr(body_of(m), "A note from Ms Amara Patel: Please use her nhs.net "
                                       "address next time"));
    free(m);
    n.note = NULL;
    m = render(c, SS_NOTE_REFUSED, &n);
    assert_non_null(strstr(m, "Subject: Your message was not sent (SS-7KQ2-M9XD)"));
    assert_non_null(strstr(body_of(m), "Confirmed with the social worker by phone"));
    free(m);
    ss_config_free(c);
}

static void who_is_told(void **state)
{
    (void)state;
    ss_config *c = config();
    ss_note n = held_note();
    const char *to[2];
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_HELD, &n, NULL, to), 1);
    assert_string_equal(to[0], "j.smith@stmarys.sch.uk");
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_WAITING, &n, NULL, to), 1);
    assert_string_equal(to[0], "dsl@stmarys.sch.uk");
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_REMINDER, &n, NULL, to), 1);
    c->dsl_deputy_address = strdup("deputy@stmarys.sch.uk");
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_REMINDER, &n, NULL, to), 2);
    assert_string_equal(to[1], "deputy@stmarys.sch.uk");
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_REMINDER, &n, "other@x.org", to), 2);
    assert_string_equal(to[1], "other@x.org");
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_REMINDER, &n, "DSL@stmarys.sch.uk", to), 1);
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_WAITING, &n, "other@x.org", to), 1);
    /* never to <>, never to ourselves (a loop), never to a broken address */
    n.sender = "";
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_HELD, &n, NULL, to), 0);
    n.sender = "SafeShare@stmarys.sch.uk";
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_REFUSED, &n, NULL, to), 0);
    n.sender = "a@b.org>\r\nBcc: x@y.org";
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_HELD, &n, NULL, to), 0);
    /* without NotifyFrom nobody is told */
    n.sender = "j.smith@stmarys.sch.uk";
    free(c->notify_from);
    c->notify_from = NULL;
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_HELD, &n, NULL, to), 0);
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_WAITING, &n, NULL, to), 0);
    char err[256];
    ss_notify_templates *t = ss_notify_load(c, err, sizeof err);
    assert_non_null(t);
    assert_int_equal(ss_notify_send(c, t, SS_NOTE_HELD, &n, NULL, err, sizeof err), 1);
    ss_notify_free(t);
    ss_config_free(c);
}

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
}

static void site_templates_override_and_are_checked(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/test_notify.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    ss_config *c = config();
    c->notify_template_dir = strdup(tmpdir);
    write_file("held.txt", "Subject: Held: {reference}\r\n\r\nDear colleague,\r\n"
               "{reference} waits for {dsl_name}. {reason}\r\n");
    ss_note n = held_note();
    char *m = render(c, SS_NOTE_HELD, &n);
    assert_non_null(strstr(m, "Subject: Held: SS-7KQ2-M9XD\r\n"));
    assert_non_null(strstr(body_of(m), "Dear colleague, SS-7KQ2-M9XD waits for Ms Amara Patel."));
    free(m);
    m = render(c, SS_NOTE_REFUSED, &n);           /* no refused.txt: built in */
    assert_non_null(strstr(m, "Your message was not sent"));
    free(m);

    char err[512] = "";
    write_file("waiting.txt", "Subject: x\n\nline one\nline {referense}\n");
    assert_null(ss_notify_load(c, err, sizeof err));
    assert_non_null(strstr(err, "waiting.txt:4: unknown placeholder {referense}"));
    write_file("waiting.txt", "Hello {reference}\n");
    assert_null(ss_notify_load(c, err, sizeof err));
    assert_non_null(strstr(err, "waiting.txt:1:"));
    write_file("waiting.txt", "Subject: x\nbody\n");
    assert_null(ss_notify_load(c, err, sizeof err));
    assert_non_null(strstr(err, "waiting.txt:2:"));
    /* a lone brace is text, not a placeholder */
    write_file("waiting.txt", "Subject: x\n\nuse {} or {Not_one} freely {reference}\n");
    ss_notify_templates *t = ss_notify_load(c, err, sizeof err);
    assert_non_null(t);
    ss_notify_free(t);
    remove_file("waiting.txt");
    remove_file("held.txt");
    rmdir(tmpdir);
    /* a mistyped directory is an error, not the built-in texts in silence */
    assert_null(ss_notify_load(c, err, sizeof err));
    assert_non_null(strstr(err, "NotifyTemplateDir"));
    ss_config_free(c);
}

static void addresses_are_checked_at_load(void **state)
{
    (void)state;
    ss_config *c = config();
    char err[512] = "";
    free(c->dsl_address);
    c->dsl_address = strdup("Amara Patel <dsl@stmarys.sch.uk>");
    assert_null(ss_notify_load(c, err, sizeof err));
    assert_non_null(strstr(err, "DSLAddress"));
    ss_config_free(c);
}

/* A reviewer's reason with line breaks and header text stays in the body;
 * a subject that uses it cannot grow a header. */
static void values_cannot_inject_headers(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/test_notify.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    ss_config *c = config();
    c->notify_template_dir = strdup(tmpdir);
    write_file("refused.txt", "Subject: Refused: {reason}\n\n{reason}\n");
    ss_note n = held_note();
    n.reason = "no\r\nBcc: everyone@example.org\r\n\r\nsurprise";
    char *m = render(c, SS_NOTE_REFUSED, &n);
    assert_null(strstr(m, "\r\nBcc:"));
    assert_non_null(strstr(m, "Subject: Refused: no  Bcc: everyone@example.org"));
    free(m);
    remove_file("refused.txt");
    rmdir(tmpdir);
    ss_config_free(c);
}

static void non_ascii_subject_is_encoded(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/test_notify.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    ss_config *c = config();
    c->notify_template_dir = strdup(tmpdir);
    write_file("held.txt", "Subject: Neges wedi\xe2\x80\x99i dal \xe2\x80\x93 {reference}\n\nDiolch.\n");
    ss_note n = held_note();
    char *m = render(c, SS_NOTE_HELD, &n);
    assert_non_null(strstr(m, "Subject: =?UTF-8?B?"));
    assert_null(strstr(m, "\xe2\x80\x99i dal"));
    assert_non_null(strstr(m, "Content-Type: text/plain; charset=utf-8"));
    free(m);
    remove_file("held.txt");
    rmdir(tmpdir);
    ss_config_free(c);
}

static void long_text_wraps_and_long_words_are_cut(void **state)
{
    (void)state;
    ss_config *c = config();
    ss_note n = held_note();
    char reason[3000];
    size_t o = 0;
    for (int i = 0; i < 40; i++)
        o += (size_t)snprintf(reason + o, sizeof reason - o, "word%02d ", i);
    memset(reason + o, 'x', 1500);
    reason[o + 1500] = '\0';
    n.reason = reason;
    char *m = render(c, SS_NOTE_RELEASED, &n);
    for (const char *p = m; *p;) {
        const char *nl = strchr(p, '\n');
        assert_true((size_t)(nl - p) <= 998);
        p = nl + 1;
    }
    assert_non_null(strstr(m, "word39"));
    free(m);
    ss_config_free(c);
}

static void plain_found_drops_confidence(void **state)
{
    (void)state;
    ss_buf b = SS_BUF_INIT;
    ss_notify_plain_found("an NHS number (high) in the subject; a UPN (low) in part 2 (text/csv)", &b);
    assert_string_equal(b.p, "an NHS number in the subject; a UPN in part 2 (text/csv)");
    ss_buf_free(&b);
}

static void send_to_nowhere_fails_quickly(void **state)
{
    (void)state;
    ss_config *c = config();
    free(c->release_submit_url);
    c->release_submit_url = strdup("smtp://127.0.0.1:9");
    char err[512] = "";
    ss_notify_templates *t = ss_notify_load(c, err, sizeof err);
    assert_non_null(t);
    ss_note n = held_note();
    time_t t0 = time(NULL);
    assert_int_equal(ss_notify_send(c, t, SS_NOTE_HELD, &n, NULL, err, sizeof err), -1);
    assert_true(time(NULL) - t0 <= SS_NOTIFY_TOTAL_SECS);
    assert_non_null(strstr(err, "127.0.0.1:9"));
    ss_notify_free(t);
    ss_config_free(c);
}

/* The daily register notice (issue 17): to the admin and the DSL, saying
 * what is wrong, what it means for senders and what to do. */
static void register_notice_tells_admin_and_dsl(void **state)
{
    (void)state;
    ss_config *c = config();
    c->admin_address = strdup("it@stmarys.sch.uk");
    ss_note n = { .reference = "2026112201", .serial = 2026112201,
                  .problem = "It went stale at 2026-12-22T00:00:00Z and no newer good "
                             "register has arrived.",
                  .expires = "2026-12-22T00:00:00Z", .register_path = "/etc/safeshare/register.txt" };
    const char *to[2];
    assert_int_equal(ss_notify_recipients(c, SS_NOTE_REGISTER, &n, NULL, to), 2);
    assert_string_equal(to[0], "it@stmarys.sch.uk");
    assert_string_equal(to[1], "dsl@stmarys.sch.uk");
    char *m = render(c, SS_NOTE_REGISTER, &n);
    assert_non_null(strstr(m, "To: it@stmarys.sch.uk,\r\n dsl@stmarys.sch.uk\r\n"));
    assert_non_null(strstr(m, "Subject: The secure-domain register needs attention\r\n"));
    assert_non_null(strstr(m, "X-Safeshare-Notice: register 2026112201\r\n"));
    const char *b = body_of(m);
    assert_non_null(strstr(b, "It went stale at 2026-12-22T00:00:00Z"));
    assert_non_null(strstr(b, "serial 2026112201"));
    assert_non_null(strstr(b, "/etc/safeshare/register.txt"));
    assert_non_null(strstr(b, "safesharectl register check"));
    free(m);
    ss_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_builtin_notice_renders),
        cmocka_unit_test(held_notice_says_what_where_who_and_next),
        cmocka_unit_test(line_with_missing_value_is_left_out),
        cmocka_unit_test(dsl_notice_has_show_command_and_confidence),
        cmocka_unit_test(notices_link_to_the_review_page),
        cmocka_unit_test(outcome_notices_carry_the_reason),
        cmocka_unit_test(who_is_told),
        cmocka_unit_test(register_notice_tells_admin_and_dsl),
        cmocka_unit_test(site_templates_override_and_are_checked),
        cmocka_unit_test(addresses_are_checked_at_load),
        cmocka_unit_test(values_cannot_inject_headers),
        cmocka_unit_test(non_ascii_subject_is_encoded),
        cmocka_unit_test(long_text_wraps_and_long_words_are_cut),
        cmocka_unit_test(plain_found_drops_confidence),
        cmocka_unit_test(send_to_nowhere_fails_quickly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
