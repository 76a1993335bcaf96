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
. bench/support/copies.sh
copies_start
if [ "$BACKEND" = postgres ]; then
    psql -X -q -h "$pgdir" -U isms -d postgres -c "CREATE DATABASE l_base"
fi
"$ISMS" demo --force "$(target l_base)" > /dev/null
"$ISMS" --repo "$(target l_base)" risk import "$tmp/risks.csv" > /dev/null

keys() { # FROM TO: RISK-FROM,...,RISK-TO
    seq -f "RISK-%g" "$1" "$2" | paste -sd, -
}

for n in $MEMBERS; do
    copy l_base l_with
    measure members "add" "$n" "$(target l_with)" control add --title "Many" --owner PER-3 \
        --status planned --treats "$(keys 1 "$n")"
    ctl=$(sed -n 's/^added \(CTL-[0-9]*\).*/\1/p' "$tmp/cg.txt")
    on_copy members l_with "add one" "$n" control update "$ctl" --add-treats "RISK-$((n + 1))"
    on_copy members l_with "remove one" "$n" control update "$ctl" --remove-treats "RISK-$((n / 2))"
    on_copy members l_with "status" "$n" control update "$ctl" --status implemented
    on_copy members l_with "title" "$n" control update "$ctl" --title "Many, renamed"
    on_copy members l_with "replace half" "$n" control update "$ctl" \
        --treats "$(keys $((n / 2 + 1)) $((n + n / 2)))"
done

least_table members
