/* Test helpers: Ed25519 key pairs written as PEM files the way a
 * publisher makes them (openssl genpkey / openssl pkey -pubout), in a
 * fresh temporary directory. */
#ifndef SS_TEST_REGKEY_UTIL_H
#define SS_TEST_REGKEY_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

/* Write a new key pair: DIR/NAME.key (0600) and ANCHORS/NAME.pub. */
static void regkey_make(const char *dir, const char *anchors, const char *name)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    assert_non_null(k);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.key", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    if (anchors) {
        snprintf(path, sizeof path, "%s/%s.pub", anchors, name);
        f = fopen(path, "w");
        assert_non_null(f);
        assert_int_equal(PEM_write_PUBKEY(f, k), 1);
        fclose(f);
    }
    EVP_PKEY_free(k);
}

static void regkey_put(const char *dir, const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static void regkey_rmrf(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

#endif
