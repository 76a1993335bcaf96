# bench/support/copies.sh: repositories measured on copies, on SQLite or a
# private PostgreSQL server; sourced after start.sh and bench_tmp, with
# BACKEND (sqlite or postgres), ISMS, OUT (JSON lines) and RUNS set.
#   copies_start            the server, where BACKEND=postgres
#   target NAME             the repository NAME: a file, or a database
#   copy FROM TO            repository TO made the same as FROM
#   measure SIZEKEY WHAT N REPO ARGS...
#       one run of `isms --repo REPO ARGS...`: on SQLite under callgrind
#       (instructions), on PostgreSQL its wall time (the server's work
#       included; callgrind would count the client's alone); a JSON line
#       {"what": WHAT, SIZEKEY: N, ...} to OUT, the output in $tmp/cg.txt
#   on_copy SIZEKEY FROM WHAT N ARGS...
#       measure on a copy of FROM (on PostgreSQL RUNS copies)
#   least_table SIZEKEY     the table of OUT, the least of a copy's runs

copies_start() {
    if [ "$BACKEND" = postgres ]; then sh tests/support/pg_server.sh start "$pgdir" >&2; fi
}

target() {
    case $BACKEND in
    sqlite) echo "$tmp/$1.isms" ;;
    postgres) echo "postgresql://isms@/$1?host=$pgdir" ;;
    esac
}

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

measure() {
    key=$1 what=$2 n=$3 repo=$4
    shift 4
    if [ "$BACKEND" = postgres ]; then
        start=$(date +%s%N)
        "$ISMS" --repo "$repo" "$@" > "$tmp/cg.txt"
        ms=$((($(date +%s%N) - start) / 1000000))
        printf '{"what": "%s", "%s": %s, "ms": %s}\n' "$what" "$key" "$n" "$ms" >> "$OUT"
        return
    fi
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$ISMS" --repo "$repo" "$@" \
        > "$tmp/cg.txt" 2> "$tmp/cg.err" || { cat "$tmp/cg.err" >&2; exit 1; }
    ir=$(sed -n 's/.*refs: *//p' "$tmp/cg.err" | tr -d ,)
    printf '{"what": "%s", "%s": %s, "instructions": %s}\n' "$what" "$key" "$n" "$ir" >> "$OUT"
    echo "  $what at $n $key: $ir instructions" >&2
}

on_copy() {
    key=$1 from=$2 what=$3 n=$4
    shift 4
    runs=1
    [ "$BACKEND" = postgres ] && runs=$RUNS
    for _ in $(seq "$runs"); do
        copy "$from" copied
        measure "$key" "$what" "$n" "$(target copied)" "$@"
    done
}

least_table() {
    python3 - "$OUT" "$BACKEND" "$1" <<'PY'
import json, sys
sys.path.insert(0, "bench/support")
from growth import table
rows = [json.loads(l) for l in open(sys.argv[1])]
key = sys.argv[3]
least = {}
for r in rows:  # the least of a copy's runs
    k = (r["what"], r[key])
    if k not in least or r.get("ms", 0) < least[k].get("ms", 0):
        least[k] = r
print()
if sys.argv[2] == "postgres":
    table(list(least.values()), key, [("wall ms (least)", "ms", str)])
else:
    table(list(least.values()), key, [("instructions", "instructions", lambda v: format(v, ","))])
PY
}
