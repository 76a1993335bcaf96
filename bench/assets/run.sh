#!/bin/sh
# bench/assets/run.sh: writes of an asset on top of a dependency chain of
# CHAIN assets (default 1000 10000 100000), on SQLite: instructions
# (callgrind, one run each) and the growth exponent per the chain's length;
# and the import that builds each chain (wall time, peak memory).
#
#   bench/assets/run.sh
#   CHAIN="1000 10000" BUILD=/tmp/old/build bench/assets/run.sh
#   BACKEND=postgres bench/assets/run.sh
#
# The repository: the demo and CHAIN assets imported from CSV, each
# depending on the one before (AST-14 .. AST-(13+CHAIN)). Then, each on a
# copy: an asset added on top with normal needs (add normal: it passes
# nothing down, and the write reads only the asset below it), one added on
# top with a very high availability (add very high: every asset of the
# chain inherits it, the write's own work is the chain), and the bottom
# asset renamed (rename bottom: passes nothing on). add normal and rename
# bottom should not grow with the chain (exponent near 0), add very high
# as the chain (near 1).
#
# On PostgreSQL (BACKEND=postgres) the figure is the least wall time of
# RUNS runs (default 3), each on its own copy (bench/support/copies.sh).
#
# Environment: BUILD (build), BACKEND (sqlite or postgres), CHAIN, RUNS,
# OUT (JSON lines; default a temporary file).
set -eu
. "$(dirname "$0")/../support/start.sh"
: "${CHAIN:=1000 10000 100000}" "${BACKEND:=sqlite}" "${RUNS:=3}"
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
ISMS=$BUILD/isms
bench_tmp
OUT=${OUT:-$tmp/assets.jsonl}
: > "$OUT"
bench_say "isms asset writes on a dependency chain: $CHAIN assets, $BACKEND, $ISMS"
. bench/support/copies.sh
copies_start

for n in $CHAIN; do
    python3 - "$n" "$tmp/chain.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("name,type,owner,depends_on\n")
    for i in range(n):
        f.write("Chain %d,system,PER-3,%s\n" % (i, "AST-%d" % (13 + i) if i else ""))
PY
    base=a_chain_$n
    if [ "$BACKEND" = postgres ]; then
        psql -X -q -h "$pgdir" -U isms -d postgres -c "CREATE DATABASE $base"
    fi
    "$ISMS" demo --force "$(target "$base")" > /dev/null
    /usr/bin/time -f "  import of $n chained assets: %e s, %M KB peak" \
        "$ISMS" --repo "$(target "$base")" asset import "$tmp/chain.csv" > /dev/null
    top=AST-$((13 + n))
    on_copy chain "$base" "add normal" "$n" asset add --name Top --type system --owner PER-3 \
        --depends-on "$top"
    on_copy chain "$base" "add very high" "$n" asset add --name Top --type system \
        --owner PER-3 --availability very-high --depends-on "$top"
    on_copy chain "$base" "rename bottom" "$n" asset update AST-14 --name "Chain bottom"
done

least_table chain
