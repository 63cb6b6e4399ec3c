#include "direction.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

/* "203.0.113.7" for the log line; "an unknown address" otherwise. */
static void client_text(const struct sockaddr *sa, char *out, size_t n)
{
    const void *a = NULL;
    if (sa->sa_family == AF_INET)
        a = &((const struct sockaddr_in *)sa)->sin_addr;
    else if (sa->sa_family == AF_INET6)
        a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (!a || !inet_ntop(sa->sa_family, a, out, (socklen_t)n))
        snprintf(out, n, "an unknown address");
}

int ss_direction_inspect(const ss_config *c, const struct sockaddr *client,
                         const char *auth_authen, char *why, size_t whylen)
{
    if (auth_authen && *auth_authen) {
        snprintf(why, whylen, "outgoing: the client authenticated");
        return 1;
    }
    if (!client || (client->sa_family != AF_INET && client->sa_family != AF_INET6)) {
        snprintf(why, whylen, "outgoing: submitted on the mail server itself");
        return 1;
    }
    char addr[INET6_ADDRSTRLEN + 1];
    client_text(client, addr, sizeof addr);
    if (ss_hosts_match(c->internal_hosts, client)) {
        snprintf(why, whylen, "outgoing: client %s is in InternalHosts", addr);
        return 1;
    }
    if (c->inspect_incoming) {
        snprintf(why, whylen, "incoming from %s, inspected because InspectIncoming is yes", addr);
        return 1;
    }
    snprintf(why, whylen, "incoming: client %s is not in InternalHosts and did not "
             "authenticate", addr);
    return 0;
}
