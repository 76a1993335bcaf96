#!/bin/sh
# bench/lists/writes.sh: what the list indexes and the search's words
# (0013_lists.sql) cost the writes, the build against a baseline build:
#   BASE=/path/to/main/build sh bench/lists/writes.sh
# For each build: callgrind's instructions of the whole `isms oscal import`
# of the MODERATE catalog (bench/oscal's figure), of one `isms risk add`
# (and `risk update` of the title, of the likelihood) on a repository of
# 10,000 risks, and of `isms init` (the built-in catalogue); the file size
# of a new bench_scale repository of SIZE risks (default 100000); CPU
# (user+sys) of building it. Wall time is not measured: the instruction
# counts do not depend on the machine's load.
#   BUILD  the build measured (default build); BASE the one compared with
#   SIZE   bench_scale's risks (default 100000)
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
BASE=${BASE:?BASE: the baseline build directory (main)}
SIZE=${SIZE:-100000}
fix=tests/fixtures/oscal/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
ir() { # ir OUT CMD...: callgrind's instructions of CMD
    out=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$@" >/dev/null 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; exit 1; }
    sed -n 's/^summary: //p' "$tmp/cg" > "$out"
}
for b in "$BASE" "$BUILD"; do
    tag=$(echo "$b" | tr / _)
    r=$tmp/o.isms
    rm -f "$r"*
    "$b/isms" init "$r" > /dev/null
    ir "$tmp/$tag.oscal" "$b/isms" --repo "$r" oscal import "$fix"
    rm -f "$r"*
    ir "$tmp/$tag.init" "$b/isms" init "$r"
    s=$tmp/s.isms
    rm -f "$s"*
    "$b/bench_scale" "$s" 10000 > /dev/null
    key=$("$b/isms" --repo "$s" risk add --title "Loss of the payroll supplier" \
        --owner omar@bench.example --likelihood 2 --impact 3 | sed -n 's/^added \([^ ]*\).*/\1/p')
    ir "$tmp/$tag.add" "$b/isms" --repo "$s" risk add --title "Loss of the payroll supplier" \
        --owner omar@bench.example --likelihood 2 --impact 3
    ir "$tmp/$tag.title" "$b/isms" --repo "$s" risk update "$key" --title "Loss of the payroll bureau"
    ir "$tmp/$tag.level" "$b/isms" --repo "$s" risk update "$key" --likelihood 4
    rm -f "$s"*
    /usr/bin/time -f "%U %S" -o "$tmp/t" "$b/bench_scale" "$s" "$SIZE" > /dev/null
    awk '{printf "%.2f", $1 + $2}' "$tmp/t" > "$tmp/$tag.cpu"
    stat -c %s "$s" > "$tmp/$tag.size"
done
t0=$(echo "$BASE" | tr / _)
t1=$(echo "$BUILD" | tr / _)
printf '%-34s %14s %14s %8s\n' what base build change
for k in oscal init add title level size cpu; do
    case $k in
    oscal) what="oscal import MODERATE (instr)" ;;
    init) what="isms init (instr)" ;;
    add) what="risk add at 10k (instr)" ;;
    title) what="risk update --title (instr)" ;;
    level) what="risk update --likelihood (instr)" ;;
    size) what="bench_scale $SIZE file (bytes)" ;;
    cpu) what="bench_scale $SIZE CPU (s)" ;;
    esac
    a=$(cat "$tmp/$t0.$k")
    z=$(cat "$tmp/$t1.$k")
    printf '%-34s %14s %14s %7s%%\n' "$what" "$a" "$z" "$(awk -v a="$a" -v z="$z" 'BEGIN{printf "%+.1f", (z - a) * 100 / a}')"
done
