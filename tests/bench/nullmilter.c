/* The do-nothing milter `make bench-e2e` compares safeshare with: it asks
 * the MTA for the same steps safeshare does (every header, the whole
 * body, nothing skipped) and accepts every message without looking at it.
 * What it costs is what any libmilter filter costs on this machine: the
 * protocol, a thread per connection, the copies; what safeshare costs
 * beyond it is its own.
 *
 *   nullmilter [--lean] unix:/path/to/socket
 *
 * --lean negotiates as safeshare does (milter/callbacks.c): no HELO, DATA
 * or unknown commands, and no answer awaited for connect, headers, end of
 * headers and body chunks; without it, a reply to every step, as a naive
 * filter asks. Runs in the foreground until SIGTERM. */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LEAN_STEPS (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NR_CONN | \
                    SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY)

static int lean;

static sfsistat on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                             unsigned long f2, unsigned long f3, unsigned long *pf0,
                             unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
    *pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS);
    *pf1 = lean ? f1 & LEAN_STEPS : 0;
    *pf2 = *pf3 = 0;
    return SMFIS_CONTINUE;
}

static sfsistat step(SMFICTX *ctx)
{
    return SMFIS_CONTINUE;
}

/* A step --lean answers with no reply. */
static sfsistat quiet(SMFICTX *ctx)
{
    return lean ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat on_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
    return quiet(ctx);
}

static sfsistat on_args(SMFICTX *ctx, char **argv)
{
    return step(ctx);
}

static sfsistat on_header(SMFICTX *ctx, char *name, char *value)
{
    return quiet(ctx);
}

static sfsistat on_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
    return quiet(ctx);
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
    .xxfi_eoh = quiet,
    .xxfi_body = on_body,
    .xxfi_eom = on_eom,
    .xxfi_abort = step,
    .xxfi_close = step,
    .xxfi_negotiate = on_negotiate,
};

int main(int argc, char **argv)
{
    lean = argc == 3 && strcmp(argv[1], "--lean") == 0;
    argv += lean;
    argc -= lean;
    if (argc != 2 || strncmp(argv[1], "unix:", 5) != 0) {
        fprintf(stderr, "usage: nullmilter [--lean] unix:/path/to/socket\n");
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
