/* Key files: the site's secrets (AuditKey, QuarantineKey, ReleaseKey),
 * each a file of at least 32 bytes that group and others cannot read. */
#ifndef SS_CERTS_KEYFILE_H
#define SS_CERTS_KEYFILE_H

#include <stddef.h>

#define SS_KEY_MIN 32

/* Read up to cap bytes of the key file at path into key. 0, or -1 with
 * why ("cannot read PATH: ...", "PATH must not be readable by group or
 * others (chmod 600)", "PATH holds fewer than 32 bytes; ..."). */
int ss_keyfile_read(const char *path, unsigned char *key, size_t cap, size_t *len,
                    char *why, size_t whylen);

#endif
