#include "hosts.h"
#include "base/buf.h"

#include <gio/gio.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

struct ss_hosts {
    GInetAddressMask **masks;
    size_t n;
    char *text;
};

void ss_hosts_free(ss_hosts *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        g_object_unref(h->masks[i]);
    free(h->masks);
    free(h->text);
    free(h);
}

static int add_mask(ss_hosts *h, ss_buf *text, const char *word, char *why, size_t whylen)
{
    GError *e = NULL;
    GInetAddressMask *m = g_inet_address_mask_new_from_string(word, &e);
    if (!m) {
        snprintf(why, whylen, "%s: %s", word, e->message);
        g_error_free(e);
        return -1;
    }
    h->masks = ss_xrealloc(h->masks, (h->n + 1) * sizeof *h->masks);
    h->masks[h->n++] = m;
    char *s = g_inet_address_mask_to_string(m);
    ss_buf_printf(text, "%s%s", text->len ? ", " : "", s);
    g_free(s);
    return 0;
}

ss_hosts *ss_hosts_parse(const char *text, char *why, size_t whylen)
{
    ss_hosts *h = ss_xcalloc(1, sizeof *h);
    ss_buf canon = SS_BUF_INIT;
    char *copy = ss_xstrdup(text), *save = NULL;
    int rc = 0;
    for (char *w = strtok_r(copy, ", \t", &save); w && rc == 0; w = strtok_r(NULL, ", \t", &save))
        rc = add_mask(h, &canon, w, why, whylen);
    free(copy);
    if (rc == 0 && h->n == 0) {
        snprintf(why, whylen, "expected one or more networks such as 127.0.0.0/8, ::1");
        rc = -1;
    }
    h->text = ss_buf_steal(&canon);
    if (rc != 0) {
        ss_hosts_free(h);
        return NULL;
    }
    return h;
}

/* The client's address as GIO sees it; IPv4-mapped IPv6 becomes IPv4. */
static GInetAddress *client_address(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return g_inet_address_new_from_bytes((const guint8 *)&in->sin_addr, G_SOCKET_FAMILY_IPV4);
    }
    if (sa->sa_family != AF_INET6)
        return NULL;
    const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a6))
        return g_inet_address_new_from_bytes(a6->s6_addr + 12, G_SOCKET_FAMILY_IPV4);
    return g_inet_address_new_from_bytes(a6->s6_addr, G_SOCKET_FAMILY_IPV6);
}

int ss_hosts_match(const ss_hosts *h, const struct sockaddr *sa)
{
    GInetAddress *a = h && sa ? client_address(sa) : NULL;
    if (!a)
        return 0;
    int hit = 0;
    for (size_t i = 0; i < h->n && !hit; i++)
        hit = g_inet_address_mask_matches(h->masks[i], a);
    g_object_unref(a);
    return hit;
}

const char *ss_hosts_text(const ss_hosts *h)
{
    return h ? h->text : "";
}
