/* libFuzzer targets (issue 18): each parser that reads what a sender, a
 * register publisher or a store on disk hands us, called as a pure
 * function on hostile bytes.
 *
 * A target is written once with SS_FUZZ_TARGET(name) and linked twice:
 * into tests/fuzz/fuzz, the libFuzzer program of a fuzz build (configure
 * --enable-fuzz CC=clang; $SS_FUZZ_TARGET picks the target), and into
 * tests/fuzz/replay, which `make check` runs over every seed and every
 * saved finding, so a crash once found stays a regression test in every
 * build, sanitizers included. */
#ifndef SS_FUZZ_H
#define SS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"

typedef int ss_fuzz_fn(const uint8_t *data, size_t size);

#define SS_FUZZ_TARGET(name) \
    ss_fuzz_fn name; \
    int name(const uint8_t *data, size_t size)

/* Every target by name (targets.h lists them). */
typedef struct {
    const char *name;
    ss_fuzz_fn *fn;
} ss_fuzz_target;

extern const ss_fuzz_target ss_fuzz_targets[];
extern const size_t ss_fuzz_ntargets;
const ss_fuzz_target *ss_fuzz_find(const char *name);

/* A NUL-terminated copy of the input (parsers that take C strings). */
char *ss_fuzz_cstr(const uint8_t *data, size_t size);

/* Archive inputs come two ways. Raw: the bytes are the file (a real ZIP,
 * mutated). Entries: the bytes are a list of "@@NAME\n" lines each
 * followed by that entry's content, wrapped here into a stored ZIP, so
 * the fuzzer reaches the XML and the reader's logic rather than spending
 * itself on CRCs. The first byte chooses (even: raw; odd: entries).
 * Returns the file to read in *out (reset first). */
void ss_fuzz_archive(const uint8_t *data, size_t size, ss_buf *out);

/* Where a reader's output goes in a target: every byte read (so ASan
 * checks each length a reader reports), counted in ss_fuzz_text_bytes
 * (the replay prints it: a harness that reaches no text is a bad one). */
struct ssx_out;
void ss_fuzz_out(struct ssx_out *o);
extern size_t ss_fuzz_text_bytes;

#endif
