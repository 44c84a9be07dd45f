#!/bin/sh
# options_test.sh VTLINT INCDIR WORKDIR: the options that shape each file's
# command and the run's output, as a user meets them: `--` (also alone),
# --remove-arg, --extra-arg-before, @FILE, `-`, --color, a rule at level
# note, the summary line, errors a compile command causes, a file in no
# compile database.
set -u
VTLINT=$1 INC=$2 WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"
fails=0 passes=0
check() { name=$1; shift; if "$@"; then passes=$((passes + 1)); else fails=$((fails + 1)); echo "FAIL: $name" >&2; fi; }
run() { "$VTLINT" "$@" >"$WORK/out" 2>"$WORK/err"; rc=$?; out=$(cat "$WORK/out"); err=$(cat "$WORK/err"); }
has() { printf '%s' "$1" | grep -q -- "$2"; }
count() { printf '%s\n' "$1" | grep -c -- "$2"; }

P=$WORK/proj; mkdir -p "$P/src" "$P/build"
cat >"$P/src/a.c" <<'C'
#include <vtask.h>
#ifdef BOOM
#error "BOOM came from the database"
#endif
vtask fetch(void);
int f(void) { vtask v = fetch(); vtask_await(v, 0); return vtask_await(v, 0); }
void g(void) { vtask v = fetch(); (void)v; }
C
cat >"$P/build/compile_commands.json" <<J
[ { "directory": "$P", "file": "src/a.c", "arguments": ["cc", "-DBOOM", "-I$INC", "-c", "src/a.c"] } ]
J
cd "$P"

# `--`: no database at all, even with nothing after it.
run src/a.c --
check "-- alone: the database is not read" test "$(count "$err" 'BOOM came')" -eq 0
run src/a.c -- -I"$INC"
check "-- ARGS: the database is not read" test $rc -eq 1
run src/a.c
check "no --: the database is read" has "$err" "BOOM came from the database"

# --remove-arg, exact and PREFIX*; --extra-arg-before.
run --remove-arg=-DBOOM src/a.c
check "--remove-arg ARG" test $rc -eq 1
run --remove-arg '-DBO*' src/a.c
check "--remove-arg PREFIX*" test $rc -eq 1
run --extra-arg-before=-UBOOM src/a.c
check "--extra-arg-before comes before the command (-DBOOM wins)" has "$err" "BOOM came"
run --extra-arg=-UBOOM src/a.c
check "--extra-arg comes after the command" test $rc -eq 1

# @FILE: arguments one per line; `-`: file names on stdin.
printf -- '--remove-arg=-DBOOM\n--format=json\nsrc/a.c\n' >"$WORK/args"
run @"$WORK/args"
check "@FILE: options and files" has "$out" '"rule":[[:space:]]*"VT001"'
run @"$WORK/nothere"
check "@FILE unreadable: exit 2" test $rc -eq 2
check "@FILE unreadable: named" has "$err" "nothere: cannot read this argument file"
printf 'src/a.c\n' | "$VTLINT" --remove-arg=-DBOOM - >"$WORK/out" 2>"$WORK/err"; rc=$?
check "-: file names from stdin" test $rc -eq 1 -a "$(count "$(cat "$WORK/out")" 'VT001')" -eq 1

# --color: always even through a pipe, never, and NO_COLOR for auto.
esc=$(printf '\033')
run --color=always --remove-arg=-DBOOM src/a.c
check "--color always: colour through a pipe" has "$out" "$esc\["
check "--color always: the source line and a caret" has "$out" "\^"
run --color=never --remove-arg=-DBOOM src/a.c
check "--color never" test "$(count "$out" "$esc")" -eq 0
NO_COLOR=1 run --remove-arg=-DBOOM src/a.c
check "auto through a pipe: no colour" test "$(count "$out" "$esc")" -eq 0
run --color=sometimes src/a.c
check "--color with a bad value: exit 2" test $rc -eq 2
run --header-filter='(' src/a.c
check "--header-filter with a bad regex: exit 2, named" has "$err" "not a valid regular expression"

# The summary: per rule, files not analysed, what the baseline hid.
run --remove-arg=-DBOOM src/a.c
check "summary per rule" has "$err" "^2 findings (VT001 1, VT005 1) in 1 file$"
printf 'int broken(void) { return }\n' >"$P/src/broken.c"
run --remove-arg=-DBOOM src/a.c src/broken.c
check "summary: a file not analysed" has "$err" "^2 findings (VT001 1, VT005 1) in 2 files; 1 file not analysed$"
"$VTLINT" --quiet --remove-arg=-DBOOM --format json -o "$WORK/base.json" src/a.c
sed -i 's/^void g(void).*$/void g(void) { vtask v = fetch(); vtask_await(v, 0); }/' src/a.c
run --remove-arg=-DBOOM --baseline "$WORK/base.json" src/a.c
check "summary: what the baseline hid" has "$err" "^0 findings in 1 file; 1 hidden by the baseline$"
check "baseline: exit 0" test $rc -eq 0

# A rule at level note is reported and does not fail the run.
printf '{ "rules": { "VT001": "note" } }\n' >"$P/.vtlint.json"
run --remove-arg=-DBOOM src/a.c
check "note level: reported as a note" has "$out" "src/a.c:6:[0-9]*: note: .*\[VT001\]"
check "note level: exit 0" test $rc -eq 0
rm "$P/.vtlint.json"

# Errors a compile command causes name the file and the database.
cat >"$P/build/compile_commands.json" <<J
[ { "directory": "$P", "file": "src/a.c", "arguments": ["cc", "-include", "nothere.h", "-I$INC", "-c", "src/a.c"] } ]
J
run src/a.c
check "a command's error names the file and the database" has "$err" "^src/a.c: error: 'nothere.h' file not found (in its compile command from build/compile_commands.json)"
check "no <built-in>" test "$(count "$err" 'built-in')" -eq 0

# A file in no compile database that misses an include says so, once.  (An
# empty database stops the walk up: this test may itself run inside a build
# folder that has one.)
printf '[]\n' >"$P/build/compile_commands.json"
printf '#include "config.h"\nint x = CONFIG_X;\n' >"$P/src/new.c"
run src/new.c
check "not in any compile database" has "$err" "src/new.c:1:10: error: 'config.h' file not found; src/new.c is not in any compile database"
check "said once" test "$(count "$err" 'not in any compile database')" -eq 1

echo "options: $passes passed, $fails failed"
test $fails -eq 0
