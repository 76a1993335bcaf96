#!/bin/sh
# bench/scale/verify.sh: `isms verify` over a whole ledger (issue 16.6), at
# 10k, 100k and 1M risks.
#   bench/scale/verify.sh
#   SIZES="100000" RUNS=3 CALLGRIND=100000 bench/scale/verify.sh
#
# For each size it copies the kept repository of bench/scale
# (FROM/scale-N.isms, by default /work/bench-cache; read-only, never
# written) into a scratch directory, or builds one with bench_scale when
# there is none, and opens it once (the upgrade to the current schema).
# Then, RUNS times each:
#   full          isms verify --full
#   first         isms verify, with no verification recorded (the recorded
#                 one is deleted first): the default command checks the
#                 whole ledger then, as --full does
# and prints per size and mode the entries checked, the least wall time,
# the mean CPU time (user + sys), entries per second of wall and of CPU,
# and the peak RSS, each with its growth exponent per decade (1.0 linear).
# CALLGRIND=N also counts the instructions of one `verify --full` at sizes
# up to N (valgrind hides the SHA extensions: libcrypto hashes without them
# there, so the count overstates hashing). The first line says the load
# average: on a busy machine wall times lie, CPU times less so.
#
# Environment: BUILD (default build), SIZES, RUNS (default 3), FROM,
# CALLGRIND (default 0), TMPDIR (the scratch directory's parent; a 1M
# repository is 1.3 GB).
set -eu
. "$(dirname "$0")/../support/start.sh"
SIZES=${SIZES:-10000 100000 1000000}
RUNS=${RUNS:-3}
FROM=${FROM:-/work/bench-cache}
CALLGRIND=${CALLGRIND:-0}
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
ISMS=$BUILD/isms
bench_tmp "${TMPDIR:-/tmp}"
bench_say "isms verify, sizes $SIZES, $RUNS runs each"
: > "$tmp/rows.jsonl"

# one SIZE MODE REPO: times one verification RUNS times, one JSON row.
one() {
    size=$1 mode=$2 r=$3
    : > "$tmp/times"
    for i in $(seq "$RUNS"); do
        if [ "$mode" = first ]; then
            sqlite3 "$r" "DELETE FROM meta WHERE name = 'last_verification'"
            set -- verify
        else
            set -- verify --full
        fi
        /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$ISMS" --repo "$r" "$@" > "$tmp/out"
        cat "$tmp/t" >> "$tmp/times"
    done
    entries=$(sed -n 's/^ok: \([0-9]*\) ledger entries.*/\1/p' "$tmp/out")
    ir=null
    if [ "$mode" = full ] && [ "$size" -le "$CALLGRIND" ]; then
        valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$ISMS" --repo "$r" \
            verify --full > /dev/null 2> "$tmp/cg.err"
        ir=$(sed -n 's/^summary: //p' "$tmp/cg.out")
    fi
    python3 - "$size" "$mode" "$entries" "$ir" "$tmp/times" "$(cut -d' ' -f1 /proc/loadavg)" \
        >> "$tmp/rows.jsonl" <<'PY'
import json, sys
size, mode, entries, ir, times, load = sys.argv[1:]
runs = [list(map(float, line.split())) for line in open(times) if line.strip()]
wall = min(r[0] for r in runs)
cpu = sum(r[1] + r[2] for r in runs) / len(runs)
print(json.dumps({"size": int(size), "what": mode, "entries": int(entries),
                  "wall_s": wall, "cpu_s": round(cpu, 3),
                  "rss_mb": round(max(r[3] for r in runs) / 1024, 1),
                  "instructions": None if ir == "null" else int(ir), "load": float(load)}))
PY
    tail -1 "$tmp/rows.jsonl" >&2
}

for n in $SIZES; do
    r=$tmp/scale-$n.isms
    if [ -f "$FROM/scale-$n.isms" ]; then
        cp "$FROM/scale-$n.isms" "$r"
        chmod u+w "$r"
    else
        "$BUILD/bench_scale" "$r" "$n" >&2
    fi
    "$ISMS" --repo "$r" verify --full > /dev/null 2>&1 || true # the upgrade, and the page cache
    rm -f "$r".v*.bak
    one "$n" full "$r"
    one "$n" first "$r"
    rm -f "$r" "$r-wal" "$r-shm"
done

python3 - "$tmp/rows.jsonl" <<'PY'
import json, sys
sys.path.insert(0, "bench/support")
from growth import by_size, exponent
rows = [json.loads(line) for line in open(sys.argv[1])]
print("| mode | entries | wall s | CPU s | entries/s (wall) | entries/s (CPU) | peak RSS MB "
      "| instructions/entry | load |")
print("|---|---|---|---|---|---|---|---|---|")
for r, p in by_size(rows, "entries"):
    r["rate"] = r["entries"] / r["wall_s"] if r["wall_s"] else 0
    r["cpu_rate"] = r["entries"] / r["cpu_s"] if r["cpu_s"] else 0
    ipe = "%.0f" % (r["instructions"] / r["entries"]) if r["instructions"] else "-"
    print("| %s | %d | %.2f%s | %.2f%s | %.0f | %.0f | %.0f%s | %s | %.1f |" % (
        r["what"], r["entries"], r["wall_s"], exponent(r, p, "wall_s", "entries"),
        r["cpu_s"], exponent(r, p, "cpu_s", "entries"), r["rate"], r["cpu_rate"],
        r["rss_mb"], exponent(r, p, "rss_mb", "entries"), ipe, r["load"]))
print("(exponent per decade in brackets: 1.0 is linear; goal 250,000 entries/s of wall at 1M)")
PY
