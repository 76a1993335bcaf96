#!/bin/sh
# bench/oscal/export.sh: OSCAL export at scale (issue 18, point 6).
#   CONTROLS=1000 bench/oscal/export.sh
# Builds the repository of bench/frameworks (CONTROLS controls, each mapped
# onto three requirements of six frameworks: 18,000 mappings), then times,
# as commands: `isms oscal export ssp` for ISO/IEC 27001 and SP 800-53, the
# mapping collection onto every framework, and `isms coverage` of each of
# the six frameworks. Wall time with hyperfine (when installed), and the
# instructions each runs under callgrind (when valgrind is installed: less
# noisy than time on a shared machine).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
CONTROLS=${CONTROLS:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo=$tmp/oscal.isms
echo "# oscal export: $CONTROLS controls ($(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
"$BUILD/bench_frameworks" "$repo" "$CONTROLS" >/dev/null
export ISMS_REPO="$repo"
isms=$BUILD/isms
set -- \
    "$isms oscal export ssp --framework iso27001-2022 -" \
    "$isms oscal export ssp --framework sp800-53r5 -" \
    "$isms oscal export mapping -" \
    "$isms coverage --framework iso27001-2022 --json" \
    "$isms coverage --framework csf-2.0 --json" \
    "$isms coverage --framework sp800-53r5 --json" \
    "$isms coverage --framework nis2-ir-2024-2690 --json" \
    "$isms coverage --framework dora --json" \
    "$isms coverage --framework soc2-tsc --json"
for cmd in "$@"; do
    bytes=$($cmd 2>/dev/null | wc -c)
    echo "$cmd: $bytes bytes"
done
if command -v hyperfine >/dev/null; then
    for cmd in "$@"; do
        hyperfine --warmup 1 --runs "${RUNS:-10}" -N --style basic "$cmd" 2>/dev/null |
            grep -E "Time|Range" | sed "s|^|$(echo "$cmd" | cut -d' ' -f2-) |"
    done
fi
if command -v valgrind >/dev/null; then
    for cmd in "$@"; do
        n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $cmd 2>&1 >/dev/null |
            sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
        echo "callgrind: $(echo "$cmd" | cut -d' ' -f2-): $n instructions"
    done
fi
