#!/bin/sh
# bench/web/first_view.sh REPO URL... : what one page costs in the web
# application, first and warm, on an existing repository (a SQLite file or
# a postgresql:// address; e.g. the bench/scale bases, pg_copy.sh's copies).
#
# Starts `isms serve` (one worker thread, page cache off:
# ISMS_SERVE_NO_PAGE_CACHE, so every view is built from the store), signs
# in as PER-1 (password set here), then for each URL:
#   first  least of ROUNDS rounds of: a risk added by the CLI (a new
#          repository state: a list's kept total is counted again), then
#          the URL's first request;
#   warm   least of ROUNDS requests made with no write between.
# Prints the URL, the HTTP status and both times in ms. Environment: BUILD
# (build), PORT (8099), ROUNDS (4), USER_EMAIL (PER-1's e-mail, default
# that of the bench/scale bases). ISMS_NOW, when set, is the server's and
# the CLI's day (e.g. one when every review is due).
set -eu
BUILD=${BUILD:-build}
PORT=${PORT:-8099}
ROUNDS=${ROUNDS:-4}
USER_EMAIL=${USER_EMAIL:-dana@bench.example}
ISMS=$BUILD/isms
REPO=$1
shift
tmp=$(mktemp -d)
echo bench-password-1 | "$ISMS" --repo "$REPO" user add PER-1 --password-stdin > /dev/null 2>&1 || true
ISMS_SERVE_NO_PAGE_CACHE=1 "$ISMS" --repo "$REPO" serve --listen "127.0.0.1:$PORT" --threads 1 \
    > "$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
sh "$(dirname "$0")/../support/wait_serve.sh" "$PORT" "$tmp/serve.log"
curl -s -c "$tmp/jar" -b "$tmp/jar" -o /dev/null \
    -d "user=$USER_EMAIL&password=bench-password-1&next=/" "http://127.0.0.1:$PORT/signin"

# get URL: "status seconds" of one request
get() {
    curl -s -b "$tmp/jar" -o "$tmp/page" -w '%{http_code} %{time_total}' "http://127.0.0.1:$PORT$1"
}

least() { awk 'NR == 1 || $1 < m { m = $1 } END { printf "%.1f", m * 1000 }'; }

printf '%-60s %6s %10s %10s\n' url status first_ms warm_ms
for u in "$@"; do
    : > "$tmp/first"
    : > "$tmp/warm"
    for k in $(seq "$ROUNDS"); do
        "$ISMS" --repo "$REPO" risk add --title "First view $k" --owner PER-2 --likelihood 2 \
            --impact 2 > /dev/null
        r=$(get "$u")
        echo "${r#* }" >> "$tmp/first"
    done
    for k in $(seq "$ROUNDS"); do
        r=$(get "$u")
        echo "${r#* }" >> "$tmp/warm"
    done
    printf '%-60s %6s %10s %10s\n' "$u" "${r% *}" "$(least < "$tmp/first")" "$(least < "$tmp/warm")"
done
