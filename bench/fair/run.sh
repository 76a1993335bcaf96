#!/bin/sh
# The FAIR workloads (bench/fair/workloads) through isms's engine and
# through the numpy baseline, in one run: both results and the ratios.
#
#   bench/fair/run.sh                  full size (about a minute: numpy)
#   BENCH_SCALE=0.01 bench/fair/run.sh quick
#
# BENCH_SCALE reaches both sides. Each side reports the median of its runs:
# BENCH_REPEATS runs for numpy (default 3, its harness's), ISMS_REPEATS for
# isms (default 11: its runs last milliseconds, where a shared machine's
# hiccups weigh more, and eleven cost less than one of numpy's).
# BENCH_THREADS reaches isms only.
# BUILD names the build folder (default build/), PYTHON a python3 with numpy.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}
workloads=$here/workloads

py=${PYTHON:-}
if [ -z "$py" ]; then
    # A pyenv or venv python3 may lack numpy where Debian's has it.
    for p in python3 /usr/bin/python3; do
        if "$p" -c 'import numpy' 2>/dev/null; then py=$p; break; fi
    done
fi
if [ -z "$py" ]; then
    echo "run.sh: no python3 with numpy (apt-get install python3-numpy)" >&2
    exit 1
fi

cmake --build "$build" --target bench_fair >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "--- isms"
BENCH_REPEATS=${ISMS_REPEATS:-11} "$build/bench_fair" "$workloads/portfolio.csv" | tee "$out/isms.jsonl"
echo "--- numpy"
(cd "$workloads" && "$py" bench_numpy.py) | tee "$out/numpy.jsonl"
echo "--- comparison"
"$py" "$here/compare.py" "$out/isms.jsonl" "$out/numpy.jsonl"
