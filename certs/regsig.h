/* Register signatures (spec register.md, Signed distribution): a detached
 * Ed25519 signature over the exact bytes of the register, made and checked
 * exactly as stock OpenSSL 3 does
 *   openssl pkeyutl -sign -rawin -inkey reg.key -in register.txt -out register.txt.sig
 * and verified against the trust anchors: every public key (PEM) in one
 * directory. Two anchors let a publisher rotate its key: sign with the new
 * one while the old one is still trusted, then retire the old. */
#ifndef SS_CERTS_REGSIG_H
#define SS_CERTS_REGSIG_H

#include <stddef.h>

#define SS_SIG_LEN 64          /* an Ed25519 signature */
#define SS_ANCHOR_NAME 256     /* room for an anchor's file name */

typedef struct ss_anchors ss_anchors;

/* Every *.pub and *.pem file in dir, each an Ed25519 public key in PEM.
 * A file that is not one, or a directory with none, is an error: a trust
 * anchor nobody can use must not pass silently. NULL with why. */
ss_anchors *ss_anchors_load(const char *dir, char *why, size_t whylen);
void ss_anchors_free(ss_anchors *a);
size_t ss_anchors_count(const ss_anchors *a);

/* Check sig over data against each anchor. 0 and the file name of the
 * anchor that made it in who (SS_ANCHOR_NAME bytes); -1 with why. */
int ss_sig_verify(const ss_anchors *a, const void *data, size_t len, const void *sig,
                  size_t siglen, char *who, char *why, size_t whylen);

/* Sign data with the Ed25519 private key in keyfile (PEM, not readable by
 * group or others). 0, or -1 with why. */
int ss_sig_sign(const char *keyfile, const void *data, size_t len,
                unsigned char sig[SS_SIG_LEN], char *why, size_t whylen);

#endif
