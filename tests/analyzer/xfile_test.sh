#!/bin/sh
# xfile_test.sh VTLINT INCDIR WORKDIR: functions defined in other files of
# the project are followed as the file's own (usage.md, "Functions in other
# files"): with `--` the files named, with a database all of its files;
# the same findings with -j1 and -j4, with --summaries-only/--summaries.
# Each `// expect: VTnnn` comment is a finding the run must report, and the
# run must report nothing else.
set -u
VTLINT=$1 INC=$2 WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"
fails=0 passes=0
check() { name=$1; shift; if "$@"; then passes=$((passes + 1)); else fails=$((fails + 1)); echo "FAIL: $name" >&2; fi; }

P=$WORK/proj; mkdir -p "$P/src" "$P/include" "$P/build"
cat >"$P/include/h.h" <<'C'
#include <stdbool.h>
#include <vtask.h>
vtask make(int n);
bool check(vtask v);
void finish_if(vtask *p, bool now);
bool reap_if_done(vtask *p);
bool reap_bad(vtask *p);
void open_it(vtask *p);
bool mystery(vtask v);
bool twice_defined(vtask v);
bool twice_p(vtask *p);
bool fa(vtask v, int n);
bool fb(vtask v, int n);
int wait_for(vt_task *t);
C
cat >"$P/src/a.c" <<'C'
#include <stdint.h>
#include "h.h"

/* check() only inspects: the caller keeps v. */
int use_check(void)
{
	vtask v = make(1);

	if (check(v))
		return vtask_await(v, 0);
	return vtask_await(v, 0);
}

/* finish_if() consumes *p only when now. */
void use_finish(bool now)
{
	vtask v = make(2); // expect: VT005
	finish_if(&v, now);
	if (!now)
		vtask_await(v, 0); // expect: VT001
}

int use_reap(void)
{
	vtask v = make(3);

	if (reap_if_done(&v))
		return 0;
	return vtask_await(v, 0);
}

int use_reap_bad(void)
{
	vtask v = make(3);

	if (reap_bad(&v))
		return 0;
	return vtask_await(v, 0); // expect: VT001
}

void use_open(void)
{
	vtask v;

	open_it(&v); // expect: VT005
}

/* Declared, defined nowhere: unseen code, passing v consumes it. */
int use_mystery(void)
{
	vtask v = make(5);

	mystery(v);
	return vtask_await(v, 0); // expect: VT001
}

/* c.c and d.c define these differently: unseen. */
int use_twice(void)
{
	vtask v = make(6), w = make(7);

	twice_defined(v);
	twice_p(&w);
	vtask_await(w, 0);
	return vtask_await(v, 0); // expect: VT001
}

bool local_h(vtask v); /* only static local_h()s exist elsewhere: unseen */
int use_local(void)
{
	vtask v = make(8);

	local_h(v);
	return vtask_await(v, 0); // expect: VT001
}

bool fa(vtask v, int n)
{
	if (n == 0)
		return vtask_is_completed(v);
	return fb(v, n - 1);
}

int use_fb(void)
{
	vtask v = make(9);

	if (fb(v, 3))
		return vtask_await(v, 0);
	return vtask_await(v, 0);
}

int use_wait(void)
{
	vt_task *t = vt_task_from_result(NULL); // expect: VT007

	return wait_for(t);
}
C
cat >"$P/src/b.c" <<'C'
#include <stdint.h>
#include "h.h"

vtask make(int n) { return vtask_from_result((void *)(intptr_t)n); }

bool check(vtask v) { return vtask_is_completed(v); }

void finish_if(vtask *p, bool now)
{
	if (now)
		vtask_await(*p, 0);
}

bool reap_if_done(vtask *p)
{
	if (!vtask_is_completed(*p))
		return false;
	vtask_await(*p, 0);
	return true;
}

bool reap_bad(vtask *p)
{
	if (vtask_is_completed(*p))
		vtask_await(*p, 0);
	return false;
}

void open_it(vtask *p) { *p = make(4); }

bool fb(vtask v, int n)
{
	if (n == 0)
		return vtask_is_completed(v);
	return fa(v, n - 1);
}

int wait_for(vt_task *t) { return vt_task_await(t, NULL); }

static bool local_h(vtask v) { return vtask_is_completed(v); }

int use_local_b(void)
{
	vtask v = make(10);

	local_h(v);
	return vtask_await(v, 0);
}
C
cat >"$P/src/c.c" <<'C'
#include "h.h"

bool twice_defined(vtask v) { return vtask_is_completed(v); }
bool twice_p(vtask *p) { return vtask_is_completed(*p); }
static bool local_h(vtask v) { return vtask_is_completed(v); }
bool check2(vtask v) { return vtask_is_completed(v); }

int use_local_c(void)
{
	vtask v = make(11);

	local_h(v);
	return vtask_await(v, 0);
}
C
cat >"$P/src/d.c" <<'C'
#include "h.h"

bool twice_defined(vtask v) { return vtask_await(v, 0) == 0; }
bool twice_p(vtask *p) { return vtask_await(*p, 0) == 0; }
static bool local_h(vtask v) { return vtask_await(v, 0) == 0; }

int use_local_d(void)
{
	vtask v = make(12);

	local_h(v);
	return vtask_await(v, 0); // expect: VT001
}

bool check2(vtask v);

int use_check2(void)
{
	vtask v = make(13);

	check2(v);
	return vtask_await(v, 0);
}
C
{
	echo '['
	for f in a b c d; do
		[ $f = a ] || echo ','
		echo "{\"directory\": \"$P\", \"file\": \"src/$f.c\", \"arguments\": [\"cc\", \"-I$INC\", \"-Iinclude\", \"-c\", \"src/$f.c\"]}"
	done
	echo ']'
} >"$P/build/compile_commands.json"

# "a.c:20:VT001" per expected finding, of the files given.
expected() { for f in "$@"; do grep -n 'expect: VT' "$P/src/$f" | sed "s|^\([0-9]*\):.*expect: \(VT[0-9]*\).*|$f:\1:\2|"; done | sort; }
# The same of a text report.
actual() { sed -n 's#^\(.*/\)\{0,1\}\([a-z]*\.c\):\([0-9]*\):[0-9]*: warning: .*\[\(VT[0-9]*\)\]$#\2:\3:\4#p' "$1" | sort; }
lint() { "$VTLINT" --quiet --color never --no-cache "$@"; }

cd "$P" || exit 2
lint src/a.c src/b.c src/c.c src/d.c -- -I"$INC" -Iinclude >"$WORK/all.txt"
check "-- FILES: every file's expected findings, nothing else" \
	test "$(actual "$WORK/all.txt")" = "$(expected a.c b.c c.c d.c)"
lint -j1 src/a.c src/b.c src/c.c src/d.c -- -I"$INC" -Iinclude >"$WORK/j1.txt"
lint -j4 src/d.c src/c.c src/b.c src/a.c -- -I"$INC" -Iinclude >"$WORK/j4.txt"
check "-j1 and -j4 in another order: the same findings" \
	test "$(actual "$WORK/j1.txt")" = "$(actual "$WORK/j4.txt")"

# The callees' files are what makes the difference: a.c alone sees unseen code.
lint src/a.c -- -I"$INC" -Iinclude >"$WORK/alone.txt"
check "a.c alone: check() is unseen, v consumed twice" grep -q "a.c:10:.*VT001" "$WORK/alone.txt"
check "a.c alone: no VT007 for an unseen callee" test "$(grep -c VT007 "$WORK/alone.txt")" -eq 0

# A database: naming a.c reads the other files for their summaries only.
lint -p build src/a.c >"$WORK/db.txt"
check "-p: a.c's findings as with every file named" test "$(actual "$WORK/db.txt")" = "$(expected a.c)"
lint src/a.c >"$WORK/found.txt"
check "the database found from the file: the same" test "$(actual "$WORK/found.txt")" = "$(expected a.c)"
lint -p build --all >"$WORK/dball.txt"
check "--all -p: every file" test "$(actual "$WORK/dball.txt")" = "$(expected a.c b.c c.c d.c)"

# CI shards: one summaries job, then parts reading them.
"$VTLINT" --quiet -p build --all --summaries-only -o "$WORK/sums.json"
check "--summaries-only exits 0" test $? -eq 0
check "--summaries-only writes the store" grep -q '"c:@F@reap_if_done"' "$WORK/sums.json"
check "no temporary file left" test -z "$(ls "$WORK" | grep tmp)"
lint --summaries "$WORK/sums.json" src/a.c -- -I"$INC" -Iinclude >"$WORK/given.txt"
check "--summaries FILE: a.c as in the whole project" test "$(actual "$WORK/given.txt")" = "$(expected a.c)"
# c.c named beside FILE: its twice_defined does not hide d.c's, which FILE knows of.
lint --summaries "$WORK/sums.json" src/a.c src/c.c -- -I"$INC" -Iinclude >"$WORK/given_c.txt"
check "--summaries FILE and c.c: twice_defined stays unseen code" \
	grep -q "a.c:65:.*VT001" "$WORK/given_c.txt"
: >"$WORK/merged.txt"
for k in 1 2 3; do
	lint -p build --all --shard $k/3 --summaries "$WORK/sums.json" >>"$WORK/merged.txt"
done
check "three shards with --summaries: every file's findings" \
	test "$(actual "$WORK/merged.txt")" = "$(expected a.c b.c c.c d.c)"

# --summaries FILE older than a file named: its callers named with it see
# its new summary, as without --summaries (wrap() consumed since FILE).
mkdir -p "$WORK/stale"
printf '#include <vtask.h>\nint wrap(vtask v) { return vtask_is_completed(v); }\n' >"$WORK/stale/callee.c"
printf '#include <vtask.h>\nint wrap(vtask v);\nvtask make(void);\nint use(void) { vtask v = make(); wrap(v); return vtask_await(v, 0); }\n' >"$WORK/stale/caller.c"
"$VTLINT" --quiet --no-cache --summaries-only -o "$WORK/stale.json" "$WORK"/stale/*.c -- -I"$INC"
lint --summaries "$WORK/stale.json" "$WORK"/stale/*.c -- -I"$INC" >"$WORK/stale1.txt"
check "--summaries FILE as written: wrap() inspects" test "$(grep -c VT001 "$WORK/stale1.txt")" -eq 0
sed -i 's/return vtask_is_completed(v)/return vtask_await(v, 0)/' "$WORK/stale/callee.c"
lint "$WORK"/stale/*.c -- -I"$INC" >"$WORK/stale2.txt"
lint --summaries "$WORK/stale.json" "$WORK"/stale/*.c -- -I"$INC" >"$WORK/stale3.txt"
check "--summaries FILE older than callee.c: its new summary, v consumed twice" \
	grep -q "caller.c:.*VT001" "$WORK/stale3.txt"
check "--summaries FILE older than callee.c: the report of a run without it" \
	test "$(actual "$WORK/stale3.txt")" = "$(actual "$WORK/stale2.txt")"

# A bad summaries file is an error naming it, exit 2, no report.
printf '{"vtlint_summaries": 2, "functions": [{"usr": 3}]}' >"$WORK/bad.json"
lint --summaries "$WORK/bad.json" src/a.c -- -I"$INC" >"$WORK/bad.out" 2>"$WORK/bad.err"
check "malformed summaries: exit 2" test $? -eq 2
check "malformed summaries: the file is named" grep -q "bad.json" "$WORK/bad.err"
check "malformed summaries: no report" test ! -s "$WORK/bad.out"
head -c 30 "$WORK/sums.json" >"$WORK/cut.json"
lint --summaries "$WORK/cut.json" src/a.c -- -I"$INC" 2>"$WORK/cut.err" >/dev/null
check "truncated summaries: exit 2" test $? -eq 2
check "truncated summaries: the file is named" grep -q "cut.json.*not JSON" "$WORK/cut.err"
lint --summaries "$WORK/nowhere.json" src/a.c -- -I"$INC" 2>"$WORK/none.err" >/dev/null
check "missing summaries: exit 2" test $? -eq 2
check "missing summaries: the file is named" grep -q "nowhere.json" "$WORK/none.err"

# A chain of wrappers across 20 files settles one file per round: w1(v) inspects
# as w20 does, and consumes when w20 does.
mkdir -p "$WORK/chain"
for i in $(seq 1 20); do
	if [ "$i" -lt 20 ]; then
		printf '#include <vtask.h>\nint w%d(vtask v);\nint w%d(vtask v) { return w%d(v); }\n' $((i + 1)) "$i" $((i + 1))
	else
		printf '#include <vtask.h>\nint w20(vtask v) { return vtask_is_completed(v); }\n'
	fi >"$WORK/chain/f$i.c"
done
printf '#include <vtask.h>\nint w1(vtask v);\nvtask make(void);\nint use(void) { vtask v = make(); w1(v); return vtask_await(v, 0); }\n' >"$WORK/chain/main.c"
lint --format json "$WORK"/chain/*.c -- -I"$INC" >"$WORK/chain.json"
check "a chain of 20 files: the caller keeps v" test "$(grep -c '"rule"' "$WORK/chain.json")" -eq 0
check "a chain of 20 files: no limit" grep -q '"limits":	\[\]' "$WORK/chain.json"
sed -i 's/return vtask_is_completed(v)/return vtask_await(v, 0)/' "$WORK/chain/f20.c"
lint --format json "$WORK"/chain/*.c -- -I"$INC" >"$WORK/chain2.json"
check "a chain of 20 files ending in a consumption: v consumed twice" \
	test "$(grep -c '"VT001"' "$WORK/chain2.json")" -eq 1

# Recursion starts from "only inspects" for a vt_task * as for a vtask: a
# recursive helper that only reads the reference leaves it the caller's.
cat >"$WORK/rec_task.c" <<'C'
#include <vtask.h>
static int wait_rec(vt_task *t, int n)
{
	if (n == 0)
		return vt_task_await(t, NULL);
	return wait_rec(t, n - 1);
}
int main(void)
{
	vt_task *t = vt_task_from_result(NULL);

	return wait_rec(t, 2);
}
C
lint --format json "$WORK/rec_task.c" -- -I"$INC" >"$WORK/rec_task.json"
check "a recursive read-only vt_task * helper: VT007 in the caller" grep -q '"VT007"' "$WORK/rec_task.json"
check "a recursive read-only vt_task * helper: settled" grep -q '"limits":	\[\]' "$WORK/rec_task.json"

# The cache: entries hold exports and lookups; the run's store is kept beside them.
C=$WORK/cache
cached() { "$VTLINT" --quiet --color never --cache-dir "$C" --format json src/a.c src/b.c src/c.c src/d.c -- -I"$INC" -Iinclude; }
cold() { "$VTLINT" --quiet --color never --no-cache --format json src/a.c src/b.c src/c.c src/d.c -- -I"$INC" -Iinclude; }
cold >"$WORK/nocache.json"
cached >"$WORK/cold.json"
check "cache: a cold run is the run without the cache" cmp "$WORK/nocache.json" "$WORK/cold.json"
check "cache: the store is kept" grep -q '"c:@F@check"' "$C/summaries.json"
cached >"$WORK/warm.json"
check "cache: the warm run is byte for byte the cold run" cmp "$WORK/cold.json" "$WORK/warm.json"
e=$(grep -l '"use_finish\|src/a.c' "$C"/[0-9a-f]*.json | head -1)
sed -i 's/is consumed a second time/WAS READ FROM THE CACHE/' "$e"
cached >"$WORK/edited.json"
check "cache: a.c is answered from its entry (no parse)" grep -q "WAS READ FROM THE CACHE" "$WORK/edited.json"

# The callee's file changes: the caller's entry no longer answers.
sed -i 's/^bool check(vtask v) { return vtask_is_completed(v); }/bool check(vtask v) { return vtask_await(v, 0) == 0; }/' src/b.c
cold >"$WORK/nocache2.json"
cached >"$WORK/touched.json"
check "cache: a changed callee changes the caller's findings" cmp "$WORK/nocache2.json" "$WORK/touched.json"
check "cache: check() now consumes: a.c:10 is a second consumption" grep -q '"line":	10' "$WORK/touched.json"
check "cache: the hand-edited entry is gone" test "$(grep -c "WAS READ" "$WORK/touched.json")" -eq 0

# A recursion across files made to consume, then back: as a cold run both ways.
# d.c calls none of a.c's or b.c's functions (c.c's check2 only): its entry
# (marked) still answers.
e=$(grep -l 'src/d.c' "$C"/[0-9a-f]*.json | head -1)
sed -i 's/is consumed a second time/KEPT FROM THE CACHE/' "$e"
sed -i 's/^\t\treturn vtask_is_completed(v);$/\t\treturn vtask_await(v, 0) == 0;/' src/b.c
cold >"$WORK/nocache3.json"
cached >"$WORK/rec.json"
check "cache: a file the edit does not reach is not analysed again" grep -q "KEPT FROM THE CACHE" "$WORK/rec.json"
rm -f "$e"
cached >"$WORK/rec.json"
check "cache: a recursion that consumes now" cmp "$WORK/nocache3.json" "$WORK/rec.json"
sed -i 's/^\t\treturn vtask_await(v, 0) == 0;$/\t\treturn vtask_is_completed(v);/' src/b.c
cached >"$WORK/rec2.json"
check "cache: and inspects again" cmp "$WORK/nocache2.json" "$WORK/rec2.json"

# A corrupt store is ignored.
head -c 50 "$C/summaries.json" >"$WORK/cut"; cp "$WORK/cut" "$C/summaries.json"
cached >"$WORK/corrupt.json"
check "cache: a corrupt store is ignored" cmp "$WORK/nocache2.json" "$WORK/corrupt.json"
check "cache: and rewritten" grep -q '"c:@F@check"' "$C/summaries.json"

# One file built twice with other flags (two entries): named, it is analysed
# with each as --all does, and its helper, whose two bodies differ, is unseen
# to the other files whichever entry comes first.
T=$WORK/twice; mkdir -p "$T"
cat >"$T/t.h" <<'C'
#include <vtask.h>
void proc(vtask *p);
C
cat >"$T/a.c" <<'C'
#include <stddef.h>
#include "t.h"
int use_proc(void)
{
	vtask v = vtask_from_result(NULL);

	proc(&v);
	return vtask_await(v, NULL);
}
C
cat >"$T/b.c" <<'C'
#include <stddef.h>
#include "t.h"
void proc(vtask *p)
{
#ifdef EAT
	vtask_await(*p, NULL);
#else
	(void)p;
#endif
}
int twice(void)
{
	vtask v = vtask_from_result(NULL);
#ifdef EAT
	vtask_await(v, NULL);
	vtask_await(v, NULL);
#endif
	return 0;
}
C
twice_db() { # twice_db FLAGS-OF-FIRST-b.c FLAGS-OF-SECOND-b.c
	printf '[{"directory":"%s","file":"b.c","command":"cc -I%s %s -c b.c"},\n' "$T" "$INC" "$1"
	printf ' {"directory":"%s","file":"a.c","command":"cc -I%s -c a.c"},\n' "$T" "$INC"
	printf ' {"directory":"%s","file":"b.c","command":"cc -I%s %s -c b.c"}]\n' "$T" "$INC" "$2"
}
for order in "-DEAT|" "|-DEAT"; do
	twice_db "${order%|*}" "${order#*|}" >"$T/compile_commands.json"
	(cd "$T" && lint -p . --all) | actual /dev/stdin >"$WORK/twice_all.txt"
	(cd "$T" && lint -p . b.c) | actual /dev/stdin >"$WORK/twice_b.txt"
	(cd "$T" && lint -p . a.c) | actual /dev/stdin >"$WORK/twice_a.txt"
	check "b.c twice ($order): --all finds the -DEAT entry's VT001 and the other's VT005" \
		test "$(cat "$WORK/twice_all.txt")" = "$(printf 'b.c:13:VT005\nb.c:16:VT001')"
	check "b.c twice ($order): named, the same" cmp "$WORK/twice_all.txt" "$WORK/twice_b.txt"
	check "b.c twice ($order): proc has two bodies, unseen to a.c" test ! -s "$WORK/twice_a.txt"
done

echo "xfile: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
