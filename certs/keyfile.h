/* Key files: the site's secrets (AuditKey, QuarantineKey, ReleaseKey),
 * each a regular file of at least 32 bytes that group and others cannot
 * read, owned by root, by the user reading it or by the service's account
 * (UserID): no other account can swap in a key of its own. */
#ifndef SS_CERTS_KEYFILE_H
#define SS_CERTS_KEYFILE_H

#include <stddef.h>
#include <sys/types.h>

#define SS_KEY_MIN 32

/* Read up to cap bytes of the key file at path into key; service is the
 * uid UserID names ((uid_t)-1 for none). 0, or -1 with why ("cannot read
 * PATH: ...", "PATH is not a regular file", "PATH is owned by uid N, ...",
 * "PATH must not be readable by group or others (chmod 600)", "PATH holds
 * fewer than 32 bytes; ..."). */
int ss_keyfile_read(const char *path, uid_t service, unsigned char *key, size_t cap,
                    size_t *len, char *why, size_t whylen);

/* The same for a key one group may also read (AuditKey with AuditGroup:
 * the people who search and verify the audit trail): group read is
 * accepted when the file's group is gid; group write and any access by
 * others never are. */
int ss_keyfile_read_shared(const char *path, uid_t service, gid_t gid, unsigned char *key,
                           size_t cap, size_t *len, char *why, size_t whylen);

/* Make a new key file at path: 32 random bytes, mode 0600, owned by
 * uid:gid (uid (uid_t)-1: the caller's), never replacing an existing
 * file. The milter makes a missing ReleaseKey this way at start. 0, or -1
 * with why ("cannot make PATH: ..."). */
int ss_keyfile_create(const char *path, uid_t uid, gid_t gid, char *why, size_t whylen);

#endif
