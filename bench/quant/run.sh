#!/bin/sh
# bench/quant/run.sh: quantification and lists at scale (issue 16, points 3, 4 and 7).
#   bench/quant/run.sh [1m]          sizes 10000 and 100000 risks; "1m" adds 1,000,000
#   SIZES="10000 100000" OLD=path/to/old/isms bench/quant/run.sh
#
# For each size N, a SQLite repository of N risks with FAIR inputs and N
# controls treating three risks each (bench_quant; kept in CACHE, default
# /tmp/isms-bench-quant) is measured with
#   risk quantify RISK-1 --iterations 10000 --no-save      one risk
#   quantify --by objective --iterations 1000 --no-save   the portfolio
#   risk list > /dev/null                                   the plain table
#   control roi --iterations 1000 --no-save --json          the return on controls
#   quantify --iterations 1000                              the portfolio saved ("saved")
#   analysis show KEY                                       that analysis, a risk written
#                                                           since it ran ("show")
# each under /usr/bin/time (CPU s = user + system, peak RSS) and, for the
# operations in CALLGRIND (default: "one list"; add "portfolio" for the
# portfolio, slow before issue 16), under valgrind --tool=callgrind
# (instructions). The table gives each figure and its growth exponent per
# decade, log10(figure at 10 N / figure at N): 0 for a figure that does not
# grow, 1 for linear growth, 2 for quadratic. OLD=path/to/isms measures an
# older binary on the same repositories too (rows tagged "old"), at sizes
# up to OLD_MAX (default 100000); its return on controls only up to
# RETURNS_OLD_MAX (default 10000: before session 14 it was quadratic, an
# hour or more at 100k). "saved" and "show" run on a copy of the
# repository (the analysis saved by the new binary: before session 15 a
# portfolio of more than about 37,000 risks could not be saved); the old
# binary's "show" judged the analysis by loading the whole model.
set -eu
. "$(dirname "$0")/../support/start.sh"
SIZES=${SIZES:-10000 100000}
if [ "${1:-}" = 1m ]; then SIZES="$SIZES 1000000"; fi
CACHE=${CACHE:-/tmp/isms-bench-quant}
CALLGRIND=${CALLGRIND:-one list}
OLD=${OLD:-}
OLD_MAX=${OLD_MAX:-100000}
RETURNS_OLD_MAX=${RETURNS_OLD_MAX:-10000}
ISMS=$(realpath "$BUILD/isms")
mkdir -p "$CACHE"
bench_tmp "$CACHE"

# measure TAG OP SIZE REPO -- COMMAND...: one JSON line with CPU s, peak
# RSS and (when OP is in CALLGRIND) instructions.
measure() {
    tag=$1 op=$2 size=$3 repo=$4
    shift 5
    ISMS_REPO=$repo /usr/bin/time -f '%U %S %M' -o "$tmp/time.txt" "$@" > /dev/null 2> "$tmp/err.txt" ||
        { cat "$tmp/err.txt" >&2; exit 1; }
    ir=0
    case " $CALLGRIND " in
    *" $op "*)
        ISMS_REPO=$repo valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" \
            > /dev/null 2> "$tmp/cg.txt" || { cat "$tmp/cg.txt" >&2; exit 1; }
        ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$tmp/cg.txt")
        rm -f "$tmp/cg.out"
        ;;
    esac
    awk -v what="$op ($tag)" -v n="$size" -v ir="$ir" '{
        printf "{\"what\":\"%s\",\"risks\":%d,\"cpu_s\":%.2f,\"rss_mb\":%.1f,\"ir\":%.0f}\n",
            what, n, $1 + $2, $3 / 1024, ir }' "$tmp/time.txt"
}

for n in $SIZES; do
    repo="$CACHE/q$n.isms"
    if [ ! -f "$repo.done" ]; then
        echo "# loading $n risks and $n controls into $repo ($(date -u +%FT%TZ))" >&2
        rm -f "$repo" "$repo-wal" "$repo-shm"
        "$BUILD/bench_quant" "$repo" "$n" >&2
        touch "$repo.done"
    fi
    bins=$ISMS
    if [ -n "$OLD" ] && [ "$n" -le "$OLD_MAX" ]; then bins="$ISMS $(realpath "$OLD")"; fi
    for bin in $bins; do
        tag=new
        if [ "$bin" != "$ISMS" ]; then tag=old; fi
        echo "# $n risks, $tag binary ($(date -u +%FT%TZ))" >&2
        measure "$tag" one "$n" "$repo" -- "$bin" risk quantify RISK-1 --iterations 10000 --no-save |
            tee -a "$tmp/all.jsonl"
        measure "$tag" portfolio "$n" "$repo" -- \
            "$bin" quantify --by objective --iterations 1000 --no-save | tee -a "$tmp/all.jsonl"
        measure "$tag" list "$n" "$repo" -- "$bin" risk list | tee -a "$tmp/all.jsonl"
        if [ "$tag" = new ] || [ "$n" -le "$RETURNS_OLD_MAX" ]; then
            measure "$tag" returns "$n" "$repo" -- \
                "$bin" --json control roi --iterations 1000 --no-save | tee -a "$tmp/all.jsonl"
        fi
    done
    fig="$tmp/saved.isms"
    cp "$repo" "$fig"
    rm -f "$fig-wal" "$fig-shm"
    "$ISMS" --repo "$fig" summary > /dev/null 2>&1 # an upgrade, not timed
    rm -f "$fig".v*.bak
    measure new saved "$n" "$fig" -- "$ISMS" quantify --iterations 1000 | tee -a "$tmp/all.jsonl"
    key=$("$ISMS" --repo "$fig" analysis list --kind portfolio | awk 'NR == 2 { print $1 }')
    "$ISMS" --repo "$fig" risk update RISK-7 --lef 'pert(0.1,2,8)' > /dev/null
    for bin in $bins; do
        tag=new
        if [ "$bin" != "$ISMS" ]; then tag=old; fi
        measure "$tag" show "$n" "$fig" -- "$bin" analysis show "$key" | tee -a "$tmp/all.jsonl"
    done
    rm -f "$fig" "$fig-wal" "$fig-shm"
done

python3 - "$tmp/all.jsonl" <<'PY'
import json, sys
sys.path.insert(0, "bench/support")
from growth import table
rows = [json.loads(l) for l in open(sys.argv[1])]
print("\nrisks (and as many controls): instructions (callgrind), CPU s (user + system), peak RSS;")
print("growth exponent per decade in brackets")
table(rows, "risks", [("instructions", "ir", lambda v: "%.1f M" % (v / 1e6)),
                      ("CPU", "cpu_s", lambda v: "%.2f s" % v),
                      ("peak RSS", "rss_mb", lambda v: "%.1f MB" % v)])
PY
