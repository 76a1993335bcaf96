# oscal_demo.sh: sourced by the OSCAL tests: a demo repository in a
# temporary directory (removed on exit), the current directory, and ex
# (an export, its message silenced). Expects $isms.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$isms" demo demo.isms >/dev/null 2>&1
export ISMS_REPO="$tmp/demo.isms"
ex() { "$isms" oscal export "$@" 2>/dev/null; }
