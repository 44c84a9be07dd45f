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
