#!/bin/sh
# pg_server.sh start|stop|restart|status DIR
#
# A private, throwaway PostgreSQL server for the test suite: its data
# directory and its Unix socket both live in DIR; it listens on no TCP
# port; authentication is `trust` on the socket, superuser `isms`. ctest
# starts one per build directory (the `postgres` fixture) and stops it at
# the end; the fault tests start their own to restart and stop at will.
#
# initdb and the server refuse to run as root: as root, they run as the
# `postgres` system user that Debian's postgresql package creates.
# Durability is off (fsync, synchronous_commit): the server lives only for
# one test run, and the tests check isms's logic, not the disk's.
# ISMS_PG_DURABLE=1 keeps PostgreSQL's durable defaults (benchmarks).
set -eu

cmd=${1:?usage: pg_server.sh start|stop|restart|status DIR}
dir=${2:?usage: pg_server.sh start|stop|restart|status DIR}
bindir=${ISMS_PG_BINDIR:-/usr/lib/postgresql/15/bin}
data="$dir/data"

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        # runuser keeps the environment; cd first, the caller's working
        # directory may be closed to the postgres user.
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

running() { [ -f "$data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

stop() {
    if [ -d "$data" ] && running; then
        as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
    fi
}

start() {
    as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
}

case $cmd in
start)
    # A server left over from an interrupted run goes first.
    if [ -d "$dir" ]; then stop || true; rm -rf "$dir"; fi
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bindir/initdb" -D "$data" -U isms -A trust -E UTF8 --locale=C --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 200
log_min_messages = warning
CONF
    if [ "${ISMS_PG_DURABLE:-0}" != 1 ]; then
        printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$data/postgresql.conf"
    fi
    start
    echo "PostgreSQL test server in $dir"
    ;;
stop)
    stop
    rm -rf "$dir"
    ;;
restart)
    as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null
    ;;
halt)   # stop, keeping the data, for a later `resume`
    stop
    ;;
resume)
    start
    ;;
status)
    running
    ;;
*)
    echo "pg_server.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
