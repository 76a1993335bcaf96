#!/bin/sh
# Installs the Debian 12 packages isms needs to build, test and benchmark,
# but only those that are missing: a machine that has them all is left alone.
# Runs apt-get directly as root, through sudo otherwise. Then the tests'
# Node tooling (tests/js: playwright-core, axe) with `npm ci`, when it is
# missing or older than its lock file. The browser tests drive Debian's
# chromium: npm never downloads a browser.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="
build-essential cmake ninja-build pkg-config clang clang-format libclang-rt-14-dev
libsqlite3-dev sqlite3
libpq-dev postgresql
libjansson-dev libsodium-dev libssl-dev
libmicrohttpd-dev libmd4c-dev libmd4c-html0-dev
libcmocka-dev
python3
valgrind hyperfine python3-numpy librsvg2-bin wrk
chromium
"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

# Node.js and npm only where the machine has none of its own (a Node.js
# from elsewhere brings its own npm, which Debian's npm would conflict with).
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
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
fi

# npm writes node_modules/.package-lock.json at each install: older than
# the lock file means the lock changed since (a pull, a merge).
js=tests/js
if [ ! -f "$js/node_modules/.package-lock.json" ] ||
    [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
    echo "isms: installing the tests' Node packages (npm ci --prefix $js)" >&2
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$js" --no-audit --no-fund
fi
