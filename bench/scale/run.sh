#!/bin/sh
# bench/scale/run.sh: every operation of issue 16 at 10k, 100k and 1M records.
#   bench/scale/run.sh                  SIZES="10000 100000 1000000", SQLite
#   SIZES="10000 100000" BACKENDS="sqlite postgres" bench/scale/run.sh
#
# For each size and backend it builds a repository of that many risks
# (bench_scale: 25 risks through the domain layer, the rest cloned
# straight through the store with their ledger entries), then runs
#   isms verify --full, isms ledger root, isms ledger proof SEQ,
#   isms ledger proof --from N/2, isms risk show RISK-<N/2>, isms summary,
#   isms objective show OBJ-1 (a record a tenth of the risks refer to)
# and records, per command, its instructions (callgrind, one run), its
# mean CPU time (user + sys) and least wall time over RUNS runs
# (hyperfine), and its peak RSS (/usr/bin/time). Then it prints one table per backend:
# each figure per size and its growth exponent per decade (log10 of the
# ratio between sizes ten times apart: 1.0 is linear, 0 is constant).
#
# Environment:
#   BUILD     the build directory (default build)
#   BACKENDS  sqlite, postgres or both (default sqlite); PostgreSQL runs on
#             a private server started for the run
#   KEEP      a directory where repositories are kept between runs and
#             reused (SQLite only; default: a temporary one, removed)
#   RUNS      timed runs per command (default 5)
#   WARMUP    untimed runs before them (default 1)
#   CALLGRIND largest size at which `verify` runs under callgrind
#             (default 100000: at 1M it takes most of an hour)
#   CALLGRIND_ALL  the same for every command (default: every size; a
#             ledger root or proof that reads the whole ledger takes half
#             an hour of callgrind at 1M)
#   COMMANDS  which of verify root proof consistency show referred summary add
#             measure matrix attention assets log portfolio overdue states
#             pages to run (default all but add, measure, matrix, attention,
#             assets, log, portfolio, overdue, states and pages; add writes a risk each run, measure a
#             measurement of each of 22 metrics, one per measure isms knows,
#             added on its first run; portfolio gives 50 risks FAIR inputs on
#             its first run)
#   OUT       where the JSON lines go (default $KEEP/scale.jsonl or a
#             temporary file), one per command and size
#
# Building the 1M repository takes 4 minutes of CPU here on SQLite, and
# 10 to 30 minutes of wall time on this 2-core machine when others share
# it (KEEP keeps it for the next run). A PostgreSQL repository is the
# SQLite one of its size copied table by table (pg_copy.sh).
set -eu
. "$(dirname "$0")/../support/start.sh"
SIZES=${SIZES:-10000 100000 1000000}
BACKENDS=${BACKENDS:-sqlite}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
COMMANDS=${COMMANDS:-verify root proof consistency show referred summary}
CALLGRIND=${CALLGRIND:-100000}
CALLGRIND_ALL=${CALLGRIND_ALL:-999999999999}
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
ISMS=$BUILD/isms
bench_tmp
KEEP=${KEEP:-$tmp}
mkdir -p "$KEEP"
OUT=${OUT:-$KEEP/scale.jsonl}
: > "$OUT"

# repo BACKEND SIZE: echoes the repository's target, building it first
# when it is not there yet.
repo() {
    case $1 in
    sqlite)
        r=$KEEP/scale-$2.isms
        if [ ! -f "$r" ]; then
            echo "# building $r" >&2
            "$BUILD/bench_scale" "$r" "$2" >&2
        fi
        echo "$r" ;;
    postgres)
        # The SQLite repository of that size, copied table by table
        # (pg_copy.sh): built through isms, a million records would be
        # hours of round trips.
        file=$(repo sqlite "$2")
        if [ ! -d "$pgdir" ]; then
            ISMS_PG_DURABLE=1 sh tests/support/pg_server.sh start "$pgdir" >&2
        fi
        psql -X -q -h "$pgdir" -U isms -d postgres -c "CREATE DATABASE scale$2" >&2
        r="postgresql://isms@/scale$2?host=$pgdir"
        echo "# copying $file into $r" >&2
        sh bench/scale/pg_copy.sh "$file" "$r" "$ISMS" >&2
        echo "$r" ;;
    esac
}

# measure BACKEND SIZE NAME REPO ARGS...: one JSON line on $OUT.
measure() {
    backend=$1 size=$2 name=$3 target=$4
    shift 4
    ISMS_REPO=$target "$ISMS" "$@" > /dev/null   # warm the page cache
    ir=null
    if [ "$size" -le "$CALLGRIND_ALL" ] && { [ "$name" != verify ] || [ "$size" -le "$CALLGRIND" ]; }; then
        ISMS_REPO=$target valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
            "$ISMS" "$@" > /dev/null 2> "$tmp/cg.err"
        ir=$(sed -n 's/^summary: //p' "$tmp/cg.out")
    fi
    # Times from hyperfine (microseconds; /usr/bin/time counts in 10 ms),
    # peak RSS from one run under /usr/bin/time.
    ISMS_REPO=$target hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$tmp/hf.json" \
        "$ISMS $*" > /dev/null 2>&1
    ISMS_REPO=$target /usr/bin/time -f "%M" -o "$tmp/rss" "$ISMS" "$@" > /dev/null
    python3 - "$backend" "$size" "$name" "$ir" "$tmp/hf.json" "$tmp/rss" >> "$OUT" <<'PY'
import json, sys
backend, size, name, ir, hf, rss = sys.argv[1:]
r = json.load(open(hf))["results"][0]
print(json.dumps({"backend": backend, "size": int(size), "command": name,
                  "instructions": None if ir == "null" else int(ir),
                  "wall_s": round(min(r["times"]), 6), "wall_mean_s": round(r["mean"], 6),
                  "cpu_s": round(r["user"] + r["system"], 6),
                  "peak_rss_kb": int(open(rss).read().split()[-1])}))
PY
    tail -1 "$OUT" >&2
}

# assets_repo REPO SIZE: echoes a copy of REPO with SIZE/2 assets more,
# each but one in five depending on one of the 2,000 added just before it
# (a forest of dependencies some thirty deep, protection needs drawn at
# random), imported from CSV; kept as $KEEP/assets-SIZE.isms. SQLite only.
assets_repo() {
    a=$KEEP/assets-$2.isms
    if [ ! -f "$a" ]; then
        echo "# building $a" >&2
        cp "$1" "$a.tmp"
        python3 - "$2" > "$tmp/assets.csv" <<'PY'
import random, sys
random.seed(16)
n = int(sys.argv[1]) // 2
levels = ["normal", "high", "very-high"]
print("name,type,owner,confidentiality,integrity,availability,depends_on")
for i in range(11, n + 11):  # the bases hold AST-1..10
    dep = "AST-%d" % random.randint(max(11, i - 2000), i - 1) if i > 20 and i % 5 else ""
    print("Asset %d,system,PER-2,%s,%s,%s,%s" % (i, random.choice(levels), random.choice(levels),
                                                 random.choice(levels), dep))
PY
        ISMS_REPO=$a.tmp "$ISMS" asset import "$tmp/assets.csv" >&2
        mv "$a.tmp" "$a"
        # the emptied log and index isms keeps beside a file (keep_log),
        # and the copy of the old schema an upgrade of the base leaves
        rm -f "$a.tmp-wal" "$a.tmp-shm" "$a".tmp.v*.bak
    fi
    echo "$a"
}

# metrics REPO: one metric per measure isms computes, unless it has some.
metrics() {
    if ISMS_REPO=$1 "$ISMS" metric list --limit 1 | grep -q '^(0 metrics)'; then
        for m in $(ISMS_REPO=$1 "$ISMS" metric measures --json |
            python3 -c 'import json,sys; print(" ".join(m["measure"] for m in json.load(sys.stdin)))'); do
            ISMS_REPO=$1 "$ISMS" metric add --title "Bench $m" --owner PER-2 --measure "$m" \
                --target 1 > /dev/null
        done
    fi
}

# quantified REPO: 50 risks with FAIR inputs (every 97th), unless some
# have them: the portfolio of a large register with few quantified.
quantified() {
    if ISMS_REPO=$1 "$ISMS" quantify --iterations 100 --no-save > /dev/null 2>&1; then
        return 0
    fi
    i=1
    while [ "$i" -le 50 ]; do
        ISMS_REPO=$1 "$ISMS" risk update "RISK-$((i * 97))" --lef "pert(0.05,0.2,0.6)" \
            --primary-loss "lognormal90(500000,15000000)" > /dev/null
        i=$((i + 1))
    done
}

for backend in $BACKENDS; do
    for n in $SIZES; do
        r=$(repo "$backend" "$n")
        for c in $COMMANDS; do
            case $c in
            # --full: since incremental verify (issue 16.1) a plain `verify`
            # after the warm-up run checks only what is new, which is nothing.
            verify) measure "$backend" "$n" verify "$r" verify --full ;;
            root) measure "$backend" "$n" "ledger root" "$r" ledger root ;;
            proof) measure "$backend" "$n" "ledger proof SEQ" "$r" ledger proof $((n * 7 / 9)) ;;
            consistency) measure "$backend" "$n" "ledger proof --from N/2" "$r" ledger proof --from $((n / 2)) ;;
            show) measure "$backend" "$n" "risk show" "$r" risk show "RISK-$((n / 2))" ;;
            # A page of the risk list: the first, and the last of SIZE by
            # its offset (the rows passed) and after the key before it.
            pages) last=$((n - 50))
                measure "$backend" "$n" "risk list --limit 50" "$r" risk list --limit 50
                measure "$backend" "$n" "risk list, last page by offset" "$r" risk list \
                    --limit 50 --offset "$last"
                measure "$backend" "$n" "risk list, last page --after" "$r" risk list \
                    --limit 50 --after "RISK-$last" ;;
            # What refers to a record: the first of each field, whatever
            # their number (a tenth of the risks name OBJ-1).
            referred) measure "$backend" "$n" "objective show" "$r" objective show OBJ-1 ;;
            summary) measure "$backend" "$n" "summary" "$r" summary ;;
            # One risk written: the cost a write pays whatever the size
            # (issue 16.9: the schema check before the first write).
            add) measure "$backend" "$n" "risk add" "$r" risk add --title Bench-risk \
                     --owner PER-2 --likelihood 2 --impact 3 ;;
            # Every metric measured: one dashboard and two writes a metric,
            # whatever the size.
            measure) metrics "$r"
                measure "$backend" "$n" "metric measure" "$r" metric measure --all ;;
            # The responsibility matrix: the kept figures, each owner and a
            # page of people, whatever the number of records they own.
            matrix) measure "$backend" "$n" "person matrix" "$r" person matrix ;;
            # What needs attention, in full: a page of 50 of the risks not
            # quantified and of those untreated (every risk of the bases is
            # both), the same from the 5,000th on (the rows skipped), and
            # the last page of SIZE by its offset and by the cursor the
            # page before it gives (risk #SIZE-50 of the bases' ids 1..SIZE).
            attention)
                last=$((n - 50))
                measure "$backend" "$n" "attention unquantified" "$r" attention unquantified
                measure "$backend" "$n" "attention untreated" "$r" attention untreated
                measure "$backend" "$n" "attention untreated --offset 5000" "$r" \
                    attention untreated --offset 5000
                measure "$backend" "$n" "attention untreated, last page by offset" "$r" \
                    attention untreated --offset "$last"
                measure "$backend" "$n" "attention untreated, last page by cursor" "$r" \
                    attention untreated --cursor "${last}a$last" ;;
            # Assets with protection needs inherited along dependencies
            # (a base with SIZE/2 assets): one asset, a page of 50, the
            # dashboard and an add below a deep asset, whatever their number.
            assets)
                [ "$backend" = sqlite ] || { echo "# assets: SQLite only" >&2; continue; }
                a=$(assets_repo "$r" "$n")
                measure "$backend" "$n" "asset show" "$a" asset show "AST-$((n / 4))"
                measure "$backend" "$n" "asset list --limit 50" "$a" asset list --limit 50
                measure "$backend" "$n" "summary (assets)" "$a" summary
                measure "$backend" "$n" "asset add" "$a" asset add --name Bench-asset \
                    --type system --owner PER-2 --availability very-high \
                    --depends-on "AST-$((n / 4))" ;;
            # The last 50 entries of the log: read from its end, each named
            # against its key's entry before (session 28: every entry was read).
            # The log: the last 50 entries, the 50 before the middle
            # entry (a page back through the history) and those of one risk.
            log) measure "$backend" "$n" "log --limit 50" "$r" log --limit 50
                measure "$backend" "$n" "log --limit 50 --before (the middle)" "$r" log \
                    --limit 50 --before "$((n / 2))"
                measure "$backend" "$n" "log RISK --limit 50 --before (its last)" "$r" log \
                    "RISK-$((n / 2))" --limit 50 --before "$((n * 2))" ;;
            # The portfolio of 50 quantified risks among all: those read by
            # their index, the others counted (session 28: every risk read).
            portfolio) quantified "$r"
                measure "$backend" "$n" "quantify --by objective" "$r" quantify --by objective \
                    --iterations 1000 --no-save ;;
            # The risks whose review date has passed: the date's index
            # (0035), none of them due in the bases; then on a day when
            # every one is (session 32: a list of every id was built for
            # each page), the condition read in id order.
            overdue) measure "$backend" "$n" "risk list --overdue" "$r" risk list --overdue \
                     --limit 50
                (export ISMS_NOW=2028-01-01T00:00:00Z
                 measure "$backend" "$n" "risk list --overdue (all due)" "$r" risk list \
                     --overdue --limit 50) ;;
            # A page of each state the store selects (session 29: each risk
            # was read and tested): the nine risks with no objective, at the
            # end of the bases (0036's index); the accepted ones without an
            # acceptance, none (the treatment's index); the untreated of one
            # owner, who owns every risk.
            states)
                measure "$backend" "$n" "risk list --no-objective" "$r" risk list --no-objective \
                    --limit 50
                measure "$backend" "$n" "risk list --unaccepted" "$r" risk list --unaccepted \
                    --limit 50
                measure "$backend" "$n" "risk list --untreated --owner" "$r" risk list \
                    --untreated --owner PER-2 --limit 50 ;;
            *) echo "run.sh: unknown command $c" >&2; exit 2 ;;
            esac
        done
    done
done

python3 bench/scale/table.py "$OUT"
