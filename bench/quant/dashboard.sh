#!/bin/sh
# bench/quant/dashboard.sh: the dashboard when every risk has its analysis
# (issue 16, point 1: `isms summary` and the web dashboard cost what they
# show, not the number of analyses).
#   bench/quant/dashboard.sh              1,000 and 10,000 risks
#   bench/quant/dashboard.sh 100k         and 100,000 (about 25 minutes to build once)
#   SIZES="10000" CACHE=dir bench/quant/dashboard.sh
#
# For each size N: bench_quant's repository of N risks with FAIR inputs
# and N controls, then an analysis of every risk saved, a portfolio, and
# RISK-1 changed (bench_quant --analyses; kept in CACHE, default
# /tmp/isms-bench-quant, as aN.isms). On a fresh copy it measures
#   summary          `isms summary`: callgrind instructions, CPU, peak RSS
#   web              the first GET / of a fresh `isms serve` (wall ms, the
#                    best of RUNS starts): it computes every section then
#   list json        `isms risk list --json` (every row with its analysis's
#                    figures): CPU and peak RSS
#   approve          approving an organisation-wide appetite, which makes
#                    every analysis stale (the write marks them all)
#   summary stale / web stale   the first two again, every analysis stale
# and prints a table with each figure's growth exponent per decade
# (log10(figure at 10 N / figure at N): 0 flat, 1 linear, 2 quadratic).
# A million analysed risks would take a day to build and ~20 GB: the
# exponent says what 1M costs.
set -eu
. "$(dirname "$0")/../support/start.sh"
SIZES=${SIZES:-1000 10000}
if [ "${1:-}" = 100k ]; then SIZES="$SIZES 100000"; fi
CACHE=${CACHE:-/tmp/isms-bench-quant}
RUNS=${RUNS:-3}
ISMS=$(realpath "$BUILD/isms")
mkdir -p "$CACHE"
bench_tmp "$CACHE"
bench_say "dashboard with every risk analysed: $SIZES"

# measure OP N CALLGRIND(0|1) -- COMMAND...: one JSON line (CPU s, peak
# RSS, instructions when asked).
measure() {
    op=$1 n=$2 cg=$3
    shift 4
    /usr/bin/time -f '%U %S %M' -o "$tmp/time.txt" "$@" > /dev/null 2> "$tmp/err.txt" ||
        { cat "$tmp/err.txt" >&2; exit 1; }
    ir=0
    if [ "$cg" = 1 ]; then
        valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" > /dev/null \
            2> "$tmp/cg.txt" || { cat "$tmp/cg.txt" >&2; exit 1; }
        ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$tmp/cg.txt")
        rm -f "$tmp/cg.out"
    fi
    awk -v what="$op" -v n="$n" -v ir="$ir" '{
        printf "{\"what\":\"%s\",\"risks\":%d,\"cpu_s\":%.3f,\"rss_mb\":%.1f,\"ir\":%.0f,\"ms\":0}\n",
            what, n, $1 + $2, $3 / 1024, ir }' "$tmp/time.txt"
}

# web OP N REPO TOKEN: the first GET / of a fresh server, best of RUNS.
web() {
    best=
    for _ in $(seq "$RUNS"); do
        "$ISMS" --repo "$3" serve --listen 127.0.0.1:0 --threads 2 --verify-every off \
            > "$tmp/serve.out" 2> "$tmp/serve.log" &
        pid=$!
        url=
        for _ in $(seq 300); do
            url=$(sed -n 's/^isms: serving on \(http:[^ ]*\)\/ .*/\1/p' "$tmp/serve.out")
            [ -n "$url" ] && break
            sleep 0.1
        done
        [ -n "$url" ] || { cat "$tmp/serve.log" >&2; exit 1; }
        s=$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $4" "$url/")
        kill "$pid"
        wait "$pid" || true
        best=$(echo "$s $best" | awk '{ m = $1; for (i = 2; i <= NF; i++) if ($i < m) m = $i; print m }')
    done
    echo "{\"what\":\"$1\",\"risks\":$2,\"cpu_s\":0,\"rss_mb\":0,\"ir\":0,\"ms\":$(echo "$best" |
        awk '{ printf "%.1f", $1 * 1000 }')}"
}

for n in $SIZES; do
    base=$CACHE/a$n.isms
    if [ ! -f "$base.done" ]; then
        echo "# building $base: $n risks, $n controls, an analysis of each ($(date -u +%FT%TZ))" >&2
        rm -f "$base" "$base-wal" "$base-shm"
        "$BUILD/bench_quant" "$base" "$n" >&2
        "$BUILD/bench_quant" --analyses "$base" >&2
        "$ISMS" --repo "$base" person add --name "Lena Lead" --email lead@bench.example \
            --role isms-lead > /dev/null
        touch "$base.done"
    fi
    repo=$tmp/d.isms
    cp "$base" "$repo"
    "$ISMS" --repo "$repo" summary > /dev/null 2>&1 # an upgrade, once, if the cache is older
    rm -f "$repo".v*.bak
    token=$("$ISMS" --repo "$repo" token add --name bench --as lead@bench.example |
        sed -n '1s/^token [^ ]* acts for [^ ]*: //p')
    echo "# $n risks analysed ($(date -u +%FT%TZ))" >&2
    {
        measure summary "$n" 1 -- "$ISMS" --repo "$repo" summary
        web web "$n" "$repo" "$token"
        measure "list json" "$n" 0 -- "$ISMS" --repo "$repo" risk list --json
        "$ISMS" --repo "$repo" appetite add --statement "Bank-wide" --appetite 1000000 \
            --tolerance 3000000 > /dev/null
        key=$("$ISMS" --repo "$repo" appetite list --json | sed -n 's/.*"key":"\(APP-[0-9]*\)".*/\1/p' |
            tail -1)
        measure approve "$n" 0 -- "$ISMS" --repo "$repo" --as dana@bench.example appetite approve "$key"
        measure "summary stale" "$n" 1 -- "$ISMS" --repo "$repo" summary
        web "web stale" "$n" "$repo" "$token"
    } | tee -a "$tmp/all.jsonl"
    rm -f "$repo" "$repo-wal" "$repo-shm"
done

python3 - "$tmp/all.jsonl" <<'PY'
import json, sys
sys.path.insert(0, "bench/support")
from growth import table
rows = [json.loads(l) for l in open(sys.argv[1])]
print("\nrisks, each with its latest analysis: instructions (callgrind), CPU s (user + system),")
print("peak RSS, wall ms of a first page view; growth exponent per decade in brackets")
table(rows, "risks", [("instructions", "ir", lambda v: "%.1f M" % (v / 1e6)),
                      ("CPU", "cpu_s", lambda v: "%.2f s" % v),
                      ("peak RSS", "rss_mb", lambda v: "%.1f MB" % v),
                      ("first view", "ms", lambda v: "%.1f ms" % v)])
PY
