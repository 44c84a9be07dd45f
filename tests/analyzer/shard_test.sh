#!/bin/sh
# shard_test.sh VTLINT SRCDIR WORKDIR: --shard K/N splits the files of a run,
# and `vtlint merge` of the shards' JSON or SARIF reports is byte for byte
# the unsharded report; shards stay put when files are added.
set -u
VTLINT=$1 SRC=$2 WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"
fails=0 passes=0
check() { name=$1; shift; if "$@"; then passes=$((passes + 1)); else fails=$((fails + 1)); echo "FAIL: $name" >&2; fi; }

# A project of files with findings and clean ones, in folders (a folder's files are in path order).
P=$WORK/proj; mkdir -p "$P/src/a" "$P/src/b"
i=0
for f in "$SRC"/examples/*.c "$SRC"/fixtures/vt00*/*.c; do
	i=$((i + 1)); d=a; [ $((i % 2)) -eq 0 ] && d=b
	cp "$f" "$P/src/$d/$(printf '%02d' $i)_$(basename "$f")"
done
# A function past the path budget: its note (SARIF) or limit (JSON) merges too.
cp "$(dirname "$0")/data/many_paths.c" "$P/src/a/00_many_paths.c"
INC="-I$SRC/runtime/include"
lint() { "$VTLINT" --quiet -j2 --srcroot "$P" "$@" -- $INC; }

for fmt in json sarif; do
	lint --format "$fmt" -o "$WORK/all.$fmt" "$P/src"
	check "$fmt: the unsharded run finds something" grep -q VT001 "$WORK/all.$fmt"
	for k in 1 2 3; do
		lint --format "$fmt" --shard "$k/3" -o "$WORK/s$k.$fmt" "$P/src"
	done
	"$VTLINT" merge --format "$fmt" -o "$WORK/merged.$fmt" "$WORK"/s1."$fmt" "$WORK"/s2."$fmt" "$WORK"/s3."$fmt"
	check "$fmt: merge exits 0" test $? -eq 0
	check "$fmt: merged shards equal the unsharded report" cmp "$WORK/all.$fmt" "$WORK/merged.$fmt"
	"$VTLINT" merge "$WORK"/s3."$fmt" "$WORK"/s1."$fmt" "$WORK"/s2."$fmt" >"$WORK/any.$fmt"
	check "$fmt: in any order" cmp "$WORK/all.$fmt" "$WORK/any.$fmt"
	check "$fmt: every shard has work" test "$(grep -l '"VT00' "$WORK"/s[123]."$fmt" | wc -l)" -ge 2
done

# Files named out of path order (a database's order, a shell's list): each
# shard's report follows the files' order, and merge puts them in a report's
# order (by file, line, column, rule), the unsharded path-order run's.
rev=$(ls "$P"/src/a/*.c "$P"/src/b/*.c | sort -r)
for fmt in json sarif; do
	for k in 1 2 3; do
		lint --format "$fmt" --shard "$k/3" -o "$WORK/r$k.$fmt" $rev
	done
	"$VTLINT" merge -o "$WORK/rmerged.$fmt" "$WORK"/r2."$fmt" "$WORK"/r3."$fmt" "$WORK"/r1."$fmt"
	check "$fmt: shards of files named out of order merge to the path-order report" \
		cmp "$WORK/all.$fmt" "$WORK/rmerged.$fmt"
	lint --format "$fmt" -o "$WORK/rall.$fmt" $rev
	check "$fmt: an unsharded run orders its report by file whatever the files' order" \
		cmp "$WORK/all.$fmt" "$WORK/rall.$fmt"
done

# A header's findings from two units in two shards: a.c (shard 1 of 2) sees
# only late() at h.h:13, b.c (shard 2) only early() at h.h:6.  Merged in
# either order: h.h:6 first, then h.h:13.
H=$WORK/hdr; mkdir -p "$H/src"
cat >"$H/src/h.h" <<'EOF'
#include <vtask.h>
#ifdef WANT_EARLY
static inline int early(vtask v)
{
	vtask_await(v, NULL);
	return vtask_await(v, NULL);
}
#endif
#ifdef WANT_LATE
static inline int late(vtask v)
{
	vtask_await(v, NULL);
	return vtask_await(v, NULL);
}
#endif
EOF
printf '#define WANT_LATE\n#include "h.h"\nint a(vtask v) { return late(v); }\n' >"$H/src/a.c"
printf '#define WANT_EARLY\n#include "h.h"\nint b(vtask v) { return early(v); }\n' >"$H/src/b.c"
hlint() { "$VTLINT" --quiet --srcroot "$H" "$@" "$H/src/a.c" "$H/src/b.c" -- $INC; }
# lines FILE PATTERN: the numbers on its lines matching PATTERN (cJSON indents a
# diagnostic's keys by 3 tabs in JSON; in SARIF, a result's region and its
# related location's (the note: 5, 12) by 9)
lines() { grep "$2" "$1" | tr -dc '0-9\n' | tr '\n' ' '; }
for fmt in json sarif; do
	hlint --format "$fmt" --shard 1/2 -o "$WORK/h1.$fmt"
	hlint --format "$fmt" --shard 2/2 -o "$WORK/h2.$fmt"
	check "$fmt: each shard has one unit's header finding" \
		test "$(grep -c '"VT001"' "$WORK/h1.$fmt")" -ge 1 -a "$(grep -c '"VT001"' "$WORK/h2.$fmt")" -ge 1
	"$VTLINT" merge -o "$WORK/h12.$fmt" "$WORK/h1.$fmt" "$WORK/h2.$fmt"
	"$VTLINT" merge -o "$WORK/h21.$fmt" "$WORK/h2.$fmt" "$WORK/h1.$fmt"
	check "$fmt: a header's findings merge the same in any order" cmp "$WORK/h12.$fmt" "$WORK/h21.$fmt"
	hlint --format "$fmt" -o "$WORK/hall.$fmt"
	check "$fmt: an unsharded run orders a header's findings by line" \
		cmp "$WORK/hall.$fmt" "$WORK/h12.$fmt"
done
tab=$(printf '\t')
check "json: merged by line" test "$(lines "$WORK/h12.json" "^$tab$tab$tab\"line\"")" = "6 13 "
check "sarif: merged by line" \
	test "$(lines "$WORK/h12.sarif" "^$tab$tab$tab$tab$tab$tab$tab$tab$tab\"startLine\"")" = "6 5 13 12 "

# Shards are a hash of the path in the source root: a new file moves no other file.
files() { grep '"file"' "$1" | grep -v new_ | sort -u; }
lint --format json --shard 2/3 -o "$WORK/before.json" "$P/src"
cp "$SRC/examples/cache.c" "$P/src/a/new_file.c"
lint --format json --shard 2/3 -o "$WORK/after.json" "$P/src"
check "a new file leaves the other files in their shards" test "$(files "$WORK/before.json")" = "$(files "$WORK/after.json")"

# Bad input: a clear word naming the report, exit 2.
echo '{ not json' >"$WORK/bad.json"
"$VTLINT" merge "$WORK/s1.json" "$WORK/bad.json" >/dev/null 2>"$WORK/err"
check "a broken report is exit 2" test $? -eq 2
check "naming the report" grep -q "bad.json: not JSON" "$WORK/err"
"$VTLINT" merge "$WORK/s1.json" "$WORK/s1.sarif" >/dev/null 2>"$WORK/err"
check "formats are not mixed" test $? -eq 2
"$VTLINT" --shard 4/3 x.c 2>"$WORK/err"
check "--shard 4/3 is a usage error" test $? -eq 2
check "saying what --shard takes" grep -q "K/N" "$WORK/err"

echo "shard: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
