#!/bin/sh
# bench/oscal/run.sh: OSCAL import (issue 18).
#   RUNS=5 bench/oscal/run.sh
# bench_oscal times, best of RUNS, parsing the 3.9 MB MODERATE resolved
# catalog, reading it into items, resolving the MODERATE baseline profile
# against the legacy 5.0.1 catalog, and importing the catalog (parse,
# store, ledger, commit) into a new SQLite repository; then the whole
# `isms oscal import` command with hyperfine, and callgrind's instruction
# counts of the import and of the resolution (CALLGRIND=0 to skip); the
# page faults of one import when perf is there.
set -eu
cd "$(dirname "$0")/../.."
fix=tests/fixtures/oscal
echo "# bench_oscal ($(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
BUILD=${BUILD:-build} RUNS=${RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BUILD/bench_oscal" "$tmp" "$fix" "$RUNS"
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "$RUNS" \
        --prepare "rm -f $tmp/h.isms && $BUILD/isms init $tmp/h.isms >/dev/null" \
        "$BUILD/isms --repo $tmp/h.isms oscal import $fix/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json" \
        "$BUILD/isms --repo $tmp/h.isms oscal import $fix/NIST_SP-800-53_rev5_MODERATE-baseline_profile.json --catalog $fix/NIST_SP-800-53_rev5_catalog-min.json" >&2
fi
# Page faults of one whole import (load-independent, unlike its time).
if command -v perf >/dev/null; then
    rm -f "$tmp/p.isms"
    "$BUILD/isms" init "$tmp/p.isms" >/dev/null
    pf=$(perf stat -x, -e page-faults "$BUILD/isms" --repo "$tmp/p.isms" oscal import \
        "$fix/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json" 2>&1 >/dev/null |
        grep page-faults | cut -d, -f1) || true
    [ -n "$pf" ] && echo "{\"phase\":\"page faults import moderate-catalog\",\"faults\":$pf}"
fi
if [ "${CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
    for what in moderate-catalog profile; do
        rm -f "$tmp/c.isms"
        "$BUILD/isms" init "$tmp/c.isms" >/dev/null
        if [ $what = profile ]; then
            set -- "$fix/NIST_SP-800-53_rev5_MODERATE-baseline_profile.json" --catalog "$fix/NIST_SP-800-53_rev5_catalog-min.json"
        else
            set -- "$fix/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json"
        fi
        valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
            "$BUILD/isms" --repo "$tmp/c.isms" oscal import "$@" >/dev/null 2>"$tmp/cg.err"
        ir=$(grep -m1 '^summary:' "$tmp/cg.out" | cut -d' ' -f2)
        echo "{\"phase\":\"callgrind import $what\",\"instructions\":$ir}"
    done
fi
