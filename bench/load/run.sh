#!/bin/sh
# bench/load/run.sh: the load benchmark of issue 2.
#   RISKS=100000 CONTROLS=10000 bench/load/run.sh [REPO]
# Loads RISKS risks and CONTROLS controls through the domain layer
# (bench_load), then times `isms risk list --json` and `isms verify` on the
# result with hyperfine. REPO defaults to a fresh SQLite file in a
# temporary directory.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RISKS=${RISKS:-100000}
CONTROLS=${CONTROLS:-10000}
SINGLE=${SINGLE:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
REPO=${1:-$tmp/load.isms}

echo "# bench_load: $RISKS risks, $CONTROLS controls into $REPO ($(date -u +%FT%TZ), $(nproc) cores)"
"$BUILD/bench_load" "$REPO" "$RISKS" "$CONTROLS" "$SINGLE"
export ISMS_REPO="$REPO"
"$BUILD/isms" risk list --json > "$tmp/list.json"
echo "# risk list --json: $(wc -c < "$tmp/list.json") bytes"
hyperfine --warmup 1 --runs ${RUNS:-5} --export-json "$tmp/hf.json" \
    "$BUILD/isms risk list --json > /dev/null" \
    "$BUILD/isms risk list --limit 50 --json > /dev/null" \
    "$BUILD/isms verify > /dev/null"
python3 - "$tmp/hf.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(json.dumps({"command": r["command"], "mean_s": round(r["mean"], 4),
                      "stddev_s": round(r["stddev"], 4), "min_s": round(r["min"], 4)}))
PY
