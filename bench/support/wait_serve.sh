#!/bin/sh
# bench/support/wait_serve.sh PORT LOG: waits (up to a minute) until the
# `isms serve` just started on 127.0.0.1:PORT answers; else prints its LOG
# and fails.
i=0
until curl -s -o /dev/null "http://127.0.0.1:$1/signin"; do
    i=$((i + 1))
    [ $i -lt 300 ] || { cat "$2" >&2; exit 1; }
    sleep 0.2
done
