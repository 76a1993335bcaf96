#!/bin/sh
# bench/sweep/run.sh: every page and read command, on repositories whose
# every register holds 1k, 10k and 100k records; what grows with the size.
#   bench/sweep/run.sh                      SIZES="1000 10000 100000"
#   SIZES="1000 10000" bench/sweep/run.sh   (a minute, not ten)
#
# For each size: the demo repository (`isms demo`) grown by bench_mixed
# until each register holds SIZE records (clones of the demo's, which keep
# their references: a demo objective is then named by thousands of risks;
# KEEP=DIR keeps the repositories between runs), then
#   web  `isms serve` (page cache off, one worker) walked from the
#        dashboard by bench/sweep/crawl.py as the ISMS lead: every kind of
#        page a link reaches, three of each, the lesser of two fetches;
#   cli  each register's `list --limit 50` and `show` of its first record,
#        and the reports (summary, attention, person matrix, log, verify,
#        coverage, drift): the lesser wall time of two runs, peak RSS.
# bench/sweep/compare.py then prints, per kind of page and per command,
# the time at each size and the growth exponent per decade (log10 of the
# ratio over log10 of the sizes' ratio: 0 flat, 1 linear), the largest
# first. The report goes to standard output and OUT (bench-sweep.md).
# Environment: BUILD (build), SIZES, KEEP, PORT (8096), MAX_URLS (1500).
# An older build (BUILD=/tmp/before/build) measures the same repositories
# when KEEP holds them at a schema it reads (made with ISMS_MIGRATE_UNTIL).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SIZES=${SIZES:-1000 10000 100000}
PORT=${PORT:-8096}
MAX_URLS=${MAX_URLS:-1500}
OUT=${OUT:-bench-sweep.md}
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
ISMS=$BUILD/isms
ninja -C "$BUILD" isms > /dev/null
tmp=$(mktemp -d)
KEEP=${KEEP:-$tmp}
pid=
trap '[ -z "$pid" ] || kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
LEAD=mara.lindqvist@nordhafen.example
PASSWORD=sweep-password-1

build_repo() { # SIZE: $KEEP/mixed-SIZE.isms
    repo=$KEEP/mixed-$1.isms
    [ -f "$repo.built" ] && return 0
    ninja -C "$BUILD" bench_mixed > /dev/null
    "$ISMS" demo --force "$repo" > /dev/null
    "$BUILD/bench_mixed" "$repo" "$1" > "$KEEP/mixed-$1.log"
    echo "$PASSWORD" | "$ISMS" --repo "$repo" user add PER-3 --password-stdin > /dev/null
    "$ISMS" --repo "$repo" verify > /dev/null 2>&1
    : > "$repo.built"
}

web() { # SIZE
    ISMS_SERVE_NO_PAGE_CACHE=1 "$ISMS" --repo "$KEEP/mixed-$1.isms" serve \
        --listen "127.0.0.1:$PORT" --threads 1 > "$tmp/serve.log" 2>&1 &
    pid=$!
    sh bench/support/wait_serve.sh "$PORT" "$tmp/serve.log"
    python3 bench/sweep/crawl.py "http://127.0.0.1:$PORT" "$LEAD" "$PASSWORD" "$MAX_URLS" \
        > "$tmp/web-$1.tsv"
    kill $pid
    wait $pid 2>/dev/null || true
    pid=
}

cli() { # SIZE: kind, command, status, ms, peak RSS KB
    repo=$KEEP/mixed-$1.isms
    run() { # KIND ARGS...: the lesser wall time of two runs, the peak RSS
        k=$1
        shift
        best=
        for round in 1 2; do
            t0=$(date +%s%N)
            /usr/bin/time -f '%M' -o "$tmp/time" "$ISMS" --repo "$repo" "$@" > /dev/null 2>&1 &&
                st=0 || st=$?
            ms=$((($(date +%s%N) - t0) / 1000))
            [ -n "$best" ] && [ "$best" -le "$ms" ] || best=$ms
        done
        printf '%s\t%s\t%s\t%s.%03d\t%s\n' "$k" "$k" "$st" $((best / 1000)) $((best % 1000)) \
            "$(tail -1 "$tmp/time")"
    }
    for noun in $("$ISMS" help 2>&1 | awk '/^registers/ { f = 1; next } /^commands/ { f = 0 }
            f && /^  [a-z]/ { print $1 }'); do
        run "$noun list --limit 50" "$noun" list --limit 50
        key=$("$ISMS" --repo "$repo" "$noun" list --limit 1 --json 2>/dev/null |
            sed -n 's/.*"key": *"\([^"]*\)".*/\1/p' | head -1)
        [ -z "$key" ] || run "$noun show" "$noun" show "$key"
    done
    run "summary" summary
    run "attention untreated" attention untreated --limit 50
    run "person matrix" person matrix
    run "log --limit 50" log --limit 50
    run "verify" verify
    run "coverage iso27001-2022" coverage --framework iso27001-2022
    run "drift" drift
    run "risk appetite" risk appetite
}

for s in $SIZES; do
    build_repo "$s"
    web "$s"
    cli "$s" > "$tmp/cli-$s.tsv"
done
python3 bench/sweep/compare.py $(for s in $SIZES; do echo "$s:$tmp/web-$s.tsv:$tmp/cli-$s.tsv"; done) |
    tee "$OUT"
[ "$KEEP" = "$tmp" ] || cp "$tmp"/*.tsv "$KEEP"/
