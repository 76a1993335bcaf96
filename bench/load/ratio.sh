#!/bin/sh
# bench/load/ratio.sh: issue 16 point 8 on SQLite, the rate of adding risks
# to a repository of a million against the rate into one of 10,000.
#   bench/load/ratio.sh                       PAIRS=6 RISKS=20000
#   SMALL=/path/u10k.isms LARGE=/path/u1m.isms bench/load/ratio.sh
#
# Two measures, because a shared machine's speed drifts by a third within
# minutes and a single pair of runs says little:
#   - the margin: RISKS adds (1,000 to a transaction, `bench_load
#     --append`) into a fresh copy of each base, alternated PAIRS times;
#     each pair's ratio is its two rates' quotient, and the table gives
#     every pair and the median;
#   - the load from empty (FULL=1, about two minutes more): a million
#     risks into a new file against 10,000 into a new file, with a 10,000
#     run before and after the million and the median of those.
# The bases are bench_scale's (10 objectives and assets): SMALL and LARGE,
# or built once into KEEP as scale-10000.isms and scale-1000000.isms (the
# names bench/load/append.sh keeps them under).
#
# Environment: BUILD (build), PAIRS (6), RISKS (20000), FULL (0), SMALL,
# LARGE, KEEP (a directory kept between runs, default temporary).
set -eu
. "$(dirname "$0")/../support/start.sh"
: "${PAIRS:=6}" "${RISKS:=20000}" "${FULL:=0}"
bench_tmp
KEEP=${KEEP:-$tmp}
mkdir -p "$KEEP"
base() { # base SIZE VAR_VALUE: the base of SIZE risks
    if [ -n "$2" ]; then echo "$2"; return; fi
    [ -f "$KEEP/scale-$1.isms" ] || "$BUILD/bench_scale" "$KEEP/scale-$1.isms" "$1" >&2
    echo "$KEEP/scale-$1.isms"
}
SMALL=$(base 10000 "${SMALL:-}")
LARGE=$(base 1000000 "${LARGE:-}")
bench_say "bench_load --append: $RISKS risks into 10,000 and into 1,000,000, $PAIRS pairs"

# add BASE: one run of RISKS adds into a fresh copy of BASE (opened once,
# so that an upgrade is not timed); prints "rate cpu_seconds peak_kb".
add() {
    cp "$1" "$tmp/run.isms"
    rm -f "$tmp/run.isms-wal" "$tmp/run.isms-shm"
    "$BUILD/isms" --repo "$tmp/run.isms" summary > /dev/null
    sync
    /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$BUILD/bench_load" --append "$tmp/run.isms" \
        "$RISKS" 0 | sed -n 's/.*"phase":"risks",.*"per_second":\([0-9]*\).*/\1/p' > "$tmp/rate"
    awk -v r="$(cat "$tmp/rate")" '{ printf "%s %.2f %s\n", r, $1 + $2, $3 }' "$tmp/time"
}

# load N: N risks into a new file; prints "rate cpu_seconds peak_kb".
load() {
    rm -f "$tmp/new.isms" "$tmp/new.isms-wal" "$tmp/new.isms-shm"
    /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$BUILD/bench_load" "$tmp/new.isms" "$1" 0 0 |
        sed -n 's/.*"phase":"risks",.*"per_second":\([0-9]*\).*/\1/p' > "$tmp/rate"
    awk -v r="$(cat "$tmp/rate")" '{ printf "%s %.2f %s\n", r, $1 + $2, $3 }' "$tmp/time"
}

: > "$tmp/pairs"
i=0
while [ "$i" -lt "$PAIRS" ]; do
    echo "$(add "$SMALL") $(add "$LARGE") $(cut -d' ' -f1 /proc/loadavg)" >> "$tmp/pairs"
    i=$((i + 1))
done
: > "$tmp/full"
if [ "$FULL" = 1 ]; then
    echo "$(load 10000) $(load 1000000) $(load 10000)" > "$tmp/full"
fi

python3 - "$tmp/pairs" "$tmp/full" "$RISKS" <<'PY'
import statistics, sys
pairs = [l.split() for l in open(sys.argv[1]) if l.strip()]
full = [l.split() for l in open(sys.argv[2]) if l.strip()]
risks = int(sys.argv[3])
if pairs:
    print("\n| pair | into 10k, risks/s | into 1M, risks/s | ratio | CPU s 10k / 1M | peak RSS MB 10k / 1M | load |")
    print("|---|---|---|---|---|---|---|")
ratios = []
for k, p in enumerate(pairs, 1):
    small, large = float(p[0]), float(p[3])
    ratios.append(large / small)
    print("| %d | %.0f | %.0f | %.0f %% | %s / %s | %.0f / %.0f | %s |" % (
        k, small, large, 100 * large / small, p[1], p[4],
        float(p[2]) / 1024, float(p[5]) / 1024, p[6]))
if ratios:
    print("\nmedian ratio of %d pairs (%d adds each): %.0f %% (goal: 80 %%)" % (
        len(ratios), risks, 100 * statistics.median(ratios)))
for f in full:
    before, million, after = float(f[0]), float(f[3]), float(f[6])
    mid = statistics.median([before, after])
    print("\nload from empty: 10,000 at %.0f and %.0f risks/s, 1,000,000 at %.0f/s "
          "(CPU %s s, peak RSS %.0f MB): %.0f %% of the 10,000 runs' median" % (
              before, after, million, f[4], float(f[5]) / 1024, 100 * million / mid))
PY
