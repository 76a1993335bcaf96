#!/bin/sh
# bench/links/run.sh: the writes of a record with a set of many links (a
# control treating thousands of risks, a statement naming every control)
# at MEMBERS links (default 250 1000 4000), on SQLite: instructions
# (callgrind, one run each) and the growth exponent per the set's size.
#
#   bench/links/run.sh
#   MEMBERS="1000 4000" BUILD=/tmp/old/build bench/links/run.sh
#   BACKEND=postgres bench/links/run.sh
#
# The repository: the demo and RISKS imported risks (default 10000). Per
# size, a control is added treating RISK-1..RISK-n (add), then, each on a
# copy of that repository: one member added (add one), one removed
# (remove one), its status moved to implemented (status: it comes in
# place, every risk's count of controls moves), its title (title), and
# the whole set given again, half kept and half new (replace half).
# A write's own work is the members it changes: add one, remove one and
# title should not grow with the set (exponent near 0); add, status and
# replace half should grow as the set (near 1).
#
# On PostgreSQL (BACKEND=postgres: a private server started for the run,
# each copy a database made from a template) the figure is the least wall
# time of RUNS runs (default 3), the server's work included; callgrind
# would count the client's alone.
#
# Environment: BUILD (build), BACKEND (sqlite or postgres), MEMBERS,
# RISKS, RUNS, OUT (JSON lines; default a temporary file).
set -eu
. "$(dirname "$0")/../support/start.sh"
: "${MEMBERS:=250 1000 4000}" "${RISKS:=10000}" "${BACKEND:=sqlite}" "${RUNS:=3}"
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
ISMS=$BUILD/isms
bench_tmp
OUT=${OUT:-$tmp/links.jsonl}
: > "$OUT"
bench_say "isms writes of a set of links: $MEMBERS members, $RISKS risks, $BACKEND, $ISMS"

python3 - "$RISKS" "$tmp/risks.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("title,owner,likelihood,impact,treatment\n")
    for i in range(n):
        f.write("Risk %d of many,PER-3,%d,%d,mitigate\n" % (i, 1 + i % 5, 1 + (i * 7) % 5))
PY
# target NAME: the repository NAME (a file, or a database of the server)
target() {
    case $BACKEND in
    sqlite) echo "$tmp/$1.isms" ;;
    postgres) echo "postgresql://isms@/$1?host=$pgdir" ;;
    esac
}

# copy FROM TO: repository TO made the same as FROM
copy() {
    case $BACKEND in
    sqlite)
        rm -f "$tmp/$2.isms-wal" "$tmp/$2.isms-shm"
        cp "$tmp/$1.isms" "$tmp/$2.isms" ;;
    postgres)
        psql -X -q -h "$pgdir" -U isms -d postgres \
            -c "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2 TEMPLATE $1" ;;
    esac
}

if [ "$BACKEND" = postgres ]; then
    sh tests/support/pg_server.sh start "$pgdir" >&2
    psql -X -q -h "$pgdir" -U isms -d postgres -c "CREATE DATABASE l_base"
fi
"$ISMS" demo --force "$(target l_base)" > /dev/null
"$ISMS" --repo "$(target l_base)" risk import "$tmp/risks.csv" > /dev/null

keys() { # FROM TO: RISK-FROM,...,RISK-TO
    seq -f "RISK-%g" "$1" "$2" | paste -sd, -
}

# measure WHAT N REPO ARGS...: on SQLite one run under callgrind; on
# PostgreSQL the wall time of one run (on_copy takes the least); a JSON line
measure() {
    what=$1 n=$2 repo=$3
    shift 3
    if [ "$BACKEND" = postgres ]; then
        start=$(date +%s%N)
        "$ISMS" --repo "$repo" "$@" > "$tmp/cg.txt"
        ms=$((($(date +%s%N) - start) / 1000000))
        printf '{"what": "%s", "members": %s, "ms": %s}\n' "$what" "$n" "$ms" >> "$OUT"
        return
    fi
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$ISMS" --repo "$repo" "$@" \
        > "$tmp/cg.txt" 2> "$tmp/cg.err" || { cat "$tmp/cg.err" >&2; exit 1; }
    ir=$(sed -n 's/.*refs: *//p' "$tmp/cg.err" | tr -d ,)
    printf '{"what": "%s", "members": %s, "instructions": %s}\n' "$what" "$n" "$ir" >> "$OUT"
    echo "  $what at $n members: $ir instructions" >&2
}

# on_copy WHAT N ARGS...: measure on a copy of the repository with the
# control (on PostgreSQL RUNS copies, the least time kept)
on_copy() {
    what=$1 n=$2
    shift 2
    runs=1
    [ "$BACKEND" = postgres ] && runs=$RUNS
    for _ in $(seq "$runs"); do
        copy l_with l_copy
        measure "$what" "$n" "$(target l_copy)" "$@"
    done
}

for n in $MEMBERS; do
    copy l_base l_with
    measure "add" "$n" "$(target l_with)" control add --title "Many" --owner PER-3 \
        --status planned --treats "$(keys 1 "$n")"
    ctl=$(sed -n 's/^added \(CTL-[0-9]*\).*/\1/p' "$tmp/cg.txt")
    on_copy "add one" "$n" control update "$ctl" --add-treats "RISK-$((n + 1))"
    on_copy "remove one" "$n" control update "$ctl" --remove-treats "RISK-$((n / 2))"
    on_copy "status" "$n" control update "$ctl" --status implemented
    on_copy "title" "$n" control update "$ctl" --title "Many, renamed"
    on_copy "replace half" "$n" control update "$ctl" \
        --treats "$(keys $((n / 2 + 1)) $((n + n / 2)))"
done

python3 - "$OUT" "$BACKEND" <<'PY'
import json, sys
sys.path.insert(0, "bench/support")
from growth import table
rows = [json.loads(l) for l in open(sys.argv[1])]
least = {}
for r in rows:  # the least of a copy's runs
    k = (r["what"], r["members"])
    if k not in least or r.get("ms", 0) < least[k].get("ms", 0):
        least[k] = r
print()
if sys.argv[2] == "postgres":
    table(list(least.values()), "members", [("wall ms (least)", "ms", str)])
else:
    table(list(least.values()), "members", [("instructions", "instructions", lambda v: format(v, ","))])
PY
