#include "web_mhd.h"
#include "config/hosts.h"
#include "engine/state.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY_MAX (64 * 1024)

struct ss_web_server {
    struct MHD_Daemon *d;
    ss_web_app *app;
    int tls;
};

/* One request while its body arrives. */
typedef struct {
    struct MHD_PostProcessor *pp;
    ss_field *form;
    size_t nform;
    size_t bytes;
    int too_big;
} request;

static enum MHD_Result field(void *cls, enum MHD_ValueKind kind, const char *key,
                             const char *filename, const char *type, const char *encoding,
                             const char *data, uint64_t off, size_t size)
{
    request *r = cls;
    if (filename || !key)
        return MHD_YES;                 /* no page of ours takes files */
    ss_field *f = r->nform ? &r->form[r->nform - 1] : NULL;
    if (!f || strcmp(f->name, key) != 0 || off == 0) {
        r->form = ss_xrealloc(r->form, (r->nform + 1) * sizeof *r->form);
        f = &r->form[r->nform++];
        f->name = ss_xstrdup(key);
        f->value = ss_xstrdup("");
    }
    size_t have = strlen(f->value);
    f->value = ss_xrealloc(f->value, have + size + 1);
    memcpy(f->value + have, data, size);
    f->value[have + size] = '\0';
    return MHD_YES;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode why)
{
    request *r = *con_cls;
    if (!r)
        return;
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    for (size_t i = 0; i < r->nform; i++) {
        explicit_bzero(r->form[i].value, strlen(r->form[i].value));
        free(r->form[i].name);
        free(r->form[i].value);
    }
    free(r->form);
    free(r);
    *con_cls = NULL;
}

static const char *value(struct MHD_Connection *c, enum MHD_ValueKind k, const char *name)
{
    return MHD_lookup_connection_value(c, k, name);
}

/* The client's address; behind a trusted proxy, the last address it
 * adds to X-Forwarded-For (what the sign-in limit counts against). */
static void client(struct MHD_Connection *c, int trusted, char out[64])
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    snprintf(out, 64, "unknown");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, 64);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, 64);
    const char *xff = trusted ? value(c, MHD_HEADER_KIND, "X-Forwarded-For") : NULL;
    const char *last = xff ? strrchr(xff, ',') : NULL;
    last = last ? last + 1 : xff;
    while (last && *last == ' ')
        last++;
    unsigned char a[16];
    if (last && strlen(last) < 64 && (inet_pton(AF_INET, last, a) == 1
                                      || inet_pton(AF_INET6, last, a) == 1))
        snprintf(out, 64, "%s", last);
}

/* Whether the peer is one of ReviewTrustedProxies. */
static int from_proxy(struct MHD_Connection *c, const ss_config *cfg)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return cfg->review_trusted_proxies && ci && ci->client_addr
        && ss_hosts_match(cfg->review_trusted_proxies, ci->client_addr);
}

static void headers(struct MHD_Response *resp, const ss_web_resp *rs, int tls)
{
    static const char csp[] = "default-src 'none'; style-src 'self'; img-src 'self'; "
                              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    static const char *const fixed[][2] = {
        { "X-Content-Type-Options", "nosniff" }, { "X-Frame-Options", "DENY" },
        { "Referrer-Policy", "no-referrer" }, { "Cross-Origin-Opener-Policy", "same-origin" },
        { "Cache-Control", "no-store" },
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        MHD_add_response_header(resp, fixed[i][0], fixed[i][1]);
    MHD_add_response_header(resp, "Content-Security-Policy", rs->csp ? rs->csp : csp);
    MHD_add_response_header(resp, "Content-Type", rs->type);
    if (tls)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    if (rs->location[0])
        MHD_add_response_header(resp, "Location", rs->location);
    char cookie[160];
    if (rs->end_session || rs->session[0]) {
        snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict%s",
                 SS_SESSION_COOKIE, rs->end_session ? "" : rs->session,
                 rs->end_session ? "; Max-Age=0" : "");
        MHD_add_response_header(resp, "Set-Cookie", cookie);
    }
}

static enum MHD_Result answer(struct MHD_Connection *c, ss_web_resp *rs, int tls)
{
    size_t len = rs->body.len;
    char *body = ss_buf_steal(&rs->body);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    headers(resp, rs, tls);
    enum MHD_Result r = MHD_queue_response(c, (unsigned)rs->status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result plain(struct MHD_Connection *c, unsigned status, const char *text)
{
    ss_web_resp rs = { .status = (int)status, .type = "text/plain; charset=utf-8" };
    ss_buf_adds(&rs.body, text);
    return answer(c, &rs, 0);
}

/* The whole request is in: what it means, and the answer. */
static enum MHD_Result handle(ss_web_server *s, struct MHD_Connection *c, const char *url,
                              const char *method, request *r)
{
    ss_state *st = ss_state_get();
    int trusted = st && from_proxy(c, st->cfg);
    char addr[64], *proxy_user = NULL;
    client(c, trusted, addr);
    const char *h = trusted && st->cfg->review_proxy_header
                    ? value(c, MHD_HEADER_KIND, st->cfg->review_proxy_header) : NULL;
    proxy_user = h && *h ? ss_xstrdup(h) : NULL;
    ss_state_put(st);
    ss_web_req rq = {
        .method = method, .path = url, .t = value(c, MHD_GET_ARGUMENT_KIND, "t"),
        .next = value(c, MHD_GET_ARGUMENT_KIND, "next"),
        .from = value(c, MHD_GET_ARGUMENT_KIND, "from"),
        .to = value(c, MHD_GET_ARGUMENT_KIND, "to"),
        .cookie = value(c, MHD_COOKIE_KIND, SS_SESSION_COOKIE), .proxy_user = proxy_user,
        .client = addr, .form = r->form, .nform = r->nform,
    };
    ss_web_resp rs = { 0 };
    ss_web_handle(s->app, &rq, &rs);
    free(proxy_user);
    return answer(c, &rs, s->tls);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **con_cls)
{
    request *r = *con_cls;
    if (!r) {
        r = *con_cls = ss_xcalloc(1, sizeof *r);
        if (!strcmp(method, "POST"))
            r->pp = MHD_create_post_processor(c, 4096, field, r);
        return MHD_YES;
    }
    if (*size) {
        r->bytes += *size;
        r->too_big |= r->bytes > BODY_MAX;
        if (!r->too_big && r->pp)
            MHD_post_process(r->pp, data, *size);
        *size = 0;
        return MHD_YES;
    }
    if (r->too_big)
        return plain(c, 413, "That form is too large.\n");
    if (!strcmp(method, "POST") && !r->pp)
        return plain(c, 415, "A form is sent as application/x-www-form-urlencoded.\n");
    return handle(cls, c, url, method, r);
}

ss_web_server *ss_web_start(int fd, ss_web_app *app, const char *cert, const char *key,
                            char *err, size_t errlen)
{
    ss_web_server *s = ss_xcalloc(1, sizeof *s);
    s->app = app;
    s->tls = cert && key;
    if (s->tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, errlen, "this libmicrohttpd cannot serve HTTPS: leave ReviewCertificate "
                 "and ReviewKey out and use a TLS proxy");
        free(s);
        return NULL;
    }
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
                   | MHD_USE_ERROR_LOG | (s->tls ? MHD_USE_TLS : 0);
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                            MHD_OPTION_LISTEN_SOCKET, fd,
                            MHD_OPTION_CONNECTION_LIMIT, 64u,
                            MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                            s->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, key,
                            MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "libmicrohttpd could not start%s", s->tls ? " (is "
                 "ReviewCertificate a PEM certificate and ReviewKey its key?)" : "");
        free(s);
        return NULL;
    }
    return s;
}

void ss_web_stop(ss_web_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    free(s);
}
