/* Who may review held mail: the reviewer accounts of safeshare-review,
 * kept by `safesharectl reviewer add|remove|passwd` in ReviewUsers (man
 * safeshare-review(8), FILES). One account a line:
 *
 *   NAME:HASH:FULL NAME
 *
 * NAME is what a reviewer signs in with (letters, digits, . _ @ -; at
 * most 64); HASH is an Argon2id encoded hash ($argon2id$v=19$m=...), or
 * "sso" for an account that signs in only through the reverse proxy's
 * single sign-on; FULL NAME is what the record and the sender's notice
 * say ("Ms Amara Patel"). '#' starts a comment line. The file belongs to
 * the service user and nobody else may read it (0600): it is written
 * whole to a temporary file and renamed into place. */
#ifndef SS_CERTS_REVIEWERS_H
#define SS_CERTS_REVIEWERS_H

#include <stddef.h>

#define SS_REVIEWER_NAME_MAX 64
#define SS_REVIEWER_FULL_MAX 128
#define SS_PASSWORD_MIN 12        /* characters: three random words pass */
#define SS_PASSWORD_MAX 1024

typedef struct {
    char name[SS_REVIEWER_NAME_MAX + 1];
    char full[SS_REVIEWER_FULL_MAX + 1];
    char hash[160];               /* "$argon2id$..." or "sso" */
} ss_reviewer;

typedef struct {
    ss_reviewer *v;
    size_t n;
} ss_reviewers;

/* A name a reviewer may have. 1 or 0. */
int ss_reviewer_name_ok(const char *name);
/* A full name: printable, no ':' or control character. 1 or 0. */
int ss_reviewer_full_ok(const char *full);

/* Read path. A missing file is an empty list; a file others can read,
 * or a bad line, is an error naming the file (and line). 0 or -1. */
int ss_reviewers_load(const char *path, ss_reviewers *out, char *err, size_t errlen);
void ss_reviewers_free(ss_reviewers *r);
const ss_reviewer *ss_reviewers_find(const ss_reviewers *r, const char *name);

/* The Argon2id hash of a password (SS_PASSWORD_MIN..MAX bytes). 0 or -1. */
int ss_password_hash(const char *password, char out[160], char *err, size_t errlen);

/* Whether password opens the account called name. An unknown name or an
 * SSO account costs as much time as a wrong password, so a guess does not
 * learn which names exist. 1 yes, 0 no. */
int ss_reviewers_verify(const ss_reviewers *r, const char *name, const char *password);

/* Add or replace the account (hash as from ss_password_hash, or "sso"),
 * or remove it, and write the file back whole (0600). 0, or -1 with err
 * (remove: "no reviewer called NAME"). */
int ss_reviewers_put(const char *path, const char *name, const char *full, const char *hash,
                     char *err, size_t errlen);
int ss_reviewers_remove(const char *path, const char *name, char *err, size_t errlen);

#endif
