/* The do-nothing milter `make bench-e2e` compares safeshare with: it asks
 * the MTA for the same steps safeshare does (every header, the whole
 * body, nothing skipped) and accepts every message without looking at it.
 * What it costs is what any libmilter filter costs on this machine: the
 * protocol, a thread per connection, the copies; what safeshare costs
 * beyond it is its own.
 *
 *   nullmilter unix:/path/to/socket
 *
 * Runs in the foreground until SIGTERM. */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static sfsistat on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                             unsigned long f2, unsigned long f3, unsigned long *pf0,
                             unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
    *pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS);
    *pf1 = 0;                       /* every step, as safeshare asks */
    *pf2 = *pf3 = 0;
    return SMFIS_CONTINUE;
}

static sfsistat step(SMFICTX *ctx)
{
    return SMFIS_CONTINUE;
}

static sfsistat on_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
    return step(ctx);
}

static sfsistat on_args(SMFICTX *ctx, char **argv)
{
    return step(ctx);
}

static sfsistat on_header(SMFICTX *ctx, char *name, char *value)
{
    return step(ctx);
}

static sfsistat on_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
    return step(ctx);
}

static sfsistat on_eom(SMFICTX *ctx)
{
    return SMFIS_ACCEPT;
}

static struct smfiDesc null_filter = {
    .xxfi_name = "nullmilter",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS,
    .xxfi_connect = on_connect,
    .xxfi_envfrom = on_args,
    .xxfi_envrcpt = on_args,
    .xxfi_header = on_header,
    .xxfi_eoh = step,
    .xxfi_body = on_body,
    .xxfi_eom = on_eom,
    .xxfi_abort = step,
    .xxfi_close = step,
    .xxfi_negotiate = on_negotiate,
};

int main(int argc, char **argv)
{
    if (argc != 2 || strncmp(argv[1], "unix:", 5) != 0) {
        fprintf(stderr, "usage: nullmilter unix:/path/to/socket\n");
        return 2;
    }
    unlink(argv[1] + 5);
    if (smfi_register(null_filter) != MI_SUCCESS || smfi_setconn(argv[1]) != MI_SUCCESS ||
        smfi_opensocket(1) != MI_SUCCESS) {
        fprintf(stderr, "nullmilter: cannot listen on %s\n", argv[1]);
        return 1;
    }
    chmod(argv[1] + 5, 0666);
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
