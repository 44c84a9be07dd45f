#!/bin/sh
# cache_test.sh VTLINT SRCDIR WORKDIR: --cache-dir keeps results of unchanged
# files; a warm run's report is byte for byte the cold run's; a change to a
# file or to a header it includes is seen; a corrupt entry is ignored.
set -u
VTLINT=$1 SRC=$2 WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"
fails=0 passes=0
check() { name=$1; shift; if "$@"; then passes=$((passes + 1)); else fails=$((fails + 1)); echo "FAIL: $name" >&2; fi; }

P=$WORK/proj; mkdir -p "$P/src" "$P/include"
cp "$SRC"/examples/*.c "$P/src/"
cat >"$P/include/helper.h" <<'H'
#include <vtask.h>
vtask fetch_one(int key);
H
cat >"$P/src/uses_header.c" <<'C'
#include "helper.h"
int twice(void) { vtask v = fetch_one(1); vtask_await(v, 0); return vtask_await(v, 0); }
C
C=$WORK/cache
lint() { "$VTLINT" --quiet -j2 --srcroot "$P" --cache-dir "$C" --format json "$@" "$P/src" -- -I"$SRC/runtime/include" -I"$P/include"; }

"$VTLINT" --quiet -j2 --srcroot "$P" --no-cache --format json "$P/src" -- -I"$SRC/runtime/include" -I"$P/include" >"$WORK/nocache.json"
lint >"$WORK/cold.json"
check "cold run equals a run without the cache" cmp "$WORK/nocache.json" "$WORK/cold.json"
check "an entry per file" test "$(ls "$C" | grep -v '^summaries.json$' | grep -c '\.json$')" -eq "$(ls "$P/src" | wc -l)"
check "no temporary file left" test "$(ls -a "$C" | grep -c '^\.tmp')" -eq 0
lint >"$WORK/warm.json"
check "warm run is byte for byte the cold run" cmp "$WORK/cold.json" "$WORK/warm.json"

# The warm run really reads the cache: an entry edited by hand is what it reports.
e=$(grep -l uses_header "$C"/*.json)
sed -i 's/is consumed a second time/WAS READ FROM THE CACHE/' "$e"
lint >"$WORK/edited.json"
check "a whole entry is used" grep -q "WAS READ FROM THE CACHE" "$WORK/edited.json"

# A header the file includes changes: the entry no longer answers.
echo "int unused_helper(void);" >>"$P/include/helper.h"
lint >"$WORK/header.json"
check "a changed header is seen" cmp "$WORK/cold.json" "$WORK/header.json"

# The file itself changes: its new finding is reported.
cat >>"$P/src/uses_header.c" <<'C'
int thrice(void) { vtask v = fetch_one(2); vtask_await(v, 0); return vtask_await(v, 0); }
C
lint >"$WORK/changed.json"
check "a changed file is analysed again" test "$(grep -c '"VT001"' "$WORK/changed.json")" -eq $(($(grep -c '"VT001"' "$WORK/cold.json") + 1))

# Corrupt entries (truncated, not JSON, wrong fields) are ignored, never trusted.
for f in "$C"/*.json; do head -c 40 "$f" >"$f.cut"; mv "$f.cut" "$f"; done
lint >"$WORK/corrupt.json"
check "truncated entries are ignored" cmp "$WORK/changed.json" "$WORK/corrupt.json"
for f in "$C"/*.json; do printf '{"deps": 3, "result": []}' >"$f"; done
lint >"$WORK/wrong.json"
check "entries of the wrong shape are ignored" cmp "$WORK/changed.json" "$WORK/wrong.json"
lint >"$WORK/again.json"
check "and rewritten" cmp "$WORK/changed.json" "$WORK/again.json"

# Other options are other entries: --disable is not answered by an entry made without it.
lint --disable VT001 >"$WORK/disabled.json"
check "rule options are part of the key" test "$(grep -c '"VT001"' "$WORK/disabled.json")" -eq 0

# A file analysed alone skips, unless asked, what cannot touch a vtask and
# exports less: its entry must not answer a run where other files read it.
R=$WORK/rv; mkdir -p "$R"
cp "$SRC"/fixtures/multi/clean_return_values_elsewhere/* "$R/"
rv() { "$VTLINT" --quiet --format json --srcroot "$R" "$@" -- -I"$SRC/runtime/include" -I"$R"; }
rv --no-cache "$R/config.c" "$R/main.c" >"$WORK/rv_nocache.json"
rv --cache-dir "$WORK/rvcache" "$R/config.c" >/dev/null
rv --cache-dir "$WORK/rvcache" "$R/config.c" "$R/main.c" >"$WORK/rv_warm.json"
check "a file's entry from a run of it alone does not answer for its summaries" \
	cmp "$WORK/rv_nocache.json" "$WORK/rv_warm.json"

echo "cache: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
