#!/bin/sh
# cli_test.sh VTLINT INCDIR WORKDIR: vtlint's command line as a user meets it:
# exit codes, bad input, formats, rule selection, parallel runs.
set -u
VTLINT=$1 INC=$2 WORK=$3
DATA=$(dirname "$0")/data
mkdir -p "$WORK"
fails=0 passes=0

check() { # check NAME CONDITION...
	name=$1; shift
	if "$@"; then passes=$((passes + 1)); else fails=$((fails + 1)); echo "FAIL: $name" >&2; fi
}
run() { # run ARGS... : sets rc, out, err
	"$VTLINT" "$@" >"$WORK/out" 2>"$WORK/err"; rc=$?
	out=$(cat "$WORK/out"); err=$(cat "$WORK/err")
}
has() { printf '%s' "$1" | grep -q -- "$2"; }

run --help;                                check "help exits 0" test $rc -eq 0
check "help shows usage" has "$out" "usage: vtlint"
run --version;                             check "version" has "$out" "vtlint [0-9]"
run --list-rules;                          check "list-rules names VT005" has "$out" "VT005  unconsumed-vtask"
run --bogus x.c;                           check "unknown option exits 2" test $rc -eq 2
check "unknown option named" has "$err" "unknown option '--bogus'"
run;                                       check "no files exits 2" test $rc -eq 2
run --disable VT999 "$DATA/clean.c";       check "unknown rule exits 2" test $rc -eq 2
check "unknown rule named" has "$err" "unknown rule 'VT999'"
run -j 0 "$DATA/clean.c";                  check "bad -j exits 2" test $rc -eq 2

run "$DATA/clean.c" -- -I"$INC";           check "clean exits 0" test $rc -eq 0
check "clean prints nothing" test -z "$out"
check "summary on stderr" has "$err" "0 findings in 1 file"
run --quiet "$DATA/clean.c" -- -I"$INC";   check "quiet" test -z "$err"

run "$DATA/double.c" -- -I"$INC";          check "finding exits 1" test $rc -eq 1
check "clang-style line" has "$out" "double.c:7:9: warning: vtask 'v' is consumed a second time \[VT001\]"
check "note line" has "$out" "double.c:6:2: note: first consumed here"
run --disable double-consume "$DATA/double.c" -- -I"$INC"
check "disable by name" test $rc -eq 0
run --enable VT005 "$DATA/double.c" -- -I"$INC"
check "enable only VT005" test $rc -eq 0

run "$DATA/missing.c" "$DATA/double.c" -- -I"$INC"
check "missing file exits 2" test $rc -eq 2
check "missing file named" has "$err" "missing.c: error: cannot open"
check "other file still analysed" has "$out" "double.c:7:9"
run "$DATA" -- -I"$INC"
check "a folder: every *.c under it (one does not parse: exit 2)" test $rc -eq 2
check "a folder: its files analysed" has "$out" "double.c:7:9"
check "a folder: its broken file named" has "$err" "broken.c:"
mkdir -p "$WORK/empty"
run "$WORK/empty" -- -I"$INC"
check "an empty folder is an error" test $rc -eq 2
check "an empty folder named" has "$err" "empty: error: no \*.c file in this folder"
run "$DATA/broken.c" "$DATA/double.c" -- -I"$INC"
check "broken exits 2" test $rc -eq 2
check "compiler error shown" has "$err" "broken.c:3:"
check "findings kept after a broken file" has "$out" "double.c:7:9"
printf 'ELF\001\000\000binary' >"$WORK/prog.c"
run "$WORK/prog.c" "$DATA/double.c" -- -I"$INC"
check "binary file exits 2" test $rc -eq 2
check "binary file named" has "$err" "prog.c: error: is a binary file"
check "findings kept after a binary file" has "$out" "double.c:7:9"
run "$DATA/double.c" -- -I/nonexistent
check "missing include exits 2" test $rc -eq 2
check "missing include named" has "$err" "'vtask.h' file not found"

run --format json "$DATA/double.c" "$DATA/broken.c" -- -I"$INC"
check "json exits 2 with an error" test $rc -eq 2
check "json rule" has "$out" '"rule":[[:space:]]*"VT001"'
check "json name" has "$out" '"name":[[:space:]]*"double-consume"'
check "json line" has "$out" '"line":[[:space:]]*7'
check "json fingerprint" has "$out" '"fingerprint":[[:space:]]*"[0-9a-f]\{16\}"'
check "json errors" has "$out" '"errors":[[:space:]]*\[[[:space:]]*{'
run --format json -o "$WORK/r.json" "$DATA/double.c" -- -I"$INC"
check "-o writes the file" grep -q '"VT001"' "$WORK/r.json"
check "-o leaves stdout empty" test -z "$out"
run --format sarif-not "$DATA/double.c"; check "bad format exits 2" test $rc -eq 2

# A function past the path budget: every format says so, --quiet hushes the note.
run "$DATA/many_paths.c" -- -I"$INC"
check "limit: a note on stderr at the function" has "$err" "many_paths.c:10:6: note: 'many' has more paths than vtlint keeps apart"
check "limit: what rests on no merged path is reported" has "$out" "many_paths.c:34:9: warning: vtask 'a0' is consumed a second time"
run --quiet "$DATA/many_paths.c" -- -I"$INC"
check "limit: --quiet hushes the note" test -z "$err"
run --format json "$DATA/many_paths.c" -- -I"$INC"
check "limit: in json's limits" has "$out" '"limits":[[:space:]]*\[[[:space:]]*{'
run --format sarif "$DATA/many_paths.c" -- -I"$INC"
check "limit: a SARIF note notification" has "$(printf '%s' "$out" | tr -d ' \t\n')" '"toolExecutionNotifications":\[{"level":"note","message":{"text":"'"'"'many'"'"'hasmorepaths'
check "limit: the SARIF run still succeeded" has "$out" '"executionSuccessful":[[:space:]]*true'
# The same function past the budget in a header that two files include:
# named once, as findings in headers are, and filtered as they are.
mkdir -p "$WORK/hdr"
sed 's/^void many(void)/static inline void many(void)/' "$DATA/many_paths.c" >"$WORK/hdr/many.h"
printf '#include "many.h"\nvoid a(void) { many(); }\n' >"$WORK/hdr/a.c"
printf '#include "many.h"\nvoid b(void) { many(); }\n' >"$WORK/hdr/b.c"
(cd "$WORK/hdr" && "$VTLINT" --no-cache a.c b.c -- -I"$INC" >/dev/null 2>"$WORK/hdr/err")
check "limit in a header: named once, relative as findings are" \
	test "$(grep -c "^many.h:10:20: note: 'many' has more paths" "$WORK/hdr/err")" -eq 1
(cd "$WORK/hdr" && "$VTLINT" --no-cache --header-filter 'nothing' a.c b.c -- -I"$INC" >/dev/null 2>"$WORK/hdr/err")
check "limit in a header: --header-filter leaves it out as it leaves its findings" \
	test "$(grep -c "more paths" "$WORK/hdr/err")" -eq 0

run -j1 --quiet "$DATA/mixed.c" "$DATA/double.c" "$DATA/clean.c" -- -I"$INC"; one=$out
run -j3 --quiet "$DATA/mixed.c" "$DATA/double.c" "$DATA/clean.c" -- -I"$INC"
check "-j3 equals -j1" test "$out" = "$one"
check "mixed has findings" test $rc -eq 1

run --quiet "$DATA/nolint.c" -- -I"$INC"
check "NOLINT forms: lines 15, 16, 20 only" test "$(printf '%s\n' "$out" | grep warning | cut -d: -f2 | tr '\n' ' ')" = "15 16 20 "
run --quiet --show-suppressed --format json "$DATA/nolint.c" -- -I"$INC"
check "--show-suppressed keeps them, marked" test "$(printf '%s\n' "$out" | grep -c '"suppressed":[[:space:]]*true')" -eq 6
run --quiet --show-suppressed "$DATA/clean.c" "$DATA/nolint_unmatched.c" -- -I"$INC"
check "unmatched NOLINTBEGIN exits 2" test $rc -eq 2
check "unmatched NOLINTBEGIN named" has "$err" "nolint_unmatched.c:6: error: unmatched 'NOLINTBEGIN'"
check "unmatched region suppresses nothing" has "$out" "nolint_unmatched.c:7"

# --baseline: only findings the earlier report does not have, robust to moved lines.
cp "$DATA/double.c" "$WORK/b.c"
run --quiet --format json -o "$WORK/base.json" "$WORK/b.c" -- -I"$INC"
{ printf '/* three\n   new\n   lines */\n'; cat "$DATA/double.c"; } >"$WORK/b.c"
run --quiet --baseline "$WORK/base.json" "$WORK/b.c" -- -I"$INC"
check "baseline: moved finding is old" test $rc -eq 0 -a -z "$out"
printf 'int g(void) { vtask v = fetch(); vtask_await(v, 0); return vtask_await(v, 0); }\n' >>"$WORK/b.c"
run --quiet --baseline "$WORK/base.json" "$WORK/b.c" -- -I"$INC"
check "baseline: a new finding is reported" test $rc -eq 1
check "baseline: only the new one" test "$(printf '%s\n' "$out" | grep -c warning)" -eq 1
check "baseline: at its line" has "$out" "b.c:12:"
cp "$DATA/double.c" "$WORK/s.c"
run --quiet --format sarif -o "$WORK/base.sarif" "$WORK/s.c" -- -I"$INC"
check "sarif written" grep -q '"ruleId":[[:space:]]*"VT001"' "$WORK/base.sarif"
{ printf '\n\n'; cat "$DATA/double.c"; } >"$WORK/s.c"
run --quiet --baseline "$WORK/base.sarif" "$WORK/s.c" -- -I"$INC"
check "SARIF baseline: moved finding is old" test $rc -eq 0 -a -z "$out"
mkdir -p "$WORK/repo/src"; cp "$DATA/double.c" "$WORK/repo/src/d.c"
(cd "$WORK/repo/src" && "$VTLINT" --quiet --format sarif --srcroot "$WORK/repo" d.c -- -I"$INC" >"$WORK/root.sarif")
check "--srcroot makes URIs relative to it" grep -q '"uri":[[:space:]]*"src/d.c"' "$WORK/root.sarif"
(cd "$WORK/repo/src" && GITHUB_WORKSPACE="$WORK/repo" "$VTLINT" --quiet --format sarif d.c -- -I"$INC" >"$WORK/gh.sarif")
check "GITHUB_WORKSPACE is the default source root" grep -q '"uri":[[:space:]]*"src/d.c"' "$WORK/gh.sarif"
run --explain unconsumed-vtask
check "--explain prints the rule's page" has "$out" "# VT005 unconsumed-vtask"
printf 'nonsense' >"$WORK/bad.json"
run --quiet --baseline "$WORK/bad.json" "$DATA/clean.c" -- -I"$INC"
check "bad baseline exits 2" test $rc -eq 2
check "bad baseline named" has "$err" "bad.json: error: not a vtlint JSON or SARIF report"
for fmt in text json sarif; do
	run --quiet --format $fmt -o /dev/full "$DATA/double.c" -- -I"$INC"
	check "$fmt report that cannot be written exits 2" test $rc -eq 2
	check "$fmt write error named" has "$err" "cannot write the report to /dev/full"
done

echo "cli: $passes passed, $fails failed"
test $fails -eq 0
