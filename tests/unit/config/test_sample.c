/* The sample configuration make install puts in the examples: every key
 * present, the commented ones with their real default, so uncommenting a
 * line as it stands changes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "config/config.h"

/* Keys whose default depends on another key or on the machine, so a
 * commented example can show only one case: RegisterRequireSignature is
 * yes with anchors; ReaderPool is the number of CPUs. */
static const char *const depends[] = { "RegisterRequireSignature", "ReaderPool", NULL };

static char *read_sample(void)
{
    const char *build = getenv("SS_BUILDDIR");
    assert_non_null(build);
    char path[1024];
    snprintf(path, sizeof path, "%s/contrib/safeshare.conf.sample", build);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    ss_buf b = SS_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ss_buf_add(&b, chunk, n);
    fclose(f);
    return ss_buf_steal(&b);
}

/* The line that sets KEY, commented ("#Key value") or not, or NULL. */
static const char *key_line(const char *text, const char *key, int *commented)
{
    size_t k = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        int hash = *p == '#';
        if (strncasecmp(p + hash, key, k) == 0 && isspace((unsigned char)p[hash + k])
            && p[hash + k] != '\n') {
            *commented = hash;
            return p;
        }
    }
    return NULL;
}

/* The sample with every "#Key value" line uncommented. */
static char *uncommented(const char *text)
{
    ss_buf b = SS_BUF_INIT;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
        int is_key = p[0] == '#' && isupper((unsigned char)p[1]);
        ss_buf_add(&b, p + is_key, n - is_key);
        p += n;
    }
    return ss_buf_steal(&b);
}

static int depends_on_another(const char *key)
{
    for (const char *const *d = depends; *d; d++)
        if (strcmp(*d, key) == 0)
            return 1;
    return 0;
}

static void sample_loads_as_shipped(void **state)
{
    char *text = read_sample(), err[512] = "";
    ss_config *c = ss_config_parse("safeshare.conf.sample", text, err, sizeof err);
    if (!c)
        fail_msg("the sample does not load: %s", err);
    ss_config_free(c);
    free(text);
}

static void sample_has_every_key(void **state)
{
    char *text = read_sample();
    for (const char *const *k = ss_config_keys(); *k; k++) {
        int commented;
        if (!key_line(text, *k, &commented))
            fail_msg("%s is missing from the sample configuration", *k);
    }
    free(text);
}

static void commented_keys_show_their_default(void **state)
{
    char *text = read_sample(), *all = uncommented(text), err[512] = "";
    ss_config *set = ss_config_parse("uncommented sample", all, err, sizeof err);
    if (!set)
        fail_msg("the sample's commented values do not load: %s", err);
    ss_config *def = ss_config_parse("defaults", "Socket unix:/s\nRegister /r\nAuditLog /a\n"
                                     "AuditKey /k\n", err, sizeof err);
    assert_non_null(def);
    for (const char *const *k = ss_config_keys(); *k; k++) {
        int commented = 0;
        char a[64], b[64];
        key_line(text, *k, &commented);
        const char *want = ss_config_value(def, *k, a, sizeof a);
        if (!commented || !want || depends_on_another(*k))
            continue;       /* set by the site, or no default to show */
        const char *got = ss_config_value(set, *k, b, sizeof b);
        if (!got || strcmp(got, want) != 0)
            fail_msg("#%s in the sample shows %s; the default is %s", *k, got ? got : "nothing",
                     want);
    }
    ss_config_free(set);
    ss_config_free(def);
    free(all);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sample_loads_as_shipped),
        cmocka_unit_test(sample_has_every_key),
        cmocka_unit_test(commented_keys_show_their_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
