#!/bin/sh
# compdb_test.sh VTLINT INCDIR WORKDIR: compilation databases and the CMake
# C_CLANG_TIDY hook, as a user meets them.
set -u
VTLINT=$1 INC=$2 WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"
fails=0 passes=0
check() { name=$1; shift; if "$@"; then passes=$((passes + 1)); else fails=$((fails + 1)); echo "FAIL: $name" >&2; fi; }
run() { "$VTLINT" "$@" >"$WORK/out" 2>"$WORK/err"; rc=$?; out=$(cat "$WORK/out"); err=$(cat "$WORK/err"); }
has() { printf '%s' "$1" | grep -q -- "$2"; }

# A project whose sources need -Iinc (relative) and -DWAIT to compile.
P=$WORK/proj
mkdir -p "$P/src" "$P/inc" "$P/build"
cp "$INC/vtask.h" "$P/inc/"
cat >"$P/src/a.c" <<'C'
#include <vtask.h>
#ifndef WAIT
#error "WAIT must come from the compile command"
#endif
vtask fetch(void);
int f(void) { vtask v = fetch(); WAIT(v); return WAIT(v); }
C
cp "$P/src/a.c" "$P/src/b.c"
cat >"$P/build/compile_commands.json" <<J
[ { "directory": "$P", "file": "src/a.c",
    "arguments": ["/usr/bin/gcc", "-Iinc", "-DWAIT(x)=vtask_await((x), 0)", "-fno-fat-lto-objects", "-c", "-o", "a.o", "src/a.c"] },
  { "directory": "$P/build", "file": "../src/b.c",
    "command": "ccache gcc -I../inc '-DWAIT(x)=vtask_await((x), 0)' -MD -MF b.d -c ../src/b.c -o b.o" } ]
J
run "$P/src/a.c"
check "discovered in build/: arguments form" has "$out" "src/a.c:6:[0-9]*: warning: .*\[VT001\]"
run "$P/src/b.c"
check "discovered: command form, relative -I and file" has "$out" "src/b.c:6:[0-9]*: warning: .*\[VT001\]"
check "no .d file written" test ! -e "$P/build/b.d"
run -p "$P/build" "$P/src/a.c"
check "-p DIR" test $rc -eq 1
(cd "$P" && "$VTLINT" --all -p build >"$WORK/out" 2>"$WORK/err"); rc=$?; out=$(cat "$WORK/out")
check "--all -p: both files" test "$(printf '%s\n' "$out" | grep -c 'VT001')" -eq 2
check "--all reports the database's names" has "$out" "^src/a.c:6"
(cd "$P/src" && "$VTLINT" --all >"$WORK/out" 2>&1); rc=$?
check "--all discovers from the current folder" test $rc -eq 1

# A file the database does not list gets the arguments after --.
cat >"$P/src/c.c" <<'C'
#include <vtask.h>
vtask fetch(void);
int f(void) { vtask v = fetch(); vtask_await(v, 0); return vtask_await(v, 0); }
C
run "$P/src/c.c" -- -I"$P/inc"
check "unlisted file uses -- arguments" test $rc -eq 1
run --extra-arg=-DWAIT\(x\)=vtask_await\(\(x\),0\) "$P/src/c.c" -- -I"$P/inc"
check "--extra-arg accepted" test $rc -eq 1

# A file not yet in the database: the nearest listed file's flags, with a note.
cp "$P/src/a.c" "$P/src/new.c"
mkdir -p "$P/src/sub"; cp "$P/src/a.c" "$P/src/sub/deeper.c"
run "$P/src/new.c"
check "unlisted file: analysed with a neighbour's flags" test $rc -eq 1
check "unlisted file: the finding" has "$out" "src/new.c:6:[0-9]*: warning: .*\[VT001\]"
check "unlisted file: a note names the neighbour" has "$err" "src/new.c: note: not in .*build/compile_commands.json: analysed with the flags of .*src/a.c"
run "$P/src/sub/deeper.c"
check "unlisted file in a subfolder: the closest path's flags" test $rc -eq 1
rm -r "$P/src/new.c" "$P/src/sub"
run "$P/src/typo.c" "$P/src/a.c"
check "missing file: exit 2" test $rc -eq 2
check "missing file: named" has "$err" "src/typo.c: error: cannot open"
check "missing file: no note on another file's flags" test -z "$(printf '%s' "$err" | grep 'not in')"
check "missing file: the others still analysed" has "$out" "src/a.c:6:[0-9]*: warning: .*\[VT001\]"

# -p may name the JSON file itself, whatever its name.
cp "$P/build/compile_commands.json" "$WORK/other-name.json"
run -p "$WORK/other-name.json" "$P/src/a.c"
check "-p FILE.json" test $rc -eq 1

# Entries that are no C compile: skipped by --all, no error.
D=$WORK/wild; mkdir -p "$D"
cp "$P/src/c.c" "$D/c.c"; printf 'ret\n' >"$D/s.S"; printf 'int x;\n' >"$D/k.cpp"
cat >"$D/compile_commands.json" <<J
[ { "directory": "$D", "file": "c.c", "arguments": ["clang", "-cc1", "-triple", "x86_64-pc-linux-gnu", "-Eonly", "c.c"] },
  { "directory": "$D", "file": "c.c", "arguments": ["gcc", "-E", "-I$P/inc", "c.c"] },
  { "directory": "$D", "file": "s.S", "arguments": ["gcc", "-c", "s.S"] },
  { "directory": "$D", "file": "k.cpp", "arguments": ["g++", "-c", "k.cpp"] },
  { "directory": "$D", "file": "c.c", "command": "gcc -I$P/inc -Werror -Wall -Werror=unused -pedantic-errors -Wfatal-errors -c c.c" },
  { "directory": "$D", "file": "c.c", "command": "gcc -I$P/inc -Werror -Wall -Werror=unused -pedantic-errors -Wfatal-errors -c -o other.o c.c" } ]
J
(cd "$D" && "$VTLINT" --all >"$WORK/out" 2>"$WORK/err"); rc=$?; out=$(cat "$WORK/out"); err=$(cat "$WORK/err")
check "--all: only the C compile, exit 1" test $rc -eq 1
check "--all: no error from -cc1, -E, .S or C++ entries" test "$(printf '%s' "$err" | grep -c error)" -eq 0
check "--all: one file analysed, reported once" test "$(printf '%s\n' "$out" | grep -c 'VT001')" -eq 1
printf '[ { "directory": "%s", "file": "c.c", "command": "gcc '"'"'-DX c.c" } ]\n' "$D" >"$D/compile_commands.json"
(cd "$D" && "$VTLINT" --all >"$WORK/out" 2>"$WORK/err"); rc=$?; err=$(cat "$WORK/err")
check "a bad command names the database and the file" has "$err" "wild/compile_commands.json: error: entry 0 (c.c): unterminated quote"
check "a bad command: exit 2" test $rc -eq 2

# Broken and missing databases: exit 2, named, other files still analysed.
B=$WORK/broken; mkdir -p "$B"
printf '[ { "directory": "/x", "file": ' >"$B/compile_commands.json"
cp "$P/src/c.c" "$B/"
run "$B/c.c" "$P/src/a.c"
check "broken database exits 2" test $rc -eq 2
check "broken database named" has "$err" "broken/compile_commands.json:1: error: not valid JSON"
check "other file still analysed" has "$out" "src/a.c:6"
run -p "$WORK/nowhere" "$P/src/a.c"
check "-p without a database exits 2" test $rc -eq 2
check "-p without a database named" has "$err" "nowhere/compile_commands.json: error: no compilation database"

# CMake's C_CLANG_TIDY hook: the build fails on a finding and passes when fixed.
if command -v cmake >/dev/null 2>&1; then
	H=$WORK/hook; mkdir -p "$H"
	cp "$INC/vtask.h" "$H/"
	cat >"$H/CMakeLists.txt" <<'C'
cmake_minimum_required(VERSION 3.16)
project(hook C)
add_library(hook STATIC lib.c)
target_include_directories(hook PRIVATE ${CMAKE_SOURCE_DIR})
C
	cp "$P/src/c.c" "$H/lib.c"
	cmake -S "$H" -B "$H/b" -DCMAKE_C_CLANG_TIDY="$VTLINT;--quiet" >"$WORK/cm" 2>&1
	cmake --build "$H/b" >"$WORK/build" 2>&1; rc=$?
	check "CMake build fails on a finding" test $rc -ne 0
	check "CMake build shows the finding" grep -q "lib.c:3:.*VT001" "$WORK/build"
	sed -i 's/return vtask_await(v, 0);/return 0;/' "$H/lib.c"
	cmake --build "$H/b" >"$WORK/build" 2>&1; rc=$?
	check "CMake build passes when fixed" test $rc -eq 0
fi

# Two spellings of one file (`../src/a.c` from build/, then the absolute
# path): the first in the database gives its flags, whatever was named before.
S=$WORK/spell
mkdir -p "$S/src" "$S/build"
cat >"$S/src/a.c" <<'C'
#include <vtask.h>
vtask fetch(void);
int f(void) { vtask v = fetch(); WAIT(v); return 0; }
C
cp "$S/src/a.c" "$S/src/z.c"
cat >"$S/build/compile_commands.json" <<J
[ { "directory": "$S/build", "file": "../src/a.c",
    "arguments": ["cc", "-I$INC", "-DWAIT(x)=vtask_await((x), 0); vtask_await((x), 0)", "-c", "../src/a.c"] },
  { "directory": "$S", "file": "$S/src/a.c",
    "arguments": ["cc", "-I$INC", "-DWAIT(x)=vtask_await((x), 0)", "-c", "$S/src/a.c"] } ]
J
run -p "$S/build" "$S/src/a.c"
check "two spellings: the first entry's flags" has "$out" "a.c:3:[0-9]*: warning: .*\[VT001\]"
run -p "$S/build" "$S/src/z.c" "$S/src/a.c"
check "two spellings: the same flags after another file" has "$out" "a.c:3:[0-9]*: warning: .*\[VT001\]"

# A relative "directory" is the current folder's.
cat >"$S/rel.json" <<J
[ { "directory": "build", "file": "../src/a.c",
    "arguments": ["cc", "-I$INC", "-DWAIT(x)=vtask_await((x), 0); vtask_await((x), 0)", "-c", "../src/a.c"] } ]
J
(cd "$S" && "$VTLINT" -p rel.json src/a.c >"$WORK/out" 2>"$WORK/err"); out=$(cat "$WORK/out"); err=$(cat "$WORK/err")
check "relative directory: the file is listed" has "$out" "a.c:3:[0-9]*: warning: .*\[VT001\]"
check "relative directory: no 'not in' note" test -z "$(printf '%s' "$err" | grep 'not in')"

echo "compdb: $passes passed, $fails failed"
test $fails -eq 0
