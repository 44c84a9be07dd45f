#!/bin/sh
# baseline_test.sh VTLINT SRCDIR WORKDIR: a team records a baseline in one
# checkout, and CI uses it from its own checkout at another path, naming the
# files relative, absolute, or through -p --all: old findings stay hidden
# (even moved down by new lines), a new one is reported.
. "$(dirname "$0")/lib.sh"
need git
unset GITHUB_WORKSPACE
A=$WORK/dev/proj; mkdir -p "$A/src" "$A/include" "$A/build"
cp "$INC/vtask.h" "$A/include/"
cat >"$A/src/one.c" <<'C'
#include <vtask.h>
vtask fetch(void);
int one(void) { vtask v = fetch(); vtask_await(v, 0); return vtask_await(v, 0); }
C
cat >"$A/src/two.c" <<'C'
#include <vtask.h>
vtask fetch(void);
void two(void) { vtask v = fetch(); (void)v; }
C
database() { # the database a build in $1 would write
	cat >"$1/build/compile_commands.json" <<J
[ { "directory": "$1/build", "file": "../src/one.c", "command": "gcc -I../include -c ../src/one.c" },
  { "directory": "$1/build", "file": "../src/two.c", "command": "gcc -I../include -c ../src/two.c" } ]
J
}
database "$A"
git init -q "$A"
(cd "$A" && "$VTLINT" -p build --all --format json -o "$WORK/baseline.json" 2>/dev/null); rc=$?
check "baseline made (findings: exit 1)" test $rc -eq 1
check "baseline has both findings" test "$(grep -c '"rule"' "$WORK/baseline.json")" -eq 2
(cd "$A" && "$VTLINT" -p build --all --format sarif -o "$WORK/baseline.sarif" 2>/dev/null)

# The same checkout, files named on the command line.
(cd "$A" && "$VTLINT" src/one.c src/two.c --baseline "$WORK/baseline.json" >"$WORK/out" 2>&1); rc=$?
check "same checkout, relative names: nothing new" test $rc -eq 0

# CI's checkout: another path, a database of its own, lines added above.
B=$WORK/ci/runner/work/proj; mkdir -p "$(dirname "$B")"
cp -r "$A" "$B"
database "$B"
sed -i '2i /* a comment that moves every finding down */' "$B/src/one.c"
cd "$B"
run src/one.c src/two.c --baseline "$WORK/baseline.json"
check "other checkout, relative names: nothing new" test $rc -eq 0
check "other checkout, relative names: nothing printed" test -z "$out"
run "$B/src/one.c" "$B/src/two.c" --baseline "$WORK/baseline.json"
check "other checkout, absolute names: nothing new" test $rc -eq 0
run -p build --all --baseline "$WORK/baseline.json"
check "other checkout, -p --all: nothing new" test $rc -eq 0
run -p build --all --baseline "$WORK/baseline.sarif"
check "other checkout, SARIF baseline: nothing new" test $rc -eq 0
(cd src && "$VTLINT" one.c two.c --baseline "$WORK/baseline.json" >"$WORK/out" 2>&1); rc=$?
check "from a subfolder: nothing new" test $rc -eq 0
GITHUB_WORKSPACE=$B run "$B/src/one.c" "$B/src/two.c" --baseline "$WORK/baseline.json"
check "with GITHUB_WORKSPACE: nothing new" test $rc -eq 0

# A new finding is still reported, and only it.
cat >>"$B/src/two.c" <<'C'
int three(void) { vtask v = fetch(); vtask_await(v, 0); return vtask_await(v, 0); }
C
run -p build --all --baseline "$WORK/baseline.json"
check "a new finding fails" test $rc -eq 1
check "only the new finding is reported" test "$(count "$out" 'warning:')" -eq 1
check "the new finding at its line" has "$out" "two.c:4:[0-9]*: warning: .*\[VT001\]"
run src/one.c src/two.c --baseline "$WORK/baseline.sarif"
check "SARIF baseline: only the new finding" test $rc -eq 1 -a "$(count "$out" 'warning:')" -eq 1
finish
