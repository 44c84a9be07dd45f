#!/bin/sh
# run.sh [BUILD [NFUNCS [NEDITS]]]: vtlint --lsp's latency over one realistic
# file (bench/analyzer/gencorpus DIR 1 NFUNCS): didOpen -> diagnostics, and
# didChange -> diagnostics over NEDITS incremental edits.  Prints figures.
set -eu
BUILD=${1:-build}
NFUNCS=${2:-40}
NEDITS=${3:-20}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$ROOT/$BUILD/bench/analyzer/gencorpus" "$WORK" 1 "$NFUNCS" >/dev/null
"$ROOT/$BUILD/bench/lsp/bench_lsp" "$WORK/unit0000.c" "$NEDITS" -- \
	"$ROOT/$BUILD/vtlint" --lsp -- "-I$ROOT/runtime/include" 2>/dev/null
