#!/bin/sh
# baseline.sh [BUILD]: how --baseline's cost grows.
#
# A file of K small functions, each awaiting its parameter twice: K VT001
# findings, all on lines of the same text (fingerprints ":2", ":3"...).
#   findings  K = 2500..20000: the run writing the JSON report (it
#             fingerprints every finding), then the run with that report
#             as its baseline (must report 0)
#   entries   K = 5000 and a baseline of the report plus E entries of other
#             files: the baseline's own cost, the run with it less the run
#             without, and that per 1000 entries (it was findings x
#             entries; reading the entries is what is left: ~constant)
# Ratios are against the first row (linear: ~2x per 2x).
# Not a test: read the figures, do not assert them.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VTLINT=${VTLINT:-$ROOT/$BUILD/vtlint}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

gen() { # gen K > file.c
	echo '#include <vtask.h>'
	awk -v k="$1" 'BEGIN { for (i = 0; i < k; i++)
		printf "int f%d(vtask v)\n{\n\tvtask_await(v, NULL);\n\treturn vtask_await(v, NULL);\n}\n", i }'
}

# more E REPORT > baseline.json: REPORT's diagnostics and E of other files
more() {
	awk -v e="$1" '
	/"diagnostics":/ && !done {
		sub(/\[/, "")
		print "\"diagnostics\": ["
		for (i = 0; i < e; i++)
			printf "{ \"rule\": \"VT001\", \"file\": \"other/f%d.c\", \"fingerprint\": \"%016x\" },\n", i % 500, i
		sub(/"diagnostics":[ \t]*/, "")
		done = 1
	}
	{ print }' "$2"
}

secs() { # secs OUT ARGS...: wall seconds of one run writing its JSON to OUT
	out=$1
	shift
	s=$(date +%s.%N)
	"$VTLINT" --quiet --srcroot "$WORK" --format json -o "$out" "$@" -- -I"$ROOT/runtime/include" \
		2>/dev/null || true
	e=$(date +%s.%N)
	echo "$s $e" | awk '{printf "%.3f", $2 - $1}'
}

ratio() { echo "$1 $2" | awk '{printf "%.1fx", $1 / ($2 > 0.001 ? $2 : 0.001)}'; }

echo "series: findings (a report, then that report as the baseline)"
printf '  %6s  %9s  %8s  %9s  %8s  %s\n' K report "vs first" baseline "vs first" reported
r0= b0=
for k in 2500 5000 10000 20000; do
	gen $k > "$WORK/b.c"
	rep=$(secs "$WORK/plain.json" "$WORK/b.c")
	with=$(secs "$WORK/with.json" --baseline "$WORK/plain.json" "$WORK/b.c")
	[ -z "$r0" ] && r0=$rep b0=$with
	printf '  %6d  %9s  %8s  %9s  %8s  %s\n' $k "$rep" "$(ratio "$rep" "$r0")" "$with" \
		"$(ratio "$with" "$b0")" "$(grep -c '"rule":' "$WORK/with.json" || true)"
done

echo "series: entries (K = 5000 findings; the baseline holds E more, of other files)"
printf '  %7s  %9s  %9s  %9s  %11s  %s\n' E without with "its cost" "ms per 1k" reported
gen 5000 > "$WORK/b.c"
secs "$WORK/plain.json" "$WORK/b.c" >/dev/null
for e in 50000 100000 200000 400000; do
	more $e "$WORK/plain.json" > "$WORK/base.json"
	without=$(secs "$WORK/no.json" "$WORK/b.c")
	with=$(secs "$WORK/with.json" --baseline "$WORK/base.json" "$WORK/b.c")
	cost=$(echo "$with $without" | awk '{ d = $1 - $2; printf "%.3f", (d > 0.001) ? d : 0.001 }')
	printf '  %7d  %9s  %9s  %9s  %11s  %s\n' $e "$without" "$with" "$cost" \
		"$(echo "$cost $e" | awk '{printf "%.2f", $1 * 1e6 / $2}')" \
		"$(grep -c '"rule":' "$WORK/with.json" || true)"
done
