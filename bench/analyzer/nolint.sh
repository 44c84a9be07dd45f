#!/bin/sh
# nolint.sh [BUILD]: how vtlint's time grows with NOLINTBEGIN/NOLINTEND regions.
#
# One function, N regions around a suppressed double await, in two shapes:
#   nested       N `NOLINTBEGIN(VT001)`, the awaits, N `NOLINTEND(VT001)`,
#                then N empty sequential regions
#   interleaved  N `NOLINTBEGIN(VT001)` then N `NOLINTBEGIN(VT005)`, the
#                awaits, then N `NOLINTEND(VT001)` before the N VT005 ends
#                (each VT001 end is below every open VT005 region)
# A third await after the regions is reported: 1 finding each time.  The
# figures are wall seconds, the ratio to the smallest N (linear: ~4x per 4x
# N, once parsing the comment lines dominates) and the findings (must be 1).
# Not a test: read the figures, do not assert them.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VTLINT=${VTLINT:-$ROOT/$BUILD/vtlint}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

lines() { # lines N TEXT: TEXT N times
	awk -v n="$1" -v t="$2" 'BEGIN { for (i = 0; i < n; i++) print t }'
}

gen() { # gen N SHAPE > file.c
	n=$1 shape=$2
	printf '#include <vtask.h>\nint f(vtask v)\n{\n\tint rc = 0;\n'
	lines "$n" '// NOLINTBEGIN(VT001)'
	[ "$shape" = interleaved ] && lines "$n" '// NOLINTBEGIN(VT005)'
	printf '\trc |= vtask_await(v, NULL);\n\trc |= vtask_await(v, NULL);\n'
	lines "$n" '// NOLINTEND(VT001)'
	if [ "$shape" = interleaved ]; then
		lines "$n" '// NOLINTEND(VT005)'
	else
		awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
			print "// NOLINTBEGIN(unconsumed-vtask)\n// NOLINTEND(unconsumed-vtask)" }'
	fi
	printf '\trc |= vtask_await(v, NULL);\n\treturn rc;\n}\n'
}

secs() { # secs FILE: "SECONDS FINDINGS" of one run
	s=$(date +%s.%N)
	out=$("$VTLINT" --format json "$1" -- -I"$ROOT/runtime/include" 2>/dev/null || true)
	e=$(date +%s.%N)
	nf=$(printf '%s' "$out" | grep -c '"rule":' || true)
	echo "$s $e $nf" | awk '{printf "%.3f %d", $2 - $1, $3}'
}

for shape in nested interleaved; do
	base=
	echo "shape: $shape"
	printf '  %6s  %8s  %8s  %s\n' N seconds "vs first" findings
	for n in 2000 8000 32000; do
		gen $n $shape > "$WORK/r$n.c"
		set -- $(secs "$WORK/r$n.c")
		[ -z "$base" ] && base=$1
		printf '  %6d  %8s  %8s  %s\n' $n "$1" \
			"$(echo "$1 $base" | awk '{printf "%.1fx", $1 / ($2 > 0 ? $2 : 0.001)}')" "$2"
	done
done
