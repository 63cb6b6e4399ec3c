/* Register updates over HTTPS (issue 17; spec register.md, Signed
 * distribution): download -> verify -> parse -> serial and expiry checks
 * -> atomic rename. The caller swaps the register in memory after a new
 * one is installed. A failed update changes nothing.
 *
 * libcurl, HTTPS only (redirects too), the server's certificate verified
 * against the system CAs or RegisterCAFile, a conditional GET (ETag and
 * Last-Modified remembered in StateDir/register.fetch), a time limit and a
 * size limit. The signature is fetched from RegisterURL with ".sig" added. */
#ifndef SS_REGISTER_FETCH_H
#define SS_REGISTER_FETCH_H

#include <stddef.h>
#include "trust.h"

typedef struct {
    const char *url;           /* RegisterURL: https://... */
    const char *ca_file;       /* RegisterCAFile, or NULL: the system's CAs */
    long timeout;              /* seconds for each transfer, connecting included */
    size_t max_size;           /* RegisterMaxSize */
} ss_fetch_opts;

typedef enum {
    SS_UPDATE_FAILED = -1,     /* nothing changed; why says what went wrong */
    SS_UPDATE_UNCHANGED = 0,   /* 304, or the same register again */
    SS_UPDATE_INSTALLED = 1,   /* a newer good register is now the Register file */
} ss_update_status;

/* One attempt. On INSTALLED, *serial is the new register's. */
ss_update_status ss_register_update(const ss_regtrust_opts *o, const ss_fetch_opts *f,
                                    unsigned long long *serial, char *why, size_t whylen);

/* Seconds to wait before the next attempt after `failures` failures in a
 * row: 60, 120, 240, ... never more than interval; interval after a success. */
long ss_fetch_backoff(unsigned failures, long interval);

#endif
