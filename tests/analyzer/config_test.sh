#!/bin/sh
# config_test.sh VTLINT INCDIR WORKDIR: .vtlint.json as a user meets it.
set -u
VTLINT=$1 INC=$2 WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"
fails=0 passes=0
check() { name=$1; shift; if "$@"; then passes=$((passes + 1)); else fails=$((fails + 1)); echo "FAIL: $name" >&2; fi; }
run() { "$VTLINT" --quiet "$@" >"$WORK/out" 2>"$WORK/err"; rc=$?; out=$(cat "$WORK/out"); err=$(cat "$WORK/err"); }
has() { printf '%s' "$1" | grep -q -- "$2"; }

P=$WORK/proj; mkdir -p "$P/src/deep" "$P/vendor"
cat >"$P/src/deep/a.c" <<'C'
#include <vtask.h>
vtask fetch(void);
int pool_await(vtask v, void **out);
int pool_ready(vtask v);
int pool_spawn(void (*fn)(void *), void *arg);
void waiter(void *arg);
int twice(void) { vtask v = fetch(); vtask_await(v, 0); return vtask_await(v, 0); }
int wrapped(void) { vtask v = fetch(); pool_await(v, 0); return pool_await(v, 0); }
int guarded(void) { vtask v = fetch(); if (pool_ready(v)) return vtask_get_result(v, 0); return vtask_await(v, 0); }
int handed(void) { vtask v = fetch(); pool_spawn(waiter, &v); return vtask_await(v, 0); }
int unguarded(void) { vtask v = fetch(); return vtask_get_result(v, 0); }
C
cp "$P/src/deep/a.c" "$P/vendor/v.c"
A=$P/src/deep/a.c

cat >"$P/.vtlint.json" <<'J'
{ "rules": { "VT001": "error", "blocking-get-result": "off" },
  "skip": ["vendor/*"],
  "functions": { "consume": ["pool_await"], "inspect": ["pool_ready"], "handoff": ["pool_spawn"] } }
J
run "$A" -- -I"$INC"
check "found walking up; VT001 at error level" has "$out" "a.c:7:[0-9]*: error: .*\[VT001\]"
check "consume wrapper counts as vtask_await" has "$out" "a.c:8:[0-9]*: error: .*consumed a second time"
check "inspect wrapper guards get_result" test "$(printf '%s\n' "$out" | grep -c 'a.c:9:')" -eq 0
check "handoff wrapper counts as vt_spawn" has "$out" "a.c:10:[0-9]*: warning: .*\[VT002\]"
check "findings exit 1" test $rc -eq 1
check "rule off in the configuration" test "$(printf '%s\n' "$out" | grep -c 'VT003')" -eq 0
run --format json "$A" -- -I"$INC"
check "json severity from the level" has "$out" '"severity":[[:space:]]*"error"'
run "$P/vendor/v.c" -- -I"$INC"
check "skip pattern: nothing analysed" test $rc -eq 0 -a -z "$out"
run --enable VT003 "$A" -- -I"$INC"
check "--enable beats the configuration" has "$out" "\[VT003\]"

cat >"$WORK/other.json" <<'J'
{ "rules": { "VT001": "off", "VT002": "off" } }
J
run --config "$WORK/other.json" "$A" -- -I"$INC"
check "--config replaces the nearest file" test "$(printf '%s\n' "$out" | grep -c 'VT00[12]')" -eq 0

# A nested file inherits: its own keys win, the wrapper lists are merged.
cat >"$P/src/.vtlint.json" <<'J'
{ "rules": { "VT002": "off" }, "functions": { "consume": ["other_await"] } }
J
run "$A" -- -I"$INC"
check "nested: the parent's level is inherited" has "$out" "a.c:7:[0-9]*: error: .*\[VT001\]"
check "nested: the parent's consume wrapper still counts" has "$out" "a.c:8:[0-9]*: error: .*consumed a second time"
check "nested: the parent's inspect wrapper still guards" test "$(printf '%s\n' "$out" | grep -c 'a.c:9:')" -eq 0
check "nested: its own rule setting wins" test "$(printf '%s\n' "$out" | grep -c 'VT002')" -eq 0
check "nested: the parent's rule off stays off" test "$(printf '%s\n' "$out" | grep -c 'VT003')" -eq 0
printf '{ "rules": { "VT002": "off" } }\n' >"$P/vendor/.vtlint.json"
run "$P/vendor/v.c" -- -I"$INC"
check "nested: the parent's skip pattern, relative to the parent, still applies" test $rc -eq 0 -a -z "$out"
rm "$P/vendor/.vtlint.json"
cat >"$P/src/.vtlint.json" <<'J'
{ "root": true, "rules": { "VT002": "off" } }
J
run "$A" -- -I"$INC"
check "root: true inherits nothing (no wrappers)" has "$out" "a.c:9:"
check "root: true inherits nothing (default level)" has "$out" "a.c:7:[0-9]*: warning: .*\[VT001\]"
printf '{ "root": "yes" }\n' >"$P/src/.vtlint.json"
run "$A" -- -I"$INC"
check "root must be a boolean" has "$err" 'src/.vtlint.json:1: error: key "root": must be true or false'
printf '{ "rules": { "VT002": "off" } }\n' >"$P/src/.vtlint.json"
mv "$P/.vtlint.json" "$WORK/good.json"
printf '{ "rules": { "VT001": "loud" } }\n' >"$P/.vtlint.json"
run "$A" -- -I"$INC"
check "a bad parent is an error naming the parent" has "$err" "proj/.vtlint.json:1: error: key \"VT001\""
check "a bad parent: exit 2" test $rc -eq 2
mv "$WORK/good.json" "$P/.vtlint.json"
rm "$P/src/.vtlint.json"

bad() { # bad NAME JSON PATTERN
	printf '%s\n' "$2" >"$P/.vtlint.json"
	run "$A" "$DATA_OK" -- -I"$INC"
	check "$1: exit 2" test $rc -eq 2
	check "$1: named" has "$err" "$3"
	check "$1: other files still analysed" has "$out" "double.c:7"
}
DATA_OK=$(dirname "$0")/data/double.c
bad "bad JSON" '{ "rules": { "VT001": "off", }
}' '.vtlint.json:[12]: error: not valid JSON'
bad "unknown key" '{ "rules": {},
  "colour": true }' '.vtlint.json:2: error: key "colour": unknown key'
bad "wrong type" '{ "skip": "vendor" }' '.vtlint.json:1: error: key "skip": must be an array of strings'
bad "unknown rule" '{ "rules": {
 "VT042": "off" } }' '.vtlint.json:2: error: key "VT042": unknown rule'
bad "bad level" '{ "rules": { "VT001": "loud" } }' 'key "VT001": must be "off"'
run --config "$WORK/missing.json" "$A" -- -I"$INC"
check "missing --config exits 2" test $rc -eq 2
check "missing --config named" has "$err" "missing.json: error: cannot read"

echo "config: $passes passed, $fails failed"
test $fails -eq 0
