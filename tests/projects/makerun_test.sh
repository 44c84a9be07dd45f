#!/bin/sh
# makerun_test.sh VTLINT SRCDIR WORKDIR: `make run` shows one line for the
# build and then the findings; the build log only when the build fails.
. "$(dirname "$0")/lib.sh"
need make
B=$(dirname "$VTLINT")
# Only the plain build's folder is what `make run` configures (RelWithDebInfo):
# the sanitizer build's folder must not be reconfigured under it.
if grep -q '^CMAKE_BUILD_TYPE:STRING=RelWithDebInfo$' "$B/CMakeCache.txt"; then
	make -s --no-print-directory -C "$SRC" run BUILD="$B" >"$WORK/out" 2>&1; rc=$?
	out=$(cat "$WORK/out")
	check "make run succeeds" test $rc -eq 0
	check "first line: the build status" test "$(head -n 1 "$WORK/out")" = "build: ok ($B/vtlint)"
	check "no build log" test "$(count "$out" 'Configuring\|Building C\|Linking\|Built target')" -eq 0
	check "the findings follow" has "$out" "^examples/echo.c:16:10: warning: .*\[VT001\]"
else
	echo "makerun: $B is not a RelWithDebInfo build: only the failing build is tried"
fi
make -s --no-print-directory -C "$SRC" run BUILD="$WORK/b" \
	CMAKE_ARGS="-DCMAKE_C_COMPILER=$WORK/no-such-cc" >"$WORK/out" 2>&1; rc=$?
out=$(cat "$WORK/out")
check "a failed build fails make run" test $rc -ne 0
check "a failed build shows its log" has "$out" "no-such-cc"
check "a failed build says so" has "$out" "^build: FAILED"
check "no linting after a failed build" test "$(count "$out" '== vtlint')" -eq 0
finish
