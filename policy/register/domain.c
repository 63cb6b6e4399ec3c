/* Domain normalisation for register matching (spec register.md, Matching).
 *
 * The register and every address go through this one function, so a
 * pattern and a recipient meet in the same form: lowercase A-labels with no
 * trailing dot. Anything we cannot put in that form is invalid, and the
 * caller treats an invalid domain as insecure: a domain we do not
 * understand must never be mistaken for one we trust. */
#include "register.h"
#include "base/buf.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#define SS_DOMAIN_MAX 253   /* RFC 1035 limit without the root dot */
#define SS_LABEL_MAX 63

static int is_ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* libidn2 passes some ASCII through untouched (empty labels, '_', spaces),
 * so the A-label form is checked again here: letters, digits and inner
 * hyphens only, labels 1-63 bytes, whole name at most 253. */
static int ascii_domain_ok(const char *d)
{
    size_t total = strlen(d);
    if (total == 0 || total > SS_DOMAIN_MAX)
        return 0;
    const char *label = d;
    for (;;) {
        const char *end = strchr(label, '.');
        size_t n = end ? (size_t)(end - label) : strlen(label);
        if (n == 0 || n > SS_LABEL_MAX)
            return 0;
        if (label[0] == '-' || label[n - 1] == '-')
            return 0;
        for (size_t i = 0; i < n; i++)
            if (!is_ldh((unsigned char)label[i]))
                return 0;
        if (!end)
            return 1;
        label = end + 1;
    }
}

int ss_domain_normalise(const char *domain, char *out, size_t outlen)
{
    if (!domain || !out || outlen == 0)
        return -1;
    out[0] = '\0';

    size_t n = strlen(domain);
    if (n == 0 || n > 1024)
        return -1;
    char *work = ss_xstrndup(domain, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)work[i];
        if (c < 0x20 || c == 0x7f) {    /* control bytes never belong here */
            free(work);
            return -1;
        }
        if (c >= 'A' && c <= 'Z')
            work[i] = (char)(c - 'A' + 'a');
    }
    if (work[n - 1] == '.')
        work[n - 1] = '\0';

    /* Non-transitional: IDNA2008 as browsers and registries now apply it,
     * so "ß" stays distinct from "ss" instead of being folded into it. */
    char *ascii = NULL;
    int rc = idn2_to_ascii_8z(work, &ascii, IDN2_NONTRANSITIONAL);
    free(work);
    if (rc != IDN2_OK || !ascii)
        return -1;
    for (char *p = ascii; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');

    int ok = ascii_domain_ok(ascii) && strlen(ascii) < outlen;
    if (ok)
        memcpy(out, ascii, strlen(ascii) + 1);
    idn2_free(ascii);
    return ok ? 0 : -1;
}
