# bench/support/start.sh: how every bench/*/run.sh starts, sourced after
# `set -eu`: from the project's root, with BUILD (default build).
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}

# bench_tmp [PARENT]: makes the scratch directory $tmp (in PARENT when
# given), removed on exit together with the PostgreSQL server the script
# may start in $pgdir.
bench_tmp() {
    if [ $# -gt 0 ]; then tmp=$(mktemp -d "$1/run.XXXXXX"); else tmp=$(mktemp -d); fi
    pgdir=/tmp/isms-pg-bench-$$
    trap bench_cleanup EXIT
}

bench_cleanup() {
    if [ -d "$pgdir" ]; then sh tests/support/pg_server.sh stop "$pgdir" || true; fi
    rm -rf "$tmp"
}

# bench_say TEXT: a run's first line, "# TEXT (when, cores, load)".
bench_say() {
    echo "# $* ($(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
}

# bench_repo NAME [REPO]: the scratch directory (bench_tmp) and $repo:
# REPO, or a fresh NAME.isms in it.
bench_repo() {
    bench_tmp
    repo=${2:-$tmp/$1.isms}
}

# bench_run PROGRAM TEXT [ARG...]: says "PROGRAM: TEXT" (bench_say), then
# runs the benchmark program built in $BUILD with the arguments.
bench_run() {
    program=$1 text=$2
    shift 2
    bench_say "$program: $text"
    "$BUILD/$program" "$@"
}
