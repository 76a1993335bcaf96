#!/bin/sh
# bench/frameworks/run.sh: frameworks at scale (issue 18).
#   CONTROLS=1000 bench/frameworks/run.sh [REPO]
# Makes a repository (the built-in catalogues, timed), maps CONTROLS
# controls onto three requirements each of six frameworks (bench_frameworks),
# then times coverage (each framework alone, and all at once as the
# dashboard does), generating the ISO/IEC 27001 SoA, drift and suggestions;
# then `isms coverage` and `isms summary` as commands, with hyperfine.
# Without REPO: a fresh SQLite file in a temporary directory.
set -eu
. "$(dirname "$0")/../support/start.sh"
CONTROLS=${CONTROLS:-1000}
bench_repo frameworks "$@"
bench_run bench_frameworks "$CONTROLS controls" "$repo" "$CONTROLS"
if command -v hyperfine >/dev/null; then
    ISMS_REPO="$repo" hyperfine --warmup 1 --runs "${RUNS:-5}" \
        "$BUILD/isms coverage --framework iso27001-2022 --json > /dev/null" \
        "$BUILD/isms coverage --framework sp800-53r5 --json > /dev/null" \
        "$BUILD/isms drift > /dev/null" >&2
fi
