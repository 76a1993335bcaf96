#!/bin/sh
# bench/load/csv_import.sh: `isms risk import FILE.csv` of N rows into a
# new demo repository, at SIZES rows (default 10000 100000 1000000), on
# SQLite and PostgreSQL: wall seconds, rows/s, CPU seconds and peak RSS of
# the isms process, and the growth exponent of each per decade of N
# (log10 of the ratio: 1.0 is linear; peak RSS near 0 is bounded memory).
#
#   bench/load/csv_import.sh
#   SIZES="10000 100000" BACKENDS=sqlite bench/load/csv_import.sh
#
# The CSV is generated once per size (title with a random number, owner,
# likelihood, impact, an objective, treatment, a quoted description with a
# comma), the same rows on both backends. PostgreSQL runs on a private
# durable server (fsync on) started here; the server's own CPU is not in
# the figures (see bench/load/append.sh for that). The file is one
# transaction either way, as the import makes it.
#
# Environment: BUILD (build), SIZES, BACKENDS (sqlite postgres).
set -eu
. "$(dirname "$0")/../support/start.sh"
: "${SIZES:=10000 100000 1000000}" "${BACKENDS:=sqlite postgres}"
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
ISMS=$BUILD/isms
bench_tmp
bench_say "isms risk import: $SIZES rows, $BACKENDS"

csv_of() { # N: the CSV of N rows, made once
    f=$tmp/risks-$1.csv
    [ -f "$f" ] || python3 - "$1" "$f" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
random.seed(1)
with open(path, "w") as f:
    f.write("title,owner,likelihood,impact,objectives,treatment,description\n")
    for i in range(n):
        f.write('Risk %d: loss of service through supplier failure %d,PER-3,%d,%d,OBJ-%d,'
                'mitigate,"Cause, event and consequence of risk %d"\n'
                % (i, random.randint(0, 10**6), 1 + i % 5, 1 + (i * 7) % 5, 1 + i % 4, i))
PY
    echo "$f"
}

target_of() { # BACKEND N: a new demo repository
    case $1 in
    sqlite)
        "$ISMS" demo --force "$tmp/imp-$2.isms" > /dev/null
        echo "$tmp/imp-$2.isms" ;;
    postgres)
        if [ ! -d "$pgdir" ]; then
            ISMS_PG_DURABLE=1 sh tests/support/pg_server.sh start "$pgdir" >&2
        fi
        psql -X -q -h "$pgdir" -U isms -d postgres -c "CREATE DATABASE imp_$2" >&2
        "$ISMS" demo --force "postgresql://isms@/imp_$2?host=$pgdir" > /dev/null
        echo "postgresql://isms@/imp_$2?host=$pgdir" ;;
    esac
}

for backend in $BACKENDS; do
    for n in $SIZES; do
        f=$(csv_of "$n")
        repo=$(target_of "$backend" "$n")
        /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$ISMS" --repo "$repo" risk import "$f" \
            > /dev/null
        read -r wall user sys rss < "$tmp/time"
        echo "$backend $n $wall $user $sys $rss" >> "$tmp/all"
    done
done

python3 - "$tmp/all" <<'PY'
import math, sys
rows = [l.split() for l in open(sys.argv[1])]
print("\n| backend | rows | wall s | rows/s | CPU s (isms) | peak RSS MB | exponent: wall, RSS |")
print("|---|---|---|---|---|---|---|")
prev = {}
for b, n, wall, user, sys_, rss in rows:
    n, wall, cpu, rss = int(n), float(wall), float(user) + float(sys_), int(rss) / 1024
    exp = ""
    if b in prev:
        pn, pw, pr = prev[b]
        d = math.log10(n / pn)
        exp = "%.2f, %.2f" % (math.log10(wall / pw) / d, math.log10(rss / pr) / d)
    prev[b] = (n, wall, rss)
    print("| %s | %d | %.2f | %d | %.2f | %.1f | %s |" % (b, n, wall, n / wall, cpu, rss, exp))
PY
