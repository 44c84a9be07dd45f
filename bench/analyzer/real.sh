#!/bin/sh
# real.sh BUILD SRCDIR...: vtlint against its own parse and against clang-tidy
# on real projects, each already built with its own build system so that it
# has a compile_commands.json (SRCDIR/build/ or SRCDIR/; this script fetches
# and builds nothing).  A file named with a database is analysed with every
# other file of it (for their summaries), so a file's own cost is measured
# against the project's summaries, written once (`--all --summaries-only`).
# For every C file of each database, in one run:
#   parse  CPU seconds of `vtlint -j1 --parse-only` (libclang's parse alone)
#   vtlint CPU seconds of `vtlint -j1 --summaries FILE` (the file alone)
#   tidy   CPU seconds of `clang-tidy-19 --checks=-*,bugprone-use-after-move`
# one process per file (clang-tidy crashes on some projects given many files
# at once), the three alternating, best of ROUNDS (default 2).  CPU time, not
# wall time: on a shared machine waiting for a core is no one's cost.
# Prints per project vtlint/tidy, vtlint/parse and the worst file's vtlint/parse;
# With IR=1, every file whose CPU ratio is above 1.2 is measured again in
# instructions (callgrind's Ir, parse alone and vtlint, one run each), which
# load does not disturb: the deterministic check of "no file above 1.2x".
# then the cache: one cold run of every file with an empty --cache-dir, one
# warm run with nothing changed, the speed-up (target >= 10), and a run after
# touching one file's text (its cost is that file's).  Last the whole project
# in one `vtlint -j1` run (the rounds of summaries across files included)
# against the sums of tidy and parse, and what it reported: findings by
# rule and errors (the report kept in $KEEP/NAME.txt and .err when set).
set -eu
BUILD=${1:?usage: real.sh BUILD SRCDIR...}
shift
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VTLINT=${VTLINT:-$ROOT/$BUILD/vtlint}
TIDY=${TIDY:-clang-tidy-19}
ROUNDS=${ROUNDS:-2}
for tool in "$TIDY" python3 cc; do
	command -v "$tool" >/dev/null || {
		echo "real.sh needs $tool (apt-get install clang-tidy-19 python3 gcc)" >&2; exit 2; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/cputime" "$ROOT/bench/analyzer/cputime.c"

# files DB SRCDIR: the database's C files inside SRCDIR, each once
files() {
	python3 - "$1" "$2" <<'PY'
import json, os, sys
root, seen = os.path.realpath(sys.argv[2]), set()
for e in json.load(open(sys.argv[1])):
    f = os.path.realpath(os.path.join(e["directory"], e["file"]))
    if f.endswith(".c") and f.startswith(root + "/") and f not in seen and os.path.exists(f):
        seen.add(f)
        print(f)
PY
}
cpu() { "$WORK/cputime" "$@" 2>&1 >/dev/null | tail -n 1; }
ir() { # ir CMD...: instructions executed (callgrind), one run
	valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$@" >/dev/null 2>"$WORK/cg.log" || true
	awk '/Collected :/ { print $NF }' "$WORK/cg.log"
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

for src in "$@"; do
	db=$src/build
	[ -f "$db/compile_commands.json" ] || db=$src
	[ -f "$db/compile_commands.json" ] || { echo "$src: no compile_commands.json" >&2; exit 2; }
	files "$db/compile_commands.json" "$src" >"$WORK/files"
	: >"$WORK/times"
	"$VTLINT" -j1 --quiet --no-cache -p "$db" --all --summaries-only -o "$WORK/sums.json" ||
		[ -s "$WORK/sums.json" ] || { echo "$src: vtlint --summaries-only failed" >&2; exit 2; }
	while read -r f; do
		p= v= t=
		for r in $(seq "$ROUNDS"); do
			p=$(best "$(cpu "$VTLINT" -j1 --quiet --parse-only -p "$db" "$f")" "$p")
			v=$(best "$(cpu "$VTLINT" -j1 --quiet --no-cache --summaries "$WORK/sums.json" -p "$db" "$f")" "$v")
			t=$(best "$(cpu "$TIDY" --quiet --checks='-*,bugprone-use-after-move' -p "$db" "$f")" "$t")
		done
		echo "$p $v $t $f" >>"$WORK/times"
	done <"$WORK/files"
	awk -v name="$(basename "$src")" '
		{ P += $1; V += $2; T += $3; r = $2 / ($1 > 0 ? $1 : 1e-9)
		  if (r > worst) { worst = r; wf = $4 } }
		END { printf "%s: %d files  parse %.2f s  vtlint %.2f s  clang-tidy %.2f s\n", name, NR, P, V, T
		      printf "  vtlint/clang-tidy %.2f (target <= 1.0)   vtlint/parse %.2f\n", V / T, V / P
		      printf "  worst file vtlint/parse %.2f (target <= 1.2): %s\n", worst, wf }' "$WORK/times"
	echo "  load average $(cut -d' ' -f1-3 /proc/loadavg)"
	[ "${IR:-0}" = 1 ] && awk '$2 > 1.2 * $1 { print $4 }' "$WORK/times" | while read -r f; do
		pi=$(ir "$VTLINT" -j1 --quiet --no-cache --parse-only -p "$db" "$f")
		vi=$(ir "$VTLINT" -j1 --quiet --no-cache --summaries "$WORK/sums.json" -p "$db" "$f")
		awk -v p="$pi" -v v="$vi" -v f="$f" 'BEGIN {
			printf "  instructions: vtlint/parse %.3f (%.0f / %.0f Ir): %s\n", v / p, v, p, f }'
	done
	rm -rf "$WORK/cache"
	cold=$(cpu "$VTLINT" -j1 --quiet --cache-dir "$WORK/cache" -p "$db" $(cat "$WORK/files"))
	warm=$(cpu "$VTLINT" -j1 --quiet --cache-dir "$WORK/cache" -p "$db" $(cat "$WORK/files"))
	one=$(head -n 1 "$WORK/files")
	cp "$one" "$WORK/saved.c"
	echo "/* touched */" >>"$one"
	touched=$(cpu "$VTLINT" -j1 --quiet --cache-dir "$WORK/cache" -p "$db" $(cat "$WORK/files"))
	cp "$WORK/saved.c" "$one"
	awk -v c="$cold" -v w="$warm" -v t="$touched" 'BEGIN {
		printf "  cache: cold %.2f s, warm %.2f s: %.1fx (target >= 10); one file touched %.2f s\n",
		       c, w, c / (w > 0 ? w : 1e-9), t }'
	whole=$(cpu "$VTLINT" -j1 --quiet --no-cache -p "$db" $(cat "$WORK/files"))
	awk -v w="$whole" '{ P += $1; T += $3 } END {
		printf "  whole project, one run: vtlint %.2f s: vtlint/clang-tidy %.2f   vtlint/parse %.2f\n",
		       w, w / T, w / P }' "$WORK/times"
	"$VTLINT" -j1 --no-cache --color never -p "$db" $(cat "$WORK/files") \
		>"$WORK/project.txt" 2>"$WORK/project.err" || true
	printf '  reported: %s finding(s) %s; %s error(s)\n' \
		"$(grep -c ': warning: ' "$WORK/project.txt")" \
		"$(grep -o '\[VT[0-9]*\]$' "$WORK/project.txt" | sort | uniq -c | tr -s ' \n' ' ')" \
		"$(grep -c ': error: ' "$WORK/project.err")"
	if [ -n "${KEEP:-}" ]; then
		mkdir -p "$KEEP"
		cp "$WORK/project.txt" "$KEEP/$(basename "$src").txt"
		cp "$WORK/project.err" "$KEEP/$(basename "$src").err"
	fi
done
