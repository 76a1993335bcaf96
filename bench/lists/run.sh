#!/bin/sh
# bench/lists/run.sh REPO... : one list request's instructions (callgrind,
# the request alone), CPU and peak RSS (the whole process, /usr/bin/time),
# per kind of page (bench_lists.c) and repository, then the growth exponent
# between the first and the last repository, per kind.
#
#   BUILD   build directory (default: build)
#   KINDS   the kinds to run (default: all of bench_lists.c's, three states)
#   ISMS_NOW  the day (e.g. 2028-01-01T00:00:00Z: every review of the bases due)
#
# The repositories are copies of /work/bench-cache/scale-{10000,100000,
# 1000000}.isms, opened once by this isms (the upgrade), e.g.
#   for n in 10000 100000 1000000; do cp /work/bench-cache/scale-$n.isms /tmp/s$n.isms;
#     chmod u+w /tmp/s$n.isms; build/isms --repo /tmp/s$n.isms risk list --limit 1; done
#   sh bench/lists/run.sh /tmp/s10000.isms /tmp/s100000.isms /tmp/s1000000.isms
set -eu
BUILD=${BUILD:-build}
KINDS=${KINDS:-default sorted sorted-deep level-deep sorted-owner filter filter-sorted search search-common search-prefix search-sorted search-none search-key search-keyword search-filter search-people review-date unindexed set set-deep set-sorted retired retired-sorted retired-search state-untreated state-overdue state-overdue@review_date}
COLD=${COLD:-}   # "cold": the first request, which counts the total too
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(uptime)"
printf '%-14s %10s %14s %8s %8s\n' kind records instructions cpu_ms rss_kb
for repo in "$@"; do
    n=$(sqlite3 "$repo" "SELECT COUNT(*) FROM risk" 2>/dev/null || echo "?")
    for k in $KINDS; do
        "$BUILD/bench_lists" "$repo" "$k" > /dev/null # warm the page cache
        valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$tmp/cg" \
            "$BUILD/bench_lists" "$repo" "$k" $COLD > /dev/null 2> "$tmp/err"
        ir=$(sed -n 's/^summary: //p' "$tmp/cg")
        /usr/bin/time -f "%U %S %M" -o "$tmp/t" "$BUILD/bench_lists" "$repo" "$k" $COLD > /dev/null
        read -r u s m < "$tmp/t"
        cpu=$(echo "$u $s" | awk '{printf "%.0f", ($1 + $2) * 1000}')
        printf '%-14s %10s %14s %8s %8s\n' "$k" "$n" "$ir" "$cpu" "$m"
        echo "$k $n $ir" >> "$tmp/all"
    done
done
echo "# growth exponent of the instructions, first to last repository${COLD:+ (cold)}"
awk '{ if (!($1 in first)) { first[$1] = $3; fn[$1] = $2 } last[$1] = $3; ln[$1] = $2 }
     END { for (k in first) if (ln[k] > fn[k])
             printf "%-14s %.2f\n", k, log(last[k] / first[k]) / log(ln[k] / fn[k]) }' "$tmp/all"
