#include "reference.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

void ss_reference_new(char out[16])
{
    /* Crockford base32: no I, L, O, U, so a reference read over the phone
     * is not mistaken. */
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    unsigned char r[8];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        for (size_t i = 0; i < sizeof r; i++)
            r[i] = (unsigned char)rand();
    }
    char s[9];
    for (int i = 0; i < 8; i++)
        s[i] = alphabet[r[i] & 31];
    s[8] = '\0';
    snprintf(out, 16, "SS-%.4s-%.4s", s, s + 4);
}

int ss_reference_ok(const char *ref)
{
    size_t n = ref ? strlen(ref) : 0;
    if (n == 0 || n > 31 || ref[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= '0' && ref[i] <= '9') || ref[i] == '-'))
            return 0;
    return 1;
}
