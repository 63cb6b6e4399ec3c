#!/bin/sh
# Run every libFuzzer target of a fuzz build for SECONDS each, JOBS at a
# time, and say per target how many inputs it ran and what it found.
#
#   tests/fuzz/run.sh BUILDDIR SECONDS JOBS [TARGET...]
#
# BUILDDIR is a build configured with --enable-fuzz CC=clang (make fuzz
# does all of this). Each target starts from its seeds in the tree
# (tests/fuzz/seeds/T, regress/T) and from what earlier runs found
# (BUILDDIR/fuzz-corpus/T, kept between runs). A finding is written to
# BUILDDIR/fuzz-findings/ and printed with the command that replays it;
# fix it and copy the file into tests/fuzz/regress/T/ so `make check`
# replays it from then on. Prints TAP, one line per target; exits 1 on any
# finding.
set -u
build=${1:?usage: run.sh BUILDDIR SECONDS JOBS [TARGET...]}
secs=${2:?seconds}
jobs=${3:?jobs}
shift 3
src=$(cd "$(dirname "$0")/../.." && pwd)
fuzz=$build/tests/fuzz/fuzz
[ -x "$fuzz" ] || { echo "run.sh: $fuzz not built (make fuzz)" >&2; exit 2; }
targets=${*:-"fuzz_mime fuzz_html fuzz_text fuzz_docx fuzz_xlsx fuzz_pptx fuzz_odf
  fuzz_archive fuzz_rtf fuzz_pdf fuzz_detect fuzz_register fuzz_config fuzz_qrecord
  fuzz_token"}
mkdir -p "$build/fuzz-logs" "$build/fuzz-findings"

one() {  # one TARGET: fuzz it, leave its log
    t=$1
    mkdir -p "$build/fuzz-corpus/$t"
    seeds=$src/tests/fuzz/seeds/$t regress=$src/tests/fuzz/regress/$t
    [ -d "$regress" ] || regress=
    # Library caches GMime and poppler keep for the process are not leaks
    # of ours (lsan.supp names them).
    SS_FUZZ_TARGET=$t ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    LSAN_OPTIONS=suppressions=$src/tests/fuzz/lsan.supp:print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$fuzz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$build/fuzz-findings/$t-" \
        "$build/fuzz-corpus/$t" "$seeds" $regress >"$build/fuzz-logs/$t.log" 2>&1
    echo $? >"$build/fuzz-logs/$t.rc"
}

if [ "${RUN_SH_ONE:-}" ]; then
    one "$RUN_SH_ONE"
    exit 0
fi
rm -f "$build"/fuzz-logs/*.rc
start=$(date +%s)
# shellcheck disable=SC2086
printf '%s\n' $targets | xargs -P "$jobs" -I{} env RUN_SH_ONE={} sh "$0" "$build" "$secs" "$jobs"

n=0 bad=0
# shellcheck disable=SC2086
set -- $targets
echo "1..$#"
for t in $targets; do
    n=$((n + 1))
    log=$build/fuzz-logs/$t.log
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rc=$(cat "$build/fuzz-logs/$t.rc" 2>/dev/null || echo 1)
    found=$(sed -n "s|.*Test unit written to \\(.*\\)|\\1|p" "$log" | tail -1)
    size=$(ls "$build/fuzz-corpus/$t" | wc -l)
    if [ "$rc" = 0 ] && [ -z "$found" ]; then
        echo "ok $n - $t: ${runs:-?} executions in ${secs} s, corpus $size inputs, no finding"
    else
        bad=$((bad + 1))
        echo "not ok $n - $t: ${runs:-?} executions, exit $rc, finding ${found:-none written}"
        grep -E "ERROR|SUMMARY|runtime error|^    #[0-9]" "$log" | head -25 | sed 's/^/# /'
        [ -n "$found" ] && echo "# replay: $build/tests/fuzz/replay $t $found" &&
            echo "# once fixed: cp $found $src/tests/fuzz/regress/$t/"
    fi
done
echo "# fuzzing took $(( $(date +%s) - start )) s for $# targets, $jobs at a time"
[ "$bad" = 0 ]
