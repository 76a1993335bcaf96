#!/bin/sh
# Runs every benchmark in bench/: `make bench`.
set -eu
cd "$(dirname "$0")"
for b in */run.sh; do
    echo "## $b"
    sh "$b"
done
