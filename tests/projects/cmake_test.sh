#!/bin/sh
# cmake_test.sh VTLINT SRCDIR WORKDIR: a CMake project whose team runs vtlint
# through CMake's C_CLANG_TIDY hook in a second build folder, beside an old
# build/ whose compile_commands.json is stale: the hook must use the flags
# CMake passes (after `--`), never the stale database, and gcc-only options
# and -Werror in them must not stop the analysis.
. "$(dirname "$0")/lib.sh"
need cmake
P=$WORK/proj; mkdir -p "$P/src" "$P/build"
cp "$INC/vtask.h" "$P/src/"
cat >"$P/CMakeLists.txt" <<'C'
cmake_minimum_required(VERSION 3.16)
project(app C)
add_library(app STATIC src/lib.c)
target_compile_definitions(app PRIVATE FROM_CMAKE)
target_compile_options(app PRIVATE -Wall -Werror -fconserve-stack)
C
cat >"$P/src/lib.c" <<'C'
#include "vtask.h"
#ifdef STALE
#error "the stale database was used"
#endif
#ifndef FROM_CMAKE
#error "the flags must be CMake's"
#endif
vtask fetch(void);
int f(void) { vtask v = fetch(); vtask_await(v, 0); return vtask_await(v, 0); }
C
# The stale database of an old build: other flags, another folder.
cat >"$P/build/compile_commands.json" <<J
[ { "directory": "$P/build", "file": "$P/src/lib.c",
    "arguments": ["cc", "-DSTALE", "-DFROM_CMAKE", "-c", "$P/src/lib.c"] } ]
J
cmake -S "$P" -B "$P/lint" -DCMAKE_C_COMPILER=gcc -DCMAKE_C_CLANG_TIDY="$VTLINT;--quiet" >"$WORK/cm" 2>&1
check "configured" test $? -eq 0
cmake --build "$P/lint" >"$WORK/build" 2>&1; rc=$?
check "the build fails on the finding" test $rc -ne 0
check "the finding is shown, from CMake's flags" grep -q "lib.c:9:[0-9]*: warning: .*\[VT001\]" "$WORK/build"
check "the stale database is not used" test "$(grep -c 'stale database\|must be CMake' "$WORK/build")" -eq 0
check "no compiler error from -Werror or a gcc-only option" test "$(grep -c 'error:' "$WORK/build")" -eq 0
sed -i 's/return vtask_await(v, 0); }/return 0; }/' "$P/src/lib.c"
sed -i 's/vtask_await(v, 0); return 0;/return vtask_await(v, 0);/' "$P/src/lib.c"
cmake --build "$P/lint" >"$WORK/build" 2>&1; rc=$?
check "the build passes once fixed" test $rc -eq 0

run "$P/src/lib.c" -- -DFROM_CMAKE -DBOOM
check "-- ARGS beats a nearby database" test $rc -eq 0
finish
