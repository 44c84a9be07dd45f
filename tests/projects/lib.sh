# Sourced by the project tests: VTLINT SRCDIR WORK from the command line,
# check NAME CMD..., run ARGS... (sets rc, out, err), has TEXT PATTERN.
set -u
VTLINT=$1 SRC=$2 WORK=$3
INC=$SRC/runtime/include
rm -rf "$WORK"; mkdir -p "$WORK"
fails=0 passes=0
check() { name=$1; shift; if "$@"; then passes=$((passes + 1)); else fails=$((fails + 1)); echo "FAIL: $name" >&2; fi; }
run() { "$VTLINT" "$@" >"$WORK/out" 2>"$WORK/err"; rc=$?; out=$(cat "$WORK/out"); err=$(cat "$WORK/err"); }
has() { printf '%s' "$1" | grep -q -- "$2"; }
count() { printf '%s\n' "$1" | grep -c -- "$2"; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "$0: $1 is not installed (scripts/deps.sh --tests)" >&2; exit 1; }; }
finish() { echo "$(basename "$0" .sh): $passes passed, $fails failed"; test $fails -eq 0; }
