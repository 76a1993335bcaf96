#!/bin/sh
# bench/load/run.sh: the load benchmark of issue 2, on both backends.
#   RISKS=100000 CONTROLS=10000 bench/load/run.sh [REPO]
# Loads RISKS risks and CONTROLS controls through the domain layer
# (bench_load), then times `isms risk list --json` and `isms verify` on the
# result with hyperfine.
#
# Without REPO it runs once per backend in BACKENDS (default "sqlite
# postgres"): a fresh SQLite file in a temporary directory, and a fresh
# database on a private PostgreSQL server started for the run (durable
# settings: fsync and synchronous_commit on, as in production; Unix
# socket), then prints the figures side by side. With REPO (a file path or
# a postgres:// URI of an empty database) it runs on that repository only.
set -eu
. "$(dirname "$0")/../support/start.sh"
RISKS=${RISKS:-100000}
CONTROLS=${CONTROLS:-10000}
SINGLE=${SINGLE:-1000}
BACKENDS=${BACKENDS:-sqlite postgres}
bench_tmp

# load_and_time REPO LABEL: the benchmark on one repository; JSON lines,
# each tagged with the backend, go to stdout and to $tmp/LABEL.jsonl.
load_and_time() {
    repo=$1 label=$2
    bench_say "bench_load: $RISKS risks, $CONTROLS controls into $label"
    "$BUILD/bench_load" "$repo" "$RISKS" "$CONTROLS" "$SINGLE" > "$tmp/load.jsonl"
    "$BUILD/isms" --repo "$repo" risk list --json > "$tmp/list.json"
    echo "# risk list --json: $(wc -c < "$tmp/list.json") bytes"
    ISMS_REPO="$repo" hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$tmp/hf.json" \
        "$BUILD/isms risk list --json > /dev/null" \
        "$BUILD/isms risk list --limit 50 --json > /dev/null" \
        "$BUILD/isms verify > /dev/null" >&2
    python3 - "$label" "$tmp/load.jsonl" "$tmp/hf.json" <<'PY' | tee "$tmp/$label.jsonl"
import json, sys
label = sys.argv[1]
for line in open(sys.argv[2]):
    print(json.dumps({"backend": label, **json.loads(line)}))
for r in json.load(open(sys.argv[3]))["results"]:
    print(json.dumps({"backend": label, "command": r["command"], "mean_s": round(r["mean"], 4),
                      "stddev_s": round(r["stddev"], 4), "min_s": round(r["min"], 4)}))
PY
}

# A private PostgreSQL server for the run; echoes the new database's URI.
postgres_repo() {
    ISMS_PG_DURABLE=1 sh tests/support/pg_server.sh start "$pgdir" >&2
    psql -X -q -h "$pgdir" -U isms -d postgres -c "CREATE DATABASE load" >&2
    echo "postgresql://isms@/load?host=$pgdir"
}

if [ $# -gt 0 ]; then
    case $1 in postgres*|*dbname=*) label=postgres ;; *) label=sqlite ;; esac
    load_and_time "$1" "$label"
    exit 0
fi

for backend in $BACKENDS; do
    case $backend in
    sqlite) load_and_time "$tmp/load.isms" sqlite ;;
    postgres) load_and_time "$(postgres_repo)" postgres ;;
    *) echo "run.sh: unknown backend $backend" >&2; exit 2 ;;
    esac
done

# Side by side: one row per measure, one column per backend.
python3 - "$tmp" $BACKENDS <<'PY'
import json, os, sys
tmp, backends = sys.argv[1], sys.argv[2:]
rows, order = {}, []
for b in backends:
    for line in open(os.path.join(tmp, b + ".jsonl")):
        r = json.loads(line)
        if "phase" in r:
            key, val = "%s (batch %d): inserts/s" % (r["phase"], r["batch"]), "%d" % r["per_second"]
        else:
            key, val = r["command"].split(" ", 1)[1].replace(" > /dev/null", "") + ": s", \
                       "%.3f ± %.3f" % (r["mean_s"], r["stddev_s"])
        if key not in rows:
            order.append(key)
        rows.setdefault(key, {})[b] = val
w = max(len(k) for k in order)
print("\n| %-*s | %s |" % (w, "measure", " | ".join("%-14s" % b for b in backends)))
print("|%s|%s|" % ("-" * (w + 2), "|".join("-" * 16 for _ in backends)))
for k in order:
    print("| %-*s | %s |" % (w, k, " | ".join("%-14s" % rows[k].get(b, "") for b in backends)))
PY
