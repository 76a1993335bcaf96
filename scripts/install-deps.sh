#!/bin/sh
# Installs the Debian 12 packages isms needs to build, test and benchmark,
# but only those that are missing: a machine that has them all is left alone.
# Runs apt-get directly as root, through sudo otherwise.
set -eu

PACKAGES="
build-essential cmake ninja-build pkg-config clang clang-format libclang-rt-14-dev
libsqlite3-dev sqlite3
libpq-dev postgresql
libjansson-dev libsodium-dev
libmicrohttpd-dev libmd4c-dev libmd4c-html0-dev
libcmocka-dev
python3
valgrind hyperfine python3-numpy librsvg2-bin wrk
"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

echo "isms: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# The package index of a fresh machine may be stale or empty: refresh it
# only when a first attempt fails, so that the common case stays offline.
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -q --no-install-recommends $missing; then
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends $missing
fi
