#!/bin/sh
# bench/web/run.sh: the web load benchmark of issue 17, on both backends.
#   bench/web/run.sh                  RISKS=100000 CONTROLS=10000, SQLite and PostgreSQL
#   BACKENDS=sqlite DURATION=5s bench/web/run.sh
#
# Builds a repository of RISKS risks and CONTROLS controls through the
# domain layer (bench_load; the PostgreSQL one is the SQLite file copied
# table by table, bench/scale/pg_copy.sh), adds an ISMS lead with an API
# token (`isms token add`), starts `isms serve` on it, and runs wrk with
# CONNECTIONS connections for DURATION per load:
#   list     GET /api/v1/risks?limit=50
#   detail   GET DETAIL (default the risk's HTML page /risks/RISK-N/2,
#            DETAIL=api: GET /api/v1/risks/RISK-N/2)
#   dashboard GET / (the HTML dashboard)
#   create   POST /api/v1/risks (bench/web/create.lua: a new risk each)
# and prints requests/s and p50/p99 latency per load and backend, side
# by side, and the time of one request made just before (cold: the
# first view after a change, when the dashboard renders its sections). Reads are measured before the creates (which grow the
# repository and its generation).
#
# Environment: BUILD (build), KEEP (directory keeping the SQLite
# repository between runs), THREADS (server worker threads, 4),
# CONNECTIONS (64), DURATION (10s), WRK_THREADS (2), LOADS (list detail
# dashboard create).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RISKS=${RISKS:-100000}
CONTROLS=${CONTROLS:-10000}
BACKENDS=${BACKENDS:-sqlite postgres}
THREADS=${THREADS:-4}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
WRK_THREADS=${WRK_THREADS:-2}
LOADS=${LOADS:-list detail dashboard create}
DETAIL=${DETAIL:-html}
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
ISMS=$BUILD/isms
tmp=$(mktemp -d)
KEEP=${KEEP:-$tmp}
mkdir -p "$KEEP"
pgdir=/tmp/isms-pg-web-$$
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if [ -d "$pgdir" ]; then sh tests/support/pg_server.sh stop "$pgdir" || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# The SQLite repository, built once (kept in KEEP), with an ISMS lead.
base=$KEEP/web-$RISKS-$CONTROLS.isms
if [ ! -f "$base" ]; then
    echo "# bench_load: $RISKS risks, $CONTROLS controls into $base" >&2
    "$BUILD/bench_load" "$base.tmp" "$RISKS" "$CONTROLS" 0 >&2
    "$ISMS" --repo "$base.tmp" person add --name "Lena Lead" --email lead@bench.example \
        --role isms-lead > /dev/null
    "$ISMS" --repo "$base.tmp" verify > /dev/null
    mv "$base.tmp" "$base"
fi

# repo BACKEND: a fresh copy of the base repository on BACKEND.
repo() {
    case $1 in
    sqlite)
        cp "$base" "$tmp/web.isms"
        echo "$tmp/web.isms" ;;
    postgres)
        if [ ! -d "$pgdir" ]; then
            ISMS_PG_DURABLE=1 sh tests/support/pg_server.sh start "$pgdir" >&2
        fi
        psql -X -q -h "$pgdir" -U isms -d postgres -c "CREATE DATABASE web" >&2
        uri="postgresql://isms@/web?host=$pgdir"
        sh bench/scale/pg_copy.sh "$base" "$uri" "$ISMS" >&2
        echo "$uri" ;;
    *) echo "run.sh: unknown backend $1" >&2; exit 2 ;;
    esac
}

# serve REPO: starts isms serve on a free port; sets $server and $url.
# No verification at the start: it would read the whole ledger while the
# load runs.
serve() {
    "$ISMS" --repo "$1" serve --listen 127.0.0.1:0 --threads "$THREADS" --verify-every off \
        > "$tmp/serve.out" 2> "$tmp/serve.log" &
    server=$!
    for _ in $(seq 100); do
        url=$(sed -n 's/^isms: serving on \(http:[^ ]*\)\/ .*/\1/p' "$tmp/serve.out")
        [ -n "$url" ] && return 0
        sleep 0.1
    done
    cat "$tmp/serve.log" >&2
    exit 1
}

# load NAME: the path wrk asks for
path_of() {
    case $1 in
    list) echo "/api/v1/risks?limit=50" ;;
    detail) if [ "$DETAIL" = api ]; then echo "/api/v1/risks/RISK-$((RISKS / 2))"; else echo "/risks/RISK-$((RISKS / 2))"; fi ;;
    dashboard) echo "/" ;;
    create) echo "/api/v1/risks" ;;
    esac
}

# run BACKEND: every load on one backend; one JSON line per load.
run() {
    r=$(repo "$1")
    token=$("$ISMS" --repo "$r" token add --name "bench-$$" --as lead@bench.example |
        sed -n '1s/^token [^ ]* acts for [^ ]*: //p')
    [ -n "$token" ] || { echo "run.sh: no token from isms token add" >&2; exit 1; }
    serve "$r"
    for load in $LOADS; do
        p=$(path_of "$load")
        script=bench/web/get.lua
        [ "$load" = create ] && script=bench/web/create.lua
        # one request first, timed: the first view after a change (the
        # dashboard renders its sections then; later views reuse them)
        cold=0
        if [ "$load" != create ]; then
            cold=$(curl -s -o /dev/null -w '%{time_total}' -m 600 -H "Authorization: Bearer $token" "$url$p")
        fi
        TOKEN=$token wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "$DURATION" --latency \
            -s "$script" "$url$p" > "$tmp/wrk.txt" 2>&1 || true
        python3 bench/web/parse.py "$1" "$load" "$p" "$cold" < "$tmp/wrk.txt"
        echo "# $1 $load: $(uptime)" >&2
    done
    kill "$server"; wait "$server" 2>/dev/null || true; server=
    # the server's last line: how many commits its writes took (group commit)
    sed -n 's/^isms serve: \(.* writes in .* commits\)$/# '"$1"': \1/p' "$tmp/serve.log" >&2
}

for b in $BACKENDS; do run "$b"; done > "$tmp/all.jsonl"
cat "$tmp/all.jsonl"
python3 bench/web/parse.py --table < "$tmp/all.jsonl"
