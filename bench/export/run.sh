#!/bin/sh
# bench/export/run.sh: export and import at scale (issue 16).
#   SIZES="10000 100000 1000000" bench/export/run.sh
#
# For each size N, a SQLite repository of N records (0.9 N risks with
# their links, 0.1 N controls treating two risks each; one ledger entry
# per record) is loaded through the domain layer by bench_load and kept in
# CACHE (default /tmp/isms-bench-export: loading 1,000,000 records takes
# 15 to 40 minutes), then
#   isms --repo R export R.json          and
#   isms import R.json NEW               (a fresh SQLite file, or with
#                                         BACKEND=postgres a fresh database
#                                         on a private server started here)
# run under /usr/bin/time -v: peak RSS, CPU time (user + system) and wall
# time. The table gives each, the export's size, and the growth exponent
# per decade: log10(figure at 10 N / figure at N), 1 for linear growth, 0
# for a figure that does not grow. OLD=path/to/isms runs an older binary
# on the same repositories too, and checks that its export and ours are
# byte-identical, at sizes up to OLD_MAX (default 100000: an isms that
# holds the whole document needs about 9 GB for 1,000,000 records).
# KEEP=1 keeps the exports and imported repositories.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SIZES=${SIZES:-10000 100000 1000000}
CACHE=${CACHE:-/tmp/isms-bench-export}
BACKEND=${BACKEND:-sqlite}
OLD=${OLD:-}
OLD_MAX=${OLD_MAX:-100000}
ISMS=$(realpath "$BUILD/isms")
mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/run.XXXXXX")
pgdir=/tmp/isms-pg-export-$$
cleanup() {
    if [ -d "$pgdir" ]; then sh tests/support/pg_server.sh stop "$pgdir" >/dev/null || true; fi
    rm -rf "$pgdir"
    if [ -z "${KEEP:-}" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT
if [ "$BACKEND" = postgres ]; then
    ISMS_PG_DURABLE=1 sh tests/support/pg_server.sh start "$pgdir" >&2
fi

# target NAME: where an import goes.
target() {
    if [ "$BACKEND" = postgres ]; then
        psql -X -q -h "$pgdir" -U isms -d postgres -c "CREATE DATABASE $1" >&2
        echo "postgresql://isms@/$1?host=$pgdir"
    else
        echo "$tmp/$1.isms"
    fi
}

# measure LABEL SIZE BYTES -- COMMAND...: one JSON line of /usr/bin/time -v's figures.
measure() {
    label=$1 size=$2 bytes=$3
    shift 4
    /usr/bin/time -v -o "$tmp/time.txt" "$@" > /dev/null 2> "$tmp/err.txt" ||
        { cat "$tmp/err.txt" "$tmp/time.txt" >&2; exit 1; }
    python3 - "$label" "$size" "$bytes" "$tmp/time.txt" <<'PY'
import json, sys
label, size, nbytes, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
f = {}
for line in open(path):
    k, _, v = line.strip().rpartition(": ")
    f[k] = v
wall = 0.0
for part in f["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
    wall = wall * 60 + float(part)
print(json.dumps({"what": label, "records": size, "bytes": nbytes,
                  "rss_mb": round(int(f["Maximum resident set size (kbytes)"]) / 1024, 1),
                  "cpu_s": round(float(f["User time (seconds)"]) + float(f["System time (seconds)"]), 2),
                  "wall_s": round(wall, 2)}))
PY
}

for n in $SIZES; do
    repo="$CACHE/r$n.isms"
    if [ ! -f "$repo.done" ]; then
        echo "# loading $n records into $repo ($(date -u +%FT%TZ))" >&2
        rm -f "$repo" "$repo-wal" "$repo-shm"
        "$BUILD/bench_load" "$repo" $((n * 9 / 10)) $((n / 10)) 0 >&2
        touch "$repo.done"
    fi
    bins=$ISMS
    if [ -n "$OLD" ] && [ "$n" -le "$OLD_MAX" ]; then bins="$ISMS $OLD"; fi
    for bin in $bins; do
        tag=new
        if [ "$bin" != "$ISMS" ]; then tag=old; fi
        out="$tmp/$tag$n.json"
        measure "export ($tag)" "$n" 0 -- "$bin" --repo "$repo" export "$out" | tee -a "$tmp/all.jsonl"
        bytes=$(wc -c < "$out")
        measure "import ($tag)" "$n" "$bytes" -- "$bin" import "$out" "$(target "i$tag$n")" |
            tee -a "$tmp/all.jsonl"
    done
    if [ -f "$tmp/old$n.json" ]; then
        cmp "$tmp/new$n.json" "$tmp/old$n.json" >&2 && echo "# $n: the exports are byte-identical" >&2
    fi
    if [ -z "${KEEP:-}" ]; then rm -f "$tmp"/*.json; fi
done

python3 - "$tmp/all.jsonl" "$BACKEND" <<'PY'
import json, sys
sys.path.insert(0, "bench/support")
from growth import by_size, exponent
rows = [json.loads(l) for l in open(sys.argv[1])]
print("\n%s: peak RSS (MB), CPU s (user + system), wall s; exponent per decade in brackets" % sys.argv[2])
print("| records | operation | export size | peak RSS | CPU | wall |")
print("|---|---|---|---|---|---|")
for r, p in by_size(rows, "records"):
    grow = lambda k: exponent(r, p, k, "records")
    size = "%.0f MB" % (r["bytes"] / 1e6) if r["bytes"] else ""
    print("| %s | %s | %s | %s MB%s | %s%s | %s%s |" % (
        format(r["records"], ","), r["what"], size, r["rss_mb"], grow("rss_mb"),
        r["cpu_s"], grow("cpu_s"), r["wall_s"], grow("wall_s")))
PY
