/* Outgoing only: internal hosts and authenticated clients are inspected,
 * everyone else passes untouched unless InspectIncoming is yes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "config/config.h"
#include "engine/direction.h"

#define MIN "Socket unix:/run/ss.sock\nRegister /etc/r.txt\nAuditLog /var/log/a\nAuditKey /etc/k\n"

static ss_config *conf(const char *extra)
{
    char text[1024], err[512] = "";
    snprintf(text, sizeof text, "%s%s", MIN, extra);
    ss_config *c = ss_config_parse("x.conf", text, err, sizeof err);
    if (!c)
        fail_msg("config refused: %s", err);
    return c;
}

/* The address as the MTA hands it to the milter. */
static struct sockaddr_storage addr(const char *text)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, text, &in->sin_addr) == 1)
        in->sin_family = AF_INET;
    else if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1)
        in6->sin6_family = AF_INET6;
    else
        fail_msg("bad test address %s", text);
    return ss;
}

static int inspect(const ss_config *c, const char *client, const char *auth, char *why)
{
    struct sockaddr_storage ss;
    if (client)
        ss = addr(client);
    return ss_direction_inspect(c, client ? (struct sockaddr *)&ss : NULL, auth, why, 256);
}

static void default_is_this_machine_only(void **state)
{
    ss_config *c = conf("");
    char why[256];
    assert_int_equal(inspect(c, "127.0.0.1", NULL, why), 1);
    assert_string_equal(why, "outgoing: client 127.0.0.1 is in InternalHosts");
    assert_int_equal(inspect(c, "127.45.6.7", "", why), 1);
    assert_int_equal(inspect(c, "::1", NULL, why), 1);
    /* a dual-stack listener reports IPv4 clients as mapped addresses */
    assert_int_equal(inspect(c, "::ffff:127.0.0.1", NULL, why), 1);
    assert_int_equal(inspect(c, "192.0.2.5", NULL, why), 0);
    assert_string_equal(why, "incoming: client 192.0.2.5 is not in InternalHosts and did "
                        "not authenticate");
    assert_int_equal(inspect(c, "::ffff:192.0.2.5", NULL, why), 0);
    assert_int_equal(inspect(c, "2001:db8::5", NULL, why), 0);
    assert_string_equal(ss_hosts_text(c->internal_hosts), "127.0.0.0/8, ::1");
    ss_config_free(c);
}

static void authenticated_clients_are_outgoing(void **state)
{
    ss_config *c = conf("");
    char why[256];
    /* a teacher sending from home: an outside address, logged in */
    assert_int_equal(inspect(c, "198.51.100.20", "j.smith", why), 1);
    assert_string_equal(why, "outgoing: the client authenticated");
    assert_null(strstr(why, "j.smith"));
    ss_config_free(c);
}

static void unknown_client_is_inspected(void **state)
{
    ss_config *c = conf("InternalHosts 10.0.0.0/8\n");
    char why[256];
    assert_int_equal(inspect(c, NULL, NULL, why), 1);
    assert_string_equal(why, "outgoing: submitted on the mail server itself");
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    assert_int_equal(ss_direction_inspect(c, (struct sockaddr *)&un, NULL, why, sizeof why), 1);
    ss_config_free(c);
}

static void site_networks_replace_the_default(void **state)
{
    ss_config *c = conf("InternalHosts 10.20.0.0/16,192.0.2.7 2001:db8:5::/48\n");
    char why[256];
    assert_int_equal(inspect(c, "10.20.3.4", NULL, why), 1);
    assert_int_equal(inspect(c, "10.21.0.1", NULL, why), 0);
    assert_int_equal(inspect(c, "192.0.2.7", NULL, why), 1);
    assert_int_equal(inspect(c, "192.0.2.8", NULL, why), 0);
    assert_int_equal(inspect(c, "2001:db8:5:1::9", NULL, why), 1);
    assert_int_equal(inspect(c, "2001:db8:6::9", NULL, why), 0);
    /* listed networks replace the default: loopback is not implied */
    assert_int_equal(inspect(c, "127.0.0.1", NULL, why), 0);
    assert_string_equal(ss_hosts_text(c->internal_hosts),
                        "10.20.0.0/16, 192.0.2.7, 2001:db8:5::/48");
    ss_config_free(c);
}

static void inspect_incoming_inspects_everything(void **state)
{
    ss_config *c = conf("InspectIncoming yes\n");
    char why[256];
    assert_int_equal(inspect(c, "192.0.2.5", NULL, why), 1);
    assert_string_equal(why, "incoming from 192.0.2.5, inspected because InspectIncoming is yes");
    ss_config_free(c);
}

static void expect_error(const char *extra, const char *want)
{
    char text[512], err[512] = "";
    snprintf(text, sizeof text, "%s%s", MIN, extra);
    ss_config *c = ss_config_parse("x.conf", text, err, sizeof err);
    if (c || strcmp(err, want) != 0)
        fail_msg("expected \"%s\", got \"%s\"", want, c ? "(accepted)" : err);
    ss_config_free(c);
}

static void bad_networks_name_file_line_key(void **state)
{
    expect_error("InternalHosts 10.0.0.1/8\n",
                 "x.conf:5: InternalHosts: 10.0.0.1/8: Address has bits set beyond prefix length");
    expect_error("InternalHosts 10.0.0.0/33\n",
                 "x.conf:5: InternalHosts: 10.0.0.0/33: Length 33 is too long for address");
    expect_error("InternalHosts ,\n",
                 "x.conf:5: InternalHosts: expected one or more networks such as 127.0.0.0/8, ::1");
    expect_error("InspectIncoming maybe\n", "x.conf:5: InspectIncoming: expected yes or no");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_is_this_machine_only),
        cmocka_unit_test(authenticated_clients_are_outgoing),
        cmocka_unit_test(unknown_client_is_inspected),
        cmocka_unit_test(site_networks_replace_the_default),
        cmocka_unit_test(inspect_incoming_inspects_everything),
        cmocka_unit_test(bad_networks_name_file_line_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
