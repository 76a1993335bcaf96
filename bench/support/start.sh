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
