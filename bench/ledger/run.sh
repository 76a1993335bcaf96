#!/bin/sh
# bench/ledger/run.sh: the ledger's Merkle tree at scale.
#   ENTRIES=1000000 bench/ledger/run.sh [REPO]
# Tree head, inclusion and consistency proofs over ENTRIES entry hashes in
# memory (bench_merkle), then through a repository whose ledger holds
# ENTRIES entries: what `isms ledger root` and `isms ledger proof` do,
# then the two commands themselves timed with hyperfine. REPO defaults
# to a fresh SQLite file in a temporary directory.
set -eu
. "$(dirname "$0")/../support/start.sh"
ENTRIES=${ENTRIES:-1000000}
bench_repo ledger "$@"
bench_run bench_merkle "$ENTRIES entries, repository $repo" "$ENTRIES" "$repo"
export ISMS_REPO="$repo"
hyperfine --warmup 1 --runs ${RUNS:-5} --export-json "$tmp/hf.json" \
    "$BUILD/isms ledger root > /dev/null" \
    "$BUILD/isms ledger proof 777777 > /dev/null"
python3 - "$tmp/hf.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(json.dumps({"command": r["command"], "mean_s": round(r["mean"], 4),
                      "stddev_s": round(r["stddev"], 4), "min_s": round(r["min"], 4)}))
PY
