#!/bin/sh
# bench/load/append.sh: adding risks to a repository of SIZE risks, SQLite
# and PostgreSQL side by side (issue 16 point 8).
#   bench/load/append.sh                      RISKS=10000 SIZE=10000
#   RISKS=2000 BACKENDS=postgres bench/load/append.sh
#
# The repository is bench_scale's of SIZE risks: BASE, by default
# /work/bench-cache/scale-SIZE.isms when it is there, else built once with
# bench_scale into KEEP. Each backend gets a fresh copy: the file itself,
# or for PostgreSQL the file copied table by table (bench/scale/pg_copy.sh)
# into a database of a private server with durable settings (fsync and
# synchronous_commit on; Unix socket). Then `bench_load --append` adds
# RISKS risks, 1,000 to a transaction (each add in its own savepoint, as
# the server's group commit makes them), and SINGLE (200) risks one
# transaction each. Reported per backend: risks/s of both phases, the CPU
# seconds (user + sys) of bench_load and, on PostgreSQL, of the server, and
# the round trips a risk costs (sendto calls per risk over a separate run
# of 200 risks under strace; ROUNDTRIPS=0 skips it). Wall rates depend on
# what else runs: the first line says the load average, and so does the
# table.
#
# Environment: BUILD (build), BACKENDS (sqlite postgres), RISKS (10000),
# SIZE (10000), SINGLE (200), BASE, KEEP (a directory kept between runs,
# default temporary), ROUNDTRIPS (1 when strace is installed).
set -eu
. "$(dirname "$0")/../support/start.sh"
: "${RISKS:=10000}" "${SIZE:=10000}" "${SINGLE:=200}" "${BACKENDS:=sqlite postgres}"
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
ISMS=$BUILD/isms
if [ -z "${ROUNDTRIPS:-}" ]; then
    if command -v strace > /dev/null; then ROUNDTRIPS=1; else ROUNDTRIPS=0; fi
fi
bench_tmp
KEEP=${KEEP:-$tmp}
mkdir -p "$KEEP"
BASE=${BASE:-/work/bench-cache/scale-$SIZE.isms}
if [ ! -f "$BASE" ]; then
    BASE=$KEEP/scale-$SIZE.isms
    [ -f "$BASE" ] || "$BUILD/bench_scale" "$BASE" "$SIZE" >&2
fi
bench_say "bench_load --append: $RISKS risks into $SIZE, $BACKENDS"

# fresh BACKEND NAME: echoes a new copy of BASE on BACKEND (upgraded to the
# current schema by opening it once).
fresh() {
    case $1 in
    sqlite)
        cp "$BASE" "$tmp/$2.isms"
        chmod u+w "$tmp/$2.isms"
        "$ISMS" --repo "$tmp/$2.isms" summary > /dev/null
        echo "$tmp/$2.isms" ;;
    postgres)
        if [ ! -d "$pgdir" ]; then
            ISMS_PG_DURABLE=1 sh tests/support/pg_server.sh start "$pgdir" >&2
        fi
        [ -f "$tmp/base.isms" ] || { cp "$BASE" "$tmp/base.isms"; chmod u+w "$tmp/base.isms"; \
            "$ISMS" --repo "$tmp/base.isms" summary > /dev/null; }
        psql -X -q -h "$pgdir" -U isms -d postgres -c "CREATE DATABASE $2" >&2
        sh bench/scale/pg_copy.sh "$tmp/base.isms" "postgresql://isms@/$2?host=$pgdir" "$ISMS" >&2
        echo "postgresql://isms@/$2?host=$pgdir" ;;
    *) echo "append.sh: unknown backend $1" >&2; exit 2 ;;
    esac
}

# The PostgreSQL server's CPU seconds so far: the postmaster's own and
# that of its children that ended (a connection's backend, once closed).
server_cpu() {
    if [ ! -f "$pgdir/data/postmaster.pid" ]; then echo 0; return; fi
    pid=$(head -1 "$pgdir/data/postmaster.pid")
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$pid/stat"
}

for backend in $BACKENDS; do
    repo=$(fresh "$backend" "append_$backend")
    before=$(server_cpu)
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%U %S" -o "$tmp/time" "$BUILD/bench_load" --append "$repo" "$RISKS" "$SINGLE" \
        > "$tmp/load.jsonl"
    sleep 1 # the backend's exit, for the postmaster to reap and count
    after=$(server_cpu)
    trips=null
    if [ "$ROUNDTRIPS" = 1 ]; then
        repo=$(fresh "$backend" "trips_$backend")
        strace -f -c -e trace=sendto -o "$tmp/strace" \
            "$BUILD/bench_load" --append "$repo" 200 0 > /dev/null
        trips=$(awk '$NF == "sendto" { print $4 / 200 }' "$tmp/strace")
        trips=${trips:-0}
    fi
    python3 - "$backend" "$tmp/load.jsonl" "$tmp/time" "$before" "$after" "$trips" "$load" \
        >> "$tmp/all.jsonl" <<'PY'
import json, sys
backend, lines, times, before, after, trips, load = sys.argv[1:]
r = {"backend": backend, "load": float(load), "round_trips_per_risk": json.loads(trips)}
for line in open(lines):
    p = json.loads(line)
    r[p["phase"] + "_per_s"] = p["per_second"]
user, sys_ = (float(x) for x in open(times).read().split()[-2:])
r["client_cpu_s"] = round(user + sys_, 2)
r["server_cpu_s"] = round(float(after) - float(before), 2) if backend == "postgres" else None
print(json.dumps(r))
PY
done
cat "$tmp/all.jsonl"

# Side by side: one row per measure, one column per backend.
python3 - "$tmp/all.jsonl" "$RISKS" "$SINGLE" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
risks, single = sys.argv[2:]
measures = [("load average at the start", "load"),
            ("risks/s, %s in transactions of 1,000" % risks, "risks_per_s"),
            ("risks/s, %s one transaction each" % single, "risks_single_txn_per_s"),
            ("bench_load CPU s (user + sys)", "client_cpu_s"),
            ("server CPU s", "server_cpu_s"),
            ("round trips per risk (sendto)", "round_trips_per_risk")]
print("\n| measure | " + " | ".join(r["backend"] for r in rows) + " |")
print("|---|" + "---|" * len(rows))
for name, key in measures:
    print("| %s | %s |" % (name, " | ".join("" if r.get(key) is None else str(r[key]) for r in rows)))
PY
