/* A pooled reader's containment (reader/sandbox.c): what it does to
 * itself before it reads any attachment (ss_contain), once its libraries
 * are warm (ss_lockdown), and before each job (ss_job_cpu). */
#ifndef SS_READER_SANDBOX_H
#define SS_READER_SANDBOX_H

#include <stdint.h>

/* AddressSanitizer builds (gcc and clang say so differently). They keep
 * no RLIMIT_AS (the shadow memory reserves terabytes) and no seccomp
 * filter: the sanitizer's own report needs system calls the filter
 * forbids (it reads /proc/self/maps, may start a symbolizer, LeakSanitizer
 * stops the world with a thread), so under the filter a memory error would
 * end as an unexplained SIGSYS instead of the report the build is for. */
#if defined(__SANITIZE_ADDRESS__)
#define SS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SS_ASAN 1
#endif
#endif

/* Closes every descriptor but 0-2, sets RLIMIT_AS (memory, 0: none),
 * RLIMIT_CPU (lifetime_cpu seconds for the reader's whole life),
 * RLIMIT_FSIZE 0, RLIMIT_CORE 0, RLIMIT_NOFILE 16, RLIMIT_NPROC 0,
 * no_new_privs and not dumpable. -1 if any of it failed. */
int ss_contain(uint64_t memory, uint64_t lifetime_cpu);

/* Keeps the gconv modules the parsers convert with loaded for the life of
 * the process: an iconv_open after lockdown would open files. */
void ss_preload_charsets(void);

/* Installs the seccomp filter: everything not on the allow-list in
 * sandbox.c kills the process (SIGSYS). 1 when installed, 0 when this
 * build keeps none (SS_ASAN), -1 when it could not be installed. */
int ss_lockdown(void);

/* Before a job: the soft RLIMIT_CPU becomes the CPU used so far plus
 * seconds, so one job cannot take more than its own share. */
int ss_job_cpu(uint64_t seconds);

#endif
