/* Every value a review page shows goes through the one escaper: a held
 * message with a hostile subject and attachment name, and a view whose
 * every field is hostile, render with no markup of theirs and no
 * identifier; the escaper itself on the characters that matter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eom.h"
#include "../engine/store_fixture.h"
#include "review/web.h"


static void escaper_escapes_what_matters(void **state)
{
    (void)state;
    ss_buf b = SS_BUF_INIT;
    ss_html_esc(&b, "<a href=\"x\">'&'</a>\r\nline\tend\x01\x7f");
    assert_string_equal(b.p, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; \nline\tend  ");
    ss_buf_reset(&b);
    ss_html_esc(&b, "caf\xc3\xa9 \xff\xfe ok \xe2\x82");     /* é kept; bad bytes replaced */
    assert_string_equal(b.p, "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd ok \xef\xbf\xbd\xef\xbf\xbd");
    ss_buf_reset(&b);
    ss_html_esc(&b, NULL);
    assert_true(b.len == 0);
    ss_html_printf(&b, "<p title=\"%s\">%d %ld %zu 100%%</p>", "\"><script>", -1, 2L, (size_t)3);
    assert_string_equal(b.p, "<p title=\"&quot;&gt;&lt;script&gt;\">-1 2 3 100%</p>");
    ss_buf_free(&b);
}

/* Each field of a view gets its own hostile value, "<b id=fN ...>", so
 * that each can be found escaped on the page, and none raw. */
#define NFIELDS 28
static char hostile[NFIELDS][64];

static const char *field_value(int i)
{
    snprintf(hostile[i], sizeof hostile[i], "<b id=f%d onclick=\"a('1')\">&amp;", i);
    return hostile[i];
}

static void assert_each_escaped(const char *page, int n)
{
    for (int i = 0; i < n; i++) {
        char raw[32], escaped[96];
        snprintf(raw, sizeof raw, "<b id=f%d ", i);
        snprintf(escaped, sizeof escaped, "&lt;b id=f%d onclick=&quot;a(&#39;1&#39;)&quot;&gt;"
                 "&amp;amp;", i);
        if (strstr(page, raw))
            fail_msg("field %d is on the page as markup", i);
        if (!strstr(page, escaped))
            fail_msg("field %d is not on the page, escaped:\n%s", i, page);
    }
}

/* Every string a message page shows, hostile: each comes out escaped. */
static void every_field_is_escaped(void **state)
{
    (void)state;
    ss_page pg = { .title = field_value(4), .site = field_value(0), .user = field_value(1),
                   .csrf = field_value(2), .flash = field_value(3) };
    ss_held_view v;
    memset(&v, 0, sizeof v);
    char *rcpts[] = { (char *)"parent@gmail.com" };
    ss_qevent hist[] = { { SS_QS_HELD, 1700000000, (char *)"safeshare-milter",
                           (char *)field_value(5) },
                         { SS_QS_REFUSED, 1700000100, (char *)field_value(6),
                           (char *)field_value(7) } };
    v.e = (ss_qentry){ .reference = "SS-7KQ2-M9XD", .state = SS_QS_HELD, .received = 1700000000,
                       .sender = (char *)field_value(8), .recipients = rcpts, .nrecipients = 1,
                       .summary = (char *)"", .history = hist, .nhistory = 2,
                       .purpose = (char *)field_value(9), .urgency = "urgent",
                       .purpose_time = 1700000050 };
    ss_held_header h[] = { { (char *)"Subject", (char *)field_value(10) },
                           { (char *)"To", (char *)field_value(11) } };
    ss_held_part parts[] = { { (char *)field_value(12), (char *)field_value(13), 0 } };
    ss_held_finding found[] = { { SS_T_NHS, SS_CONF_HIGH, (char *)field_value(14), "" } };
    snprintf(found[0].redacted, sizeof found[0].redacted, "%.40s", field_value(15));
    ss_held_unread unread[] = { { (char *)field_value(16), (char *)field_value(17) } };
    ss_held_attach att[] = { { (char *)"attachment", (char *)field_value(18),
                               (char *)field_value(19), 27, (char *)field_value(20) } };
    ss_held_rcpt rc[1];
    memset(rc, 0, sizeof rc);
    rc[0].address = (char *)field_value(21);
    snprintf(rc[0].m.why, sizeof rc[0].m.why, "%s", field_value(22));
    snprintf(rc[0].m.alt, sizeof rc[0].m.alt, "%s", field_value(23));
    snprintf(v.problem, sizeof v.problem, "%s", field_value(24));
    v.headers = h, v.nheaders = 2, v.parts = parts, v.nparts = 1, v.found = found;
    v.nfound = 1, v.unread = unread, v.nunread = 1, v.attach = att, v.nattach = 1;
    v.rcpts = rc, v.nrcpts = 1;
    ss_decide_form f = { "release", field_value(25), field_value(26), field_value(27),
                         "reason" };
    ss_buf b = SS_BUF_INIT;
    ss_page_message(&b, &pg, &v, &f);
    assert_each_escaped(b.p, 28);
    ss_buf_free(&b);
}

static void queue_and_sender_pages_escape_too(void **state)
{
    (void)state;
    ss_page pg = { .title = "Queue", .site = field_value(0), .user = field_value(1),
                   .csrf = field_value(2), .flash = field_value(3) };
    char *rcpts[] = { (char *)field_value(4) };
    ss_match why[1];
    memset(why, 0, sizeof why);
    snprintf(why[0].why, sizeof why[0].why, "%s", field_value(5));
    snprintf(why[0].alt, sizeof why[0].alt, "%s", field_value(6));
    ss_held_item it = { .e = { .reference = "SS-7KQ2-M9XD", .sender = (char *)field_value(7),
                               .recipients = rcpts, .nrecipients = 1,
                               .summary = (char *)field_value(8),
                               .purpose = (char *)field_value(9), .urgency = "urgent" },
                        .why = why, .age = 4000, .overdue = 1 };
    ss_held_queue q = { &it, 1, 0 };
    ss_config *c = ss_config_new();
    ss_buf b = SS_BUF_INIT;
    ss_page_queue(&b, &pg, c, &q, 0);
    assert_each_escaped(b.p, 10);
    assert_non_null(strstr(b.p, "Sender says urgent"));
    assert_non_null(strstr(b.p, "Overdue: waiting longer than 4 hours"));
    ss_buf_reset(&b);
    /* The sender's page: the same record, and the site's words and
     * what the sender typed. */
    free(c->dsl_name);
    c->dsl_name = strdup(field_value(10));
    c->dsl_contact = strdup(field_value(11));
    c->portal_url = strdup(field_value(12));
    ss_sender_form sf = { field_value(13), "soon", field_value(14), "purpose" };
    it.e.sender = (char *)"teacher@stmarys.sch.uk";
    ss_page_sender(&b, &pg, c, &it.e, field_value(15), &sf);
    int on_sender_page[] = { 0, 2, 4, 9, 10, 11, 12, 13, 14, 15 };
    for (size_t i = 0; i < sizeof on_sender_page / sizeof *on_sender_page; i++) {
        char one[96];
        snprintf(one, sizeof one, "&lt;b id=f%d onclick=&quot;", on_sender_page[i]);
        if (!strstr(b.p, one))
            fail_msg("field %d is not on the sender's page, escaped:\n%s", on_sender_page[i],
                     b.p);
    }
    assert_null(strstr(b.p, "<b id"));
    ss_buf_free(&b);
    ss_config_free(c);
}

/* A real held message: a hostile subject and attachment name, from the
 * milter's own end-of-message call through the view to the page. */
static void held_message_with_hostile_subject_and_name(void **state)
{
    (void)state;
    static const char msg[] =
        "From: teacher@stmarys.sch.uk\r\nTo: parent@gmail.com\r\n"
        "Subject: <script>alert('NHS 943 476 5919')</script>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nChild protection plan. NHS 943 476 5919.\r\n"
        "--b\r\nContent-Type: text/plain; name=\"x.txt\"\r\n"
        "Content-Disposition: attachment; filename=\"\\\"><img src=x onerror=alert(1)>.txt\"\r\n\r\n"
        "notes\r\n--b--\r\n";
    store_fixture *f = store_new("OnInsecure quarantine\n");
    const char *to[] = { "parent@gmail.com" };
    ss_eom_in in = { .txn = { .sender = "teacher@stmarys.sch.uk", .rcpts = to, .nrcpts = 1,
                              .source = "milter" },
                     .msg = { .mem = msg, .len = strlen(msg), .fd = -1, .complete = 1 } };
    ss_eom_out o;
    ss_eom_run(f->st, &in, &o);
    assert_int_equal(o.r.v.action, SS_ACT_QUARANTINE);
    ss_held_who who = { "Ms Amara Patel", "amara", "web" };
    ss_held_view v;
    char err[512];
    assert_int_equal(ss_held_view_open(f->st->cfg, f->st->reg, f->st->audit, o.r.v.reference,
                                       &who, &v, err, sizeof err), SS_Q_OK);
    ss_page p = { .title = "Message", .csrf = "t", .user = "Ms Amara Patel" };
    ss_buf b = SS_BUF_INIT;
    ss_page_message(&b, &p, &v, NULL);
    assert_null(strstr(b.p, "<script"));
    assert_null(strstr(b.p, "<img"));
    assert_null(strstr(b.p, "943 476 5919"));
    assert_non_null(strstr(b.p, "&lt;script&gt;alert(&#39;NHS [NHS number]&#39;)&lt;/script&gt;"));
    assert_non_null(strstr(b.p, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.txt"));
    ss_buf_free(&b);
    ss_held_view_free(&v);
    ss_eom_free(&o);
    store_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escaper_escapes_what_matters),
        cmocka_unit_test(every_field_is_escaped),
        cmocka_unit_test(queue_and_sender_pages_escape_too),
        cmocka_unit_test(held_message_with_hostile_subject_and_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
