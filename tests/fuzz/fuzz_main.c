/* The libFuzzer program of a fuzz build: one binary for every target,
 * $SS_FUZZ_TARGET naming the one to run (tests/fuzz/run.sh sets it). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ss_fuzz_target *chosen;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    chosen = ss_fuzz_find(getenv("SS_FUZZ_TARGET"));
    if (!chosen) {
        fprintf(stderr, "fuzz: set SS_FUZZ_TARGET to one of:");
        for (size_t i = 0; i < ss_fuzz_ntargets; i++)
            fprintf(stderr, " %s", ss_fuzz_targets[i].name);
        fprintf(stderr, "\n");
        exit(2);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return chosen->fn(data, size);
}
