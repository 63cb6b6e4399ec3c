/* A pooled reader's containment (sandbox.h). The allow-list below is
 * what reading a job from stdin, parsing it and answering on stdout needs
 * once the libraries are warm (reader/warmup.c): the system calls the real
 * parsers make after lockdown, measured with strace over the test data
 * and damaged copies of it (`make check-sandbox` runs the real reader
 * under this filter over tests/data, so a library update that needs a new
 * call is caught). Anything else kills the reader with SIGSYS and the
 * pool replaces it; the attachment is unreadable. */
#include "sandbox.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <linux/futex.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static int limit(int what, rlim_t soft, rlim_t hard)
{
    struct rlimit r = { soft, hard };
    return setrlimit(what, &r);
}

int ss_contain(uint64_t memory, uint64_t lifetime_cpu)
{
    ssx_close_from(3);
    rlim_t cpu = lifetime_cpu ? lifetime_cpu : 1;
    int bad = limit(RLIMIT_CPU, cpu, cpu + 1) | limit(RLIMIT_FSIZE, 0, 0) |
              limit(RLIMIT_CORE, 0, 0) | limit(RLIMIT_NOFILE, 16, 16) |
              limit(RLIMIT_NPROC, 0, 0);
#ifndef SS_ASAN
    if (memory)
        bad |= limit(RLIMIT_AS, memory, memory);
#endif
    bad |= prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    bad |= prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    return bad ? -1 : 0;
}

void ss_preload_charsets(void)
{
    /* What PDF strings (UTF-16BE), text files (UTF-16 either way), RTF
     * code pages and mail charsets need. Never closed: glibc unloads a
     * gconv module some time after its last user goes, and loading it
     * again would be an open(). */
    static const char *const sets[] = {
        "UTF-16", "UTF-16BE", "UTF-16LE", "UTF-32", "UCS-2", "WINDOWS-1250", "WINDOWS-1251",
        "WINDOWS-1252", "WINDOWS-1253", "WINDOWS-1254", "WINDOWS-1257", "ISO-8859-15",
        "ISO-8859-2", "MACINTOSH", "CP437", "CP850",
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        (void)iconv_open("UTF-8", sets[i]);
}

int ss_job_cpu(uint64_t seconds)
{
    struct rusage ru;
    struct rlimit r;
    if (getrusage(RUSAGE_SELF, &ru) != 0 || getrlimit(RLIMIT_CPU, &r) != 0)
        return -1;
    rlim_t used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1;
    rlim_t soft = used + (seconds ? seconds : 1);
    r.rlim_cur = soft < r.rlim_max ? soft : r.rlim_max;
    return setrlimit(RLIMIT_CPU, &r);
}

#ifdef SS_ASAN
int ss_lockdown(void)
{
    return 0;                   /* sandbox.h says why */
}
#else
#define RULE(ctx, act, name, ...) \
    (seccomp_rule_add(ctx, act, SCMP_SYS(name), __VA_ARGS__) == 0 ? 0 : -1)
#define ALLOW(ctx, name, ...) RULE(ctx, SCMP_ACT_ALLOW, name, __VA_ARGS__)
/* argument n equal to v; argument n with (arg & mask) == v */
#define EQ(n, v) SCMP_CMP(n, SCMP_CMP_EQ, (scmp_datum_t)(v), 0)
#define MASKED(n, mask, v) \
    SCMP_CMP(n, SCMP_CMP_MASKED_EQ, (scmp_datum_t)(mask), (scmp_datum_t)(v))

/* The channels and memory: read the job, write the answer, and memory
 * that is anonymous and never executable. */
static int allow_io_and_memory(scmp_filter_ctx c)
{
    int bad = ALLOW(c, read, 1, EQ(0, 0));
    bad |= ALLOW(c, write, 1, EQ(0, 1));
    bad |= ALLOW(c, write, 1, EQ(0, 2));    /* libraries' messages (/dev/null) */
    bad |= ALLOW(c, writev, 1, EQ(0, 2));   /* glibc's fatal messages before abort */
    bad |= ALLOW(c, mmap, 2, MASKED(2, PROT_EXEC, 0), MASKED(3, MAP_ANONYMOUS, MAP_ANONYMOUS));
    bad |= ALLOW(c, mprotect, 1, MASKED(2, PROT_EXEC, 0));
    bad |= ALLOW(c, munmap, 0);
    bad |= ALLOW(c, mremap, 0);
    bad |= ALLOW(c, brk, 0);
    bad |= ALLOW(c, madvise, 0);
    /* one-time guards (glib, libstdc++): private futexes only */
    bad |= ALLOW(c, futex, 1, EQ(1, FUTEX_WAKE_PRIVATE));
    bad |= ALLOW(c, futex, 1, EQ(1, FUTEX_WAIT_PRIVATE));
    return bad;
}

/* Time, its own CPU limit per job, and a clean death. */
static int allow_self(scmp_filter_ctx c)
{
    int self = (int)getpid();
    int bad = ALLOW(c, getrusage, 1, EQ(0, RUSAGE_SELF));
    bad |= ALLOW(c, prlimit64, 2, EQ(0, 0), EQ(1, RLIMIT_CPU));
    bad |= ALLOW(c, clock_gettime, 0);      /* where the vDSO falls back */
    bad |= ALLOW(c, gettimeofday, 0);
    /* abort(): a parser's assertion or bad_alloc dies by SIGABRT, reported
     * as a crash rather than as a sandbox breach */
    bad |= ALLOW(c, rt_sigprocmask, 0);
    bad |= ALLOW(c, getpid, 0);
    bad |= ALLOW(c, gettid, 0);
    bad |= ALLOW(c, tgkill, 3, EQ(0, self), EQ(1, self), EQ(2, SIGABRT));
    bad |= ALLOW(c, exit_group, 0);
    bad |= ALLOW(c, exit, 0);
    bad |= ALLOW(c, rt_sigreturn, 0);
    /* isatty() is benign: answered, and the kernel never runs the ioctl */
    bad |= RULE(c, SCMP_ACT_ERRNO(ENOTTY), ioctl, 0);
    return bad;
}

int ss_lockdown(void)
{
    scmp_filter_ctx c = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (!c)
        return -1;
    int bad = seccomp_attr_set(c, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0;
    bad |= allow_io_and_memory(c) | allow_self(c);
    if (!bad)
        bad = seccomp_load(c) != 0;
    seccomp_release(c);
    return bad ? -1 : 1;
}
#endif
