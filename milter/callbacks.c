#include "callbacks.h"
#include "base/buf.h"
#include "engine/direction.h"
#include "engine/eom.h"
#include "base/log.h"
#include "msgbuf.h"
#include "mta.h"
#include "engine/state.h"
#include "certs/token.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* One per message; lives inside the connection context. */
typedef struct {
    ss_state *st;          /* snapshot taken at MAIL FROM, held to the end */
    char *sender;
    char **rcpts;
    size_t nrcpts;
    ss_msgbuf body;
    int io_error;
    char **tokens;         /* X-Safeshare-Release values, in order */
    size_t ntokens;
    size_t token_headers;  /* how many there were (all are removed) */
} msgctx;

typedef struct {
    msgctx *msg;
    struct sockaddr_storage client;  /* the SMTP client, as the MTA gave it */
    int has_client;
} connctx;

/* The one cleanup path for a message: safe on NULL and on a half-built one. */
static void msg_free(msgctx *m)
{
    if (!m)
        return;
    free(m->sender);
    for (size_t i = 0; i < m->nrcpts; i++)
        free(m->rcpts[i]);
    free(m->rcpts);
    for (size_t i = 0; i < m->ntokens; i++)
        free(m->tokens[i]);
    free(m->tokens);
    ss_msgbuf_free(&m->body);
    ss_state_put(m->st);
    free(m);
}

/* Done with the current message, whatever happened to it. */
static void end_message(connctx *c)
{
    msg_free(c->msg);
    c->msg = NULL;
}

static connctx *conn(SMFICTX *ctx)
{
    return smfi_getpriv(ctx);
}

static const char *qid(SMFICTX *ctx)
{
    const char *q = ss_mta_macro(ctx, "i");
    return q ? q : "NOQUEUE";
}

/* The steps answered with SMFIS_NOREPLY (on_negotiate says why). */
#define SMFI_NO_REPLY (SMFIP_NR_CONN | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY)

static sfsistat on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                             unsigned long f2, unsigned long f3, unsigned long *pf0,
                             unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
    /* CHGHDRS: a honoured release token is removed before delivery. */
    const unsigned long need = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_SETSYMLIST;
    if ((f0 & need) != need) {
        ss_log(SS_LOG_ERR, "the MTA does not grant the actions safeshare needs "
               "(add and change headers, macro list): refusing to filter; mail will be held "
               "by the MTA's default action");
        return SMFIS_REJECT;
    }
    *pf0 = need;
    /* Every step we have a callback for, nothing skipped: we need each
     * recipient and all the body. The steps whose answer can only be
     * "go on" (connect, each header, end of headers, each body chunk)
     * are sent without waiting for one: the MTA streams them, and neither
     * side pays a round trip per header (libmilter stands in for an MTA
     * that cannot). A problem there is answered at the end of the message. */
    *pf1 = f1 & (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFI_NO_REPLY);
    *pf2 = *pf3 = 0;
    /* {auth_authen} at MAIL FROM: an authenticated client's mail is outgoing. */
    smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen}");
    smfi_setsymlist(ctx, SMFIM_EOH, "i");
    smfi_setsymlist(ctx, SMFIM_EOM, "i");
    return SMFIS_CONTINUE;
}

static sfsistat on_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
    connctx *c = calloc(1, sizeof *c);
    if (!c || smfi_setpriv(ctx, c) != MI_SUCCESS) {
        free(c);
        return SMFIS_NOREPLY;     /* MAIL FROM finds no context: tempfail */
    }
    size_t len = !addr ? 0 : addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
               : addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : 0;
    if (len) {
        memcpy(&c->client, addr, len);
        c->has_client = 1;
    }
    return SMFIS_NOREPLY;
}

/* The MTA passes "<addr>"; the register, the log and the audit record
 * want the bare address. */
static char *bare_address(const char *a)
{
    if (!a)
        return ss_xstrdup("");
    size_t n = strlen(a);
    if (n >= 2 && a[0] == '<' && a[n - 1] == '>')
        return ss_xstrndup(a + 1, n - 2);
    return ss_xstrdup(a);
}

/* Mail that is not outgoing is not ours to judge (engine/direction.h):
 * accept it untouched, with no record. */
static int outgoing(SMFICTX *ctx, const connctx *c, const ss_state *st)
{
    char why[256];
    int yes = ss_direction_inspect(st->cfg, c->has_client ? (const struct sockaddr *)&c->client
                                   : NULL, ss_mta_macro(ctx, "{auth_authen}"), why, sizeof why);
    if (!yes)
        ss_log(SS_LOG_INFO, "%s: not inspected: %s", qid(ctx), why);
    return yes;
}

static sfsistat on_envfrom(SMFICTX *ctx, char **argv)
{
    connctx *c = conn(ctx);
    if (!c)
        return SMFIS_TEMPFAIL;
    end_message(c);
    ss_state *st = ss_state_get();
    if (!outgoing(ctx, c, st)) {
        ss_state_put(st);
        return SMFIS_ACCEPT;
    }
    msgctx *m = ss_xcalloc(1, sizeof *m);
    m->st = st;
    m->sender = bare_address(argv[0]);
    ss_msgbuf_init(&m->body, m->st->cfg->body_memory_max, m->st->cfg->max_message_size,
                   m->st->cfg->temp_dir, m->st->cfg->quarantine_key_len > 0);
    c->msg = m;
    return SMFIS_CONTINUE;
}

static sfsistat on_envrcpt(SMFICTX *ctx, char **argv)
{
    connctx *c = conn(ctx);
    if (!c || !c->msg)
        return SMFIS_TEMPFAIL;
    msgctx *m = c->msg;
    m->rcpts = ss_xrealloc(m->rcpts, (m->nrcpts + 1) * sizeof *m->rcpts);
    m->rcpts[m->nrcpts++] = bare_address(argv[0]);
    return SMFIS_CONTINUE;
}

static void add(msgctx *m, const char *p, size_t n)
{
    if (!m->io_error && ss_msgbuf_add(&m->body, p, n) != 0)
        m->io_error = 1;
}

static sfsistat on_header(SMFICTX *ctx, char *name, char *value)
{
    connctx *c = conn(ctx);
    if (!c || !c->msg)
        return SMFIS_NOREPLY;     /* the end of the message tempfails */
    msgctx *m = c->msg;
    if (strcasecmp(name, SS_TOKEN_HEADER) == 0) {
        m->token_headers++;
        if (m->ntokens < SS_TOKEN_MAX_HEADERS) {
            m->tokens = ss_xrealloc(m->tokens, (m->ntokens + 1) * sizeof *m->tokens);
            m->tokens[m->ntokens++] = ss_xstrdup(value);
        }
    }
    add(c->msg, name, strlen(name));
    add(c->msg, ": ", 2);
    add(c->msg, value, strlen(value));
    add(c->msg, "\r\n", 2);
    return SMFIS_NOREPLY;
}

static sfsistat on_eoh(SMFICTX *ctx)
{
    connctx *c = conn(ctx);
    if (c && c->msg)
        add(c->msg, "\r\n", 2);
    return SMFIS_NOREPLY;
}

static sfsistat on_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
    connctx *c = conn(ctx);
    if (c && c->msg)
        add(c->msg, (const char *)p, n);
    return SMFIS_NOREPLY;
}

/* Remove every release header a message carries: the honoured one has
 * done its job, and any other is noise. Highest index first, so the
 * indices of the ones still to go do not move. */
static void strip_tokens(SMFICTX *ctx, const char *q, const msgctx *m)
{
    for (size_t i = m->token_headers; i > 0; i--)
        ss_mta_del_header(ctx, q, SS_TOKEN_HEADER, (int)i);
}

/* The verdict, applied: nothing here decides. */
static sfsistat apply(SMFICTX *ctx, const char *q, const msgctx *m, const ss_eom_out *o)
{
    const ss_result *r = &o->r;
    switch (r->v.action) {
    case SS_ACT_ACCEPT:
        if (o->released)
            strip_tokens(ctx, q, m);
        if (r->subject)                 /* RemovePurposeTag */
            ss_mta_change_header(ctx, q, "Subject", 1, r->subject);
        if (o->recorded)
            ss_mta_add_header(ctx, q, "X-Safeshare-Ref", r->v.reference);
        return SMFIS_CONTINUE;
    case SS_ACT_REJECT:
        ss_mta_reply(ctx, q, "550", "5.7.1", r->reply.lines, r->reply.n);
        return SMFIS_REJECT;
    case SS_ACT_QUARANTINE:
        /* The store has it on disk (ss_eom_run said so): the MTA may drop it. */
        return SMFIS_DISCARD;
    default:
        ss_mta_reply(ctx, q, "451", "4.7.1", r->reply.lines, r->reply.n);
        return SMFIS_TEMPFAIL;
    }
}

static sfsistat on_eom(SMFICTX *ctx)
{
    connctx *c = conn(ctx);
    if (!c || !c->msg)
        return SMFIS_TEMPFAIL;
    msgctx *m = c->msg;
    const char *q = qid(ctx);
    ss_eom_out o;
    if (m->io_error) {
        ss_eom_unchecked(m->st, q, "could not keep the message for scanning", &o);
    } else {
        ss_eom_in in = {
            .txn = { .sender = m->sender, .rcpts = (const char *const *)m->rcpts,
                     .nrcpts = m->nrcpts, .queue_id = q, .source = "milter",
                     .oversize = m->body.oversize },
            .msg = { .mem = m->body.mem.p ? m->body.mem.p : "", .len = m->body.mem.len,
                     .fd = m->body.fd, .complete = !m->body.oversize },
            .tokens = m->tokens, .ntokens = m->ntokens,
        };
        ss_eom_run(m->st, &in, &o);
    }
    sfsistat s = apply(ctx, q, m, &o);
    ss_eom_free(&o);
    end_message(c);
    return s;
}

static sfsistat on_abort(SMFICTX *ctx)
{
    connctx *c = conn(ctx);
    if (c)
        end_message(c);
    return SMFIS_CONTINUE;
}

static sfsistat on_close(SMFICTX *ctx)
{
    connctx *c = conn(ctx);
    if (c) {
        end_message(c);
        free(c);
        smfi_setpriv(ctx, NULL);
    }
    return SMFIS_CONTINUE;
}

struct smfiDesc ss_filter = {
    .xxfi_name = "safeshare",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS,
    .xxfi_connect = on_connect,
    .xxfi_envfrom = on_envfrom,
    .xxfi_envrcpt = on_envrcpt,
    .xxfi_header = on_header,
    .xxfi_eoh = on_eoh,
    .xxfi_body = on_body,
    .xxfi_eom = on_eom,
    .xxfi_abort = on_abort,
    .xxfi_close = on_close,
    .xxfi_negotiate = on_negotiate,
};
