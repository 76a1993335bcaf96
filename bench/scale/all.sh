#!/bin/sh
# bench/scale/all.sh: every operation of issue 16 at 10k, 100k and 1M
# records, one command, one report.
#   bench/scale/all.sh                          SQLite, sizes 10k 100k 1M
#   BACKENDS="sqlite postgres" bench/scale/all.sh
#   SIZES="10000 100000" bench/scale/all.sh     (minutes, not an hour)
#
# Runs, in turn, each benchmark that measures one point of the issue, on
# repositories it builds (or keeps: see each script) of each size:
#   1, 5, 6, 9  bench/scale/run.sh     summary (the dashboard), ledger root
#                                      and proofs, verify --full, risk show,
#                                      risk add; both backends with BACKENDS
#   6           bench/scale/verify.sh  verify's entries/s of wall and CPU
#   2           bench/export/run.sh    export and import, peak RSS
#   3, 4, 7     bench/quant/run.sh     one risk's quantification, the
#                                      portfolio by objective, plain risk list
#   8           bench/load/append.sh   adding risks to a repository of each
#                                      size, and PostgreSQL beside SQLite
#   8           bench/load/ratio.sh    the rate at 1M against 10k on SQLite,
#                                      alternated pairs (when SIZES has both)
# Each prints its own table: instructions (callgrind) or CPU time, peak
# RSS, and the growth exponent per decade (log10 of the ratio between
# sizes ten times apart: 1.0 linear, 0 flat). The report goes to standard
# output and to OUT (default bench-scale-all.md in the current directory).
#
# How long: building the 1M repositories is most of it (bench_scale 1 min,
# bench_quant 11 min, bench_load for export 15 min or more); the portfolio
# at 1M takes 3 minutes and 6.8 GB. KEEP=DIR keeps what can be kept.
set -eu
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-10000 100000 1000000}
BACKENDS=${BACKENDS:-sqlite}
OUT=${OUT:-bench-scale-all.md}
export BUILD=${BUILD:-build}
if [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP"
    export KEEP FROM=$KEEP
fi

section() {
    echo
    echo "## $1 ($(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo
}

largest() { echo "$SIZES" | tr ' ' '\n' | sort -n | tail -1; }
smallest() { echo "$SIZES" | tr ' ' '\n' | sort -n | head -1; }

{
    echo "# bench/scale/all.sh: issue 16 at sizes $SIZES ($(nproc) cores)"
    section "points 1, 5, 6, 9: bench/scale/run.sh"
    SIZES=$SIZES BACKENDS=$BACKENDS sh bench/scale/run.sh 2>&1 | grep -v '^{'
    section "point 6: bench/scale/verify.sh"
    SIZES=$SIZES sh bench/scale/verify.sh 2>&1 | grep -v '^{'
    section "point 2: bench/export/run.sh"
    for b in $BACKENDS; do
        SIZES=$SIZES BACKEND=$b sh bench/export/run.sh 2>&1 | grep -v '^#'
    done
    section "points 3, 4, 7: bench/quant/run.sh"
    SIZES=$SIZES sh bench/quant/run.sh 2>&1 | grep -v '^{'
    section "point 8: bench/load/append.sh, at the smallest and the largest size"
    for n in $(smallest) $(largest); do
        echo "### into $n risks"
        SIZE=$n BACKENDS=$BACKENDS sh bench/load/append.sh 2>&1 | grep -v '^{'
    done
    case " $SIZES " in *" 10000 "*" 1000000 "*)
        section "point 8: bench/load/ratio.sh, adds into 1M against into 10k, SQLite"
        sh bench/load/ratio.sh 2>&1 ;;
    esac
} | tee "$OUT"
