#!/bin/sh
# floor.sh BUILD [NFILES NFUNCS]: vtlint's cost on the generated corpus beside
# the floor of libclang's C API, in instructions (callgrind's Ir, one run
# each; a loaded machine does not disturb them):
#   parse   the files parsed and disposed of, as vtlint parses them
#   visit   and every cursor of every function body visited once
#   query   and each cursor asked its type and its referent
#   vtlint --parse-only, and vtlint itself
# Each figure is also given as a ratio to vtlint --parse-only, the baseline
# of "the analysis against the parse alone" (target 1.05).  What lies between
# query and vtlint is vtlint's own analysis; what lies below query, no
# analyzer on this API can avoid.  Not a test: read the figures.
set -eu
BUILD=${1:-build}
NFILES=${2:-20}
NFUNCS=${3:-30}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VTLINT=${VTLINT:-$ROOT/$BUILD/vtlint}
INC=-I$ROOT/runtime/include
LLVM=$(llvm-config-19 --prefix 2>/dev/null || echo /usr/lib/llvm-19)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cc -O2 -o "$WORK/gencorpus" "$ROOT/bench/analyzer/gencorpus.c"
cc -O2 -I"$LLVM/include" -o "$WORK/floor" "$ROOT/bench/analyzer/floor.c" \
	-L"$LLVM/lib" -Wl,-rpath,"$LLVM/lib" -lclang
mkdir -p "$WORK/c"
"$WORK/gencorpus" "$WORK/c" "$NFILES" "$NFUNCS"

ir() { # ir CMD...: instructions executed
	valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$@" >/dev/null 2>"$WORK/cg.log" || true
	awk '/Collected :/ { print $NF }' "$WORK/cg.log"
}

base=$(ir "$VTLINT" -j1 --quiet --no-cache --parse-only "$WORK"/c/*.c -- $INC)
show() { # show LABEL IR
	awk -v l="$1" -v v="$2" -v b="$base" 'BEGIN { printf "%-22s %14.0f Ir  %.3f\n", l, v, v / b }'
}
echo "corpus: $NFILES files x $NFUNCS functions; Ir and ratio to vtlint --parse-only"
for m in parse visit query; do
	show "libclang $m" "$(ir "$WORK/floor" "$m" "$WORK"/c/*.c -- $INC)"
done
show "vtlint --parse-only" "$base"
show "vtlint" "$(ir "$VTLINT" -j1 --quiet --no-cache "$WORK"/c/*.c -- $INC)"
