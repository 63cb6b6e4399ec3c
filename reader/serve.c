/* safeshare-extract --pool: a warm, locked-down reader serving many jobs.
 *
 * Started by safeshare-readerd (reader/readerd.c), already in its own user
 * and network namespace, stdin a one-way socket from the pool, stdout a
 * pipe to it, an empty environment. It contains itself (sandbox.c), warms
 * its libraries up (warmup.c), says what it is while it still can (its
 * ids, the network devices it sees), installs the seccomp filter, says
 * 'R', then reads jobs (proto.h) until EOF: each answered with the frames
 * of a one-shot reader (frames.c), under its own CPU allowance. */
#include "serve.h"
#include "proto.h"
#include "sandbox.h"
#include "warmup.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* The input buffer is kept from job to job up to this size (no page
 * faults for the usual attachments); a larger one gets its own. */
#define KEEP (32u << 20)

/* 1 when n bytes were read, 0 at EOF before the first, -1 otherwise. */
static int read_full(void *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(0, (char *)p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r == 0 && got == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

/* What the reader is, found out before lockdown (getifaddrs needs a
 * netlink socket): its ids and the network devices it can see. */
static int describe(char *msg, size_t cap, int seccomp)
{
    int ifs = 0, up = 0;
    struct ifaddrs *ifa = NULL;
    if (getifaddrs(&ifa) == 0) {
        for (struct ifaddrs *i = ifa; i; i = i->ifa_next)
            if (i->ifa_addr && i->ifa_addr->sa_family == AF_PACKET) {
                ifs++;
                up += (i->ifa_flags & IFF_UP) != 0;
            }
        freeifaddrs(ifa);
    } else {
        ifs = -1;
    }
    int n = snprintf(msg, cap, "uid=%d gid=%d pid=%d ifs=%d up=%d seccomp=%d", (int)getuid(),
                     (int)getgid(), (int)getpid(), ifs, up, seccomp);
    return n < 0 ? 0 : (size_t)n < cap ? n : (int)cap - 1;
}

static void say_ready(const char *msg, int n)
{
    unsigned char hdr[5] = { 'R' };
    ss_be32_put(hdr + 1, (uint32_t)n);
    ss_write_all(1, hdr, 5);
    ss_write_all(1, msg, (size_t)n);
}

static unsigned char *input(uint64_t len)
{
    static unsigned char *kept;
    static size_t kept_cap;
    if (len > KEEP)
        return malloc(len);
    if (len > kept_cap) {
        size_t cap = kept_cap ? kept_cap : 1u << 16;
        while (cap < len)
            cap *= 2;
        free(kept);
        kept = malloc(cap);
        kept_cap = kept ? cap : 0;
    }
    return kept ? kept : malloc(1);
}

static void answer(const unsigned char *data, size_t len, const char *name,
                   const char *ctype, const ss_job_limits *jl)
{
    ss_attach_limits lim = { jl->max_archive_bytes, jl->max_total_bytes, jl->max_depth,
                             jl->max_entries, (unsigned)jl->cpu_seconds, 0, 0 };
    int out = 1;
    ssx_out o;
    ssx_frame_out(&o, &out);
    o.total = jl->used;
    int rc;
#ifdef SS_TEST_HOOKS
    if ((rc = ssx_test_hook(data, len, &o)) == SSX_NOT_A_HOOK)
#endif
        rc = ssx_read_any(data, len, "", name[0] ? name : NULL, ctype[0] ? ctype : NULL,
                          &lim, 0, &o);
    ssx_frame_total(out, o.total);
    ssx_frame_end(out, rc);
}

/* One job: 1 done, 0 the pool closed the channel (retire), or an exit
 * code when the parent makes no sense (start afresh). */
static int one_job(uint64_t max_input)
{
    unsigned char hdr[SS_JOB_HDR];
    int r = read_full(hdr, sizeof hdr);
    if (r == 0)
        return 0;
    ss_job_limits lim;
    uint32_t nl, cl;
    uint64_t dl;
    if (r < 0 || ss_job_parse(hdr, &lim, &nl, &cl, &dl) < 0 || nl > SS_JOB_MAX_NAME ||
        cl > SS_JOB_MAX_NAME || dl > max_input)
        return 6;
    char name[SS_JOB_MAX_NAME + 1], ctype[SS_JOB_MAX_NAME + 1];
    unsigned char *data = input(dl);
    if (!data || (nl && read_full(name, nl) != 1) || (cl && read_full(ctype, cl) != 1) ||
        (dl && read_full(data, dl) != 1))
        return 7;
    name[nl] = ctype[cl] = 0;
    if (ss_job_cpu(lim.cpu_seconds) < 0)
        return 8;
    answer(data, dl, name, ctype, &lim);
    if (dl > KEEP)
        free(data);
    return 1;
}

int ssx_serve(uint64_t memory, uint64_t lifetime_cpu, uint64_t max_input, int seccomp)
{
    if (ss_contain(memory, lifetime_cpu) < 0)
        return 3;
    ss_preload_charsets();
    ssx_warm_up();
#ifdef SS_ASAN
    seccomp = 0;                    /* sandbox.h says why */
#endif
    char msg[160];
    int n = describe(msg, sizeof msg, seccomp);
    if (seccomp && ss_lockdown() != 1)
        return 4;
    say_ready(msg, n);
    for (;;) {
        int r = one_job(max_input);
        if (r != 1)
            return r;
    }
}
