#!/bin/sh
# run.sh BUILD [NFILES NFUNCS]: prints vtlint's speed and memory figures
# (issue 3), each a ratio measured in this one run on this machine:
#   vtlint -j1 against clang-19 -fsyntax-only over the same corpus
#   vtlint -j2 against vtlint -j1
#   peak memory over N files against over 4N files (must not grow)
#   one function of 20,000 statements, one 400 blocks deep
# Not a test: machines here are noisy; read the figures, do not assert them.
set -eu
BUILD=${1:-build}
NFILES=${2:-200}
NFUNCS=${3:-30}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VTLINT=${VTLINT:-$ROOT/$BUILD/vtlint}
CLANG=$(command -v clang-19 || echo /usr/lib/llvm-19/bin/clang)
INC=-I$ROOT/runtime/include
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cc -O2 -o "$WORK/gencorpus" "$ROOT/bench/analyzer/gencorpus.c"
mkdir -p "$WORK/c" "$WORK/big" "$WORK/small"
"$WORK/gencorpus" "$WORK/c" "$NFILES" "$NFUNCS"
"$WORK/gencorpus" "$WORK/small" $((NFILES / 4)) "$NFUNCS"
"$WORK/gencorpus" "$WORK/big" --long 20000
"$WORK/gencorpus" "$WORK/big" --deep 400

secs() { # secs CMD...: wall seconds of one run
	s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
	echo "$s $e" | awk '{printf "%.3f", $2 - $1}'
}
peak() { # peak CMD...: max resident KB
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
}
ratio() { echo "$1 $2" | awk '{printf "%.2f", $1 / $2}'; }

echo "corpus: $NFILES files x $NFUNCS functions ($(cat "$WORK"/c/*.c | wc -l) lines)"
parse=$(secs "$CLANG" -fsyntax-only $INC "$WORK"/c/*.c)
lib=$(secs "$VTLINT" -j1 --quiet --parse-only "$WORK"/c/*.c -- $INC)
j1=$(secs "$VTLINT" -j1 --quiet "$WORK"/c/*.c -- $INC)
j2=$(secs "$VTLINT" -j2 --quiet "$WORK"/c/*.c -- $INC)
echo "clang-19 -fsyntax-only: ${parse} s"
echo "libclang parse alone:   ${lib} s   (vtlint --parse-only, same process)"
echo "vtlint -j1:             ${j1} s   ratio to clang-19: $(ratio "$j1" "$parse") (target <= 1.10)"
echo "                                  ratio to libclang parse alone: $(ratio "$j1" "$lib")"
echo "vtlint -j2:             ${j2} s   ratio to -j1:   $(ratio "$j2" "$j1") (target <= 0.60)"
m1=$(peak "$VTLINT" -j1 --quiet "$WORK"/small/*.c -- $INC)
m4=$(peak "$VTLINT" -j1 --quiet "$WORK"/c/*.c -- $INC)
echo "peak memory: $((NFILES / 4)) files ${m1} KB, $NFILES files ${m4} KB   ratio: $(ratio "$m4" "$m1") (target ~1.0)"
echo "20,000-statement function: $(secs "$VTLINT" --quiet "$WORK/big/long.c" -- $INC) s"
echo "400 nested blocks:         $(secs "$VTLINT" --quiet "$WORK/big/deep.c" -- $INC -fbracket-depth=1024) s"
