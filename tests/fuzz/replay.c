/* Every fuzz target over its seeds and its saved findings, as a unit test
 * (TAP, one line per target), in every build: a crash the fuzzer once
 * found stays fixed under gcc, clang and the sanitizers.
 *
 *   replay                      tests/fuzz/{seeds,regress}/TARGET/ for all
 *   replay TARGET FILE...       those inputs to one target (reproduce) */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef ss_fuzz_target target;
#define targets ss_fuzz_targets
#define NTARGETS ss_fuzz_ntargets

static int run_file(const target *t, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    ss_buf b = SS_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ss_buf_add(&b, chunk, n);
    fclose(f);
    /* An exact-size copy, so ASan sees a read one byte past the input. */
    uint8_t *exact = malloc(b.len ? b.len : 1);
    memcpy(exact, b.p ? b.p : "", b.len);
    t->fn(exact, b.len);
    free(exact);
    ss_buf_free(&b);
    return 0;
}

/* Every regular file in dir; how many, or -1 if a file could not be read. */
static long run_dir(const target *t, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    long count = 0;
    struct dirent *de;
    char path[4096];
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (run_file(t, path) != 0) {
            count = -1;
            break;
        }
        count++;
    }
    closedir(d);
    return count;
}

int main(int argc, char **argv)
{
    if (argc >= 2) {
        const target *t = ss_fuzz_find(argv[1]);
        if (!t) {
            fprintf(stderr, "replay: no target %s\n", argv[1]);
            return 2;
        }
        for (int i = 2; i < argc; i++)
            if (run_file(t, argv[i]) != 0)
                fprintf(stderr, "replay: cannot read %s\n", argv[i]);
        return 0;
    }
    const char *src = getenv("SS_SRCDIR") ? getenv("SS_SRCDIR") : ".";
    printf("1..%zu\n", NTARGETS);
    int bad = 0;
    for (size_t i = 0; i < NTARGETS; i++) {
        char seeds[4096], regress[4096];
        snprintf(seeds, sizeof seeds, "%s/tests/fuzz/seeds/%s", src, targets[i].name);
        snprintf(regress, sizeof regress, "%s/tests/fuzz/regress/%s", src, targets[i].name);
        ss_fuzz_text_bytes = 0;
        long s = run_dir(&targets[i], seeds), r = run_dir(&targets[i], regress);
        int ok = s > 0 && r >= 0;
        bad |= !ok;
        printf("%s %zu - %s: %ld seeds and %ld saved findings replayed without a crash\n",
               ok ? "ok" : "not ok", i + 1, targets[i].name, s, r);
        if (ss_fuzz_text_bytes)
            printf("# %s: the readers gave %zu bytes of text\n", targets[i].name,
                   ss_fuzz_text_bytes);
        fflush(stdout);
    }
    return bad;
}
