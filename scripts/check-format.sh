#!/bin/sh
# check-format.sh [--fix]: every C file of the project follows .clang-format.
# Without --fix it changes nothing and fails naming the files that differ
# (make check runs it through ctest as arch.format); with --fix it rewrites
# them. Field lists and tables that read best one entry a line are kept
# between /* clang-format off */ and /* clang-format on */.
set -eu
cd "$(dirname "$0")/.."
files=$(find src tests bench fuzz -name '*.[ch]' -not -path '*/corpus/*' | sort)
if [ "${1:-}" = "--fix" ]; then
    # shellcheck disable=SC2086
    clang-format -i $files
    exit 0
fi
bad=0
for f in $files; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "check-format: $f differs from .clang-format (scripts/check-format.sh --fix)" >&2
        bad=1
    fi
done
n=$(echo "$files" | wc -l)
[ $bad -eq 0 ] && echo "check-format: $n files follow .clang-format"
exit $bad
