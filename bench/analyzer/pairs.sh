#!/bin/sh
# pairs.sh [BUILD]: how vtlint's time grows with correlated tests (issue 9).
#
# One generated function per N in 5 10 20 40: N vtasks made up front, then
# N tests `if (cK) await(vK)` and, later, the N opposite tests
# `if (!cK) await(vK)`, each pair spelled a different way (bool, ==/!=
# against an enumerator, a range split, a value-keeping cast).  2^N paths,
# none faulty: the figures are each function's analysis time, its ratio to
# N=5, and the findings (must be 0).  A second series interleaves the pairs
# with a state machine local set to constants (facts from assignments).
# Not a test: read the figures, do not assert them.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VTLINT=${VTLINT:-$ROOT/$BUILD/vtlint}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

gen() { # gen N KIND > file.c
	n=$1 kind=$2
	echo '#include <stdbool.h>'
	echo '#include <stdint.h>'
	echo '#include <vtask.h>'
	echo 'enum mode { M_OFF, M_ON, M_AUTO };'
	echo 'static vtask op(int k) { return vtask_from_result((void *)(intptr_t)k); }'
	printf 'int f(int state'
	i=0; while [ $i -lt "$n" ]; do printf ', bool b%d, int m%d, long r%d' $i $i $i; i=$((i + 1)); done
	echo ')'
	echo '{'
	echo '	int rc = 0;'
	i=0; while [ $i -lt "$n" ]; do echo "	vtask v$i = op($i);"; i=$((i + 1)); done
	i=0; while [ $i -lt "$n" ]; do
		case $((i % 3)) in
		0) echo "	if (b$i) rc |= vtask_await(v$i, NULL);" ;;
		1) echo "	if (m$i == M_AUTO) rc |= vtask_await(v$i, NULL);" ;;
		2) echo "	if ((long long)r$i > 0) rc |= vtask_await(v$i, NULL);" ;;
		esac
		[ "$kind" = machine ] && echo "	state = $((i % 4));"
		i=$((i + 1))
	done
	i=0; while [ $i -lt "$n" ]; do
		case $((i % 3)) in
		0) echo "	if (!b$i) rc |= vtask_await(v$i, NULL);" ;;
		1) echo "	if (m$i != M_AUTO) rc |= vtask_await(v$i, NULL);" ;;
		2) echo "	if (r$i <= 0) rc |= vtask_await(v$i, NULL);" ;;
		esac
		i=$((i + 1))
	done
	[ "$kind" = machine ] && echo "	if (state != $(((n - 1) % 4))) rc |= vtask_await(op(99), NULL);"
	echo '	return rc;'
	echo '}'
}

secs() { # secs FILE: wall seconds of one analysis; prints "SECONDS FINDINGS"
	s=$(date +%s.%N)
	out=$("$VTLINT" --format json "$1" -- -I"$ROOT/runtime/include" 2>/dev/null || true)
	e=$(date +%s.%N)
	nf=$(printf '%s' "$out" | grep -c '"rule":' || true)
	echo "$s $e $nf" | awk '{printf "%.3f %d", $2 - $1, $3}'
}

for kind in pairs machine; do
	base=
	echo "series: $kind (independent correlated pairs$( [ $kind = machine ] && echo ', plus a constant-assigned state local'))"
	printf '  %4s  %8s  %8s  %s\n' N seconds "vs N=5" findings
	for n in 5 10 20 40; do
		gen $n $kind > "$WORK/p$n.c"
		set -- $(secs "$WORK/p$n.c")
		[ -z "$base" ] && base=$1
		printf '  %4d  %8s  %8s  %s\n' $n "$1" "$(echo "$1 $base" | awk '{printf "%.2fx", $1 / ($2 > 0 ? $2 : 0.001)}')" "$2"
	done
done
