#!/bin/sh
# unit.sh BUILD FILE [CLANG-ARGS...]: vtlint on one large translation unit
# (the SQLite amalgamation, say) against its own parse, in CPU seconds, the
# two alternating, best of ROUNDS (default 3).  Twice: the file as it is,
# then with <vtask.h> included first (-include vtask.h -D_GNU_SOURCE), so
# that vtlint must decide for every function whether it can touch a vtask
# rather than skip the whole unit.  With IR=1, also instructions (callgrind's
# Ir, one run each), which a loaded machine does not disturb.
# Target: vtlint/parse <= 1.2.  Not a test: read the figures.
set -eu
BUILD=${1:?usage: unit.sh BUILD FILE [CLANG-ARGS...]}
FILE=${2:?usage: unit.sh BUILD FILE [CLANG-ARGS...]}
shift 2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VTLINT=${VTLINT:-$ROOT/$BUILD/vtlint}
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/cputime" "$ROOT/bench/analyzer/cputime.c"

cpu() { "$WORK/cputime" "$@" 2>&1 >/dev/null | tail -n 1; }
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }
ir() { # ir CMD...: instructions executed (callgrind)
	valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$@" >/dev/null 2>"$WORK/cg.log" || true
	awk '/Collected :/ { print $NF }' "$WORK/cg.log"
}

measure() { # measure LABEL CLANG-ARGS...
	label=$1
	shift
	p= v=
	for r in $(seq "$ROUNDS"); do
		p=$(best "$(cpu "$VTLINT" -j1 --quiet --no-cache --parse-only "$FILE" -- "$@")" "$p")
		v=$(best "$(cpu "$VTLINT" -j1 --quiet --no-cache "$FILE" -- "$@")" "$v")
	done
	awk -v l="$label" -v p="$p" -v v="$v" 'BEGIN {
		printf "%-22s parse %.2f s  vtlint %.2f s  vtlint/parse %.2f (target <= 1.2)\n", l, p, v, v / p }'
	if [ "${IR:-0}" = 1 ]; then
		pi=$(ir "$VTLINT" -j1 --quiet --no-cache --parse-only "$FILE" -- "$@")
		vi=$(ir "$VTLINT" -j1 --quiet --no-cache "$FILE" -- "$@")
		awk -v p="$pi" -v v="$vi" 'BEGIN {
			printf "%-22s parse %.0f Ir  vtlint %.0f Ir  vtlint/parse %.3f\n", "  instructions", p, v, v / p }'
	fi
}

echo "$(basename "$FILE"): $(wc -l <"$FILE") lines; load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "as it is" "$@"
measure "with <vtask.h>" "$@" -D_GNU_SOURCE -include vtask.h -I"$ROOT/runtime/include"
