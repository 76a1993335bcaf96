#!/bin/sh
# fuzz/run.sh [SECONDS] [HARNESS...]: runs the libFuzzer harnesses of the
# fuzz build (make fuzz) and keeps what they find in fuzz/corpus/<name>.
#
# The corpus of a harness holds
#   seed-*    real inputs (exports, checkpoints, proofs, the demo's values),
#             kept as they are;
#   crash-*   inputs that crashed a parser once, kept as regression tests;
#   the rest  what fuzzing found (named by their SHA-1, as libFuzzer does).
# Each harness runs for SECONDS (default 600, at the lowest priority) over a
# working copy of its corpus; then the found inputs are replaced by the
# smallest set that adds features (libFuzzer -merge=1) to the seeds and
# crashes, so the corpus grows only with coverage. Inputs over 32 KiB (the
# demo export) are replayed by ctest but not mutated, which keeps the
# corpus small. One line per harness: executions, coverage as libFuzzer
# prints it (cov: edges, ft: features), corpus files and bytes, crashes.
#
#   FUZZ_BUILD   the fuzz build directory (default build-fuzz)
#   FUZZ_WORK    scratch directory (default /tmp/isms-fuzz)
#   FUZZ_FLAGS   extra libFuzzer flags
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${FUZZ_BUILD:-$here/../build-fuzz}
work=${FUZZ_WORK:-/tmp/isms-fuzz}
secs=${1:-600}
[ $# -gt 0 ] && shift
names=${*:-$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
max=32768
# Whole exports are large: for import, only inputs reaching new edges are
# kept (not new hit counts of known ones), so its corpus stays under 1 MB.
merge_flags() { [ "$1" = import ] && echo "-use_counters=0" || true; }

for name in $names; do
    bin=$build/fuzz_$name
    corpus=$here/corpus/$name
    w=$work/$name
    [ -x "$bin" ] || { echo "run.sh: $bin missing (make fuzz)" >&2; exit 1; }
    rm -rf "$w"
    mkdir -p "$w/run" "$w/keep" "$w/found" "$w/artifacts"
    find "$corpus" -type f -size -$((max + 1))c -exec cp {} "$w/run/" \;
    find "$corpus" -type f -size -$((max + 1))c \( -name 'seed-*' -o -name 'crash-*' \) \
        -exec cp {} "$w/keep/" \;
    rc=0
    nice -n 19 "$bin" -max_total_time="$secs" -max_len=$max -print_final_stats=1 ${FUZZ_FLAGS:-} \
        -artifact_prefix="$w/artifacts/" "$w/run" >"$w/log" 2>&1 || rc=$?
    # The first directory holds the inputs kept as they are: merging adds
    # to it only what brings features they do not have.
    cp "$w/keep"/* "$w/found/" 2>/dev/null || true
    nice -n 19 "$bin" -merge=1 -max_len=$max $(merge_flags "$name") "$w/found" "$w/run" \
        >"$w/merge.log" 2>&1
    find "$corpus" -type f ! -name 'seed-*' ! -name 'crash-*' -delete
    for f in "$w/found"/*; do
        [ -e "$corpus/$(basename "$f")" ] || cp "$f" "$corpus/"
    done
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$w/log")
    last=$(grep -E '^#[0-9]+' "$w/log" | tail -1)
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    files=$(ls "$corpus" | wc -l)
    bytes=$(du -sb "$corpus" | cut -f1)
    crashes=$(ls "$w/artifacts" | wc -l)
    echo "$name: ${secs}s execs ${execs:-?} cov ${cov:-?} ft ${ft:-?} corpus $files files" \
         "$bytes bytes crashes $crashes exit $rc"
done
