#!/bin/sh
# bench/links/run.sh: the writes of a record with a set of many links (a
# control treating thousands of risks, a statement naming every control)
# at MEMBERS links (default 250 1000 4000), on SQLite: instructions
# (callgrind, one run each) and the growth exponent per the set's size.
#
#   bench/links/run.sh
#   MEMBERS="1000 4000" BUILD=/tmp/old/build bench/links/run.sh
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
# Environment: BUILD (build), MEMBERS, RISKS, OUT (JSON lines; default a
# temporary file).
set -eu
. "$(dirname "$0")/../support/start.sh"
: "${MEMBERS:=250 1000 4000}" "${RISKS:=10000}"
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
ISMS=$BUILD/isms
bench_tmp
OUT=${OUT:-$tmp/links.jsonl}
: > "$OUT"
bench_say "isms writes of a set of links: $MEMBERS members, $RISKS risks, $ISMS"

python3 - "$RISKS" "$tmp/risks.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("title,owner,likelihood,impact,treatment\n")
    for i in range(n):
        f.write("Risk %d of many,PER-3,%d,%d,mitigate\n" % (i, 1 + i % 5, 1 + (i * 7) % 5))
PY
"$ISMS" demo --force "$tmp/base.isms" > /dev/null
"$ISMS" --repo "$tmp/base.isms" risk import "$tmp/risks.csv" > /dev/null

keys() { # FROM TO: RISK-FROM,...,RISK-TO
    seq -f "RISK-%g" "$1" "$2" | paste -sd, -
}

# measure WHAT N REPO ARGS...: one run under callgrind, a JSON line
measure() {
    what=$1 n=$2 repo=$3
    shift 3
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$ISMS" --repo "$repo" "$@" \
        > "$tmp/cg.txt" 2> "$tmp/cg.err" || { cat "$tmp/cg.err" >&2; exit 1; }
    ir=$(sed -n 's/.*refs: *//p' "$tmp/cg.err" | tr -d ,)
    printf '{"what": "%s", "members": %s, "instructions": %s}\n' "$what" "$n" "$ir" >> "$OUT"
    echo "  $what at $n members: $ir instructions" >&2
}

# on_copy WHAT N ARGS...: measure on a copy of the repository with the control
on_copy() {
    what=$1 n=$2
    shift 2
    cp "$tmp/with.isms" "$tmp/copy.isms"
    measure "$what" "$n" "$tmp/copy.isms" "$@"
}

for n in $MEMBERS; do
    cp "$tmp/base.isms" "$tmp/with.isms"
    measure "add" "$n" "$tmp/with.isms" control add --title "Many" --owner PER-3 \
        --status planned --treats "$(keys 1 "$n")"
    ctl=$(sed -n 's/^added \(CTL-[0-9]*\).*/\1/p' "$tmp/cg.txt")
    on_copy "add one" "$n" control update "$ctl" --add-treats "RISK-$((n + 1))"
    on_copy "remove one" "$n" control update "$ctl" --remove-treats "RISK-$((n / 2))"
    on_copy "status" "$n" control update "$ctl" --status implemented
    on_copy "title" "$n" control update "$ctl" --title "Many, renamed"
    on_copy "replace half" "$n" control update "$ctl" \
        --treats "$(keys $((n / 2 + 1)) $((n + n / 2)))"
done

python3 - "$OUT" <<'PY'
import json, sys
sys.path.insert(0, "bench/support")
from growth import table
rows = [json.loads(l) for l in open(sys.argv[1])]
print()
table(rows, "members", [("instructions", "instructions", lambda v: format(v, ","))])
PY
