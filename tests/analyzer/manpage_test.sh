#!/bin/sh
# manpage_test.sh VTLINT MANPAGE: every option `vtlint --help` prints is
# documented in the man page, and the man page documents no option that
# vtlint does not accept.
set -u
VTLINT=$1 MAN=$2
fails=0
help=$("$VTLINT" --help) || { echo "FAIL: --help exits non-zero" >&2; exit 1; }
opts=$(printf '%s\n' "$help" | grep -oE '(^|[ ,])--?[a-z][a-z-]*' | sed 's/^[ ,]//' | sort -u)
test -n "$opts" || { echo "FAIL: no option found in --help" >&2; exit 1; }
# roff writes a dash as \-
roff=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN")
for o in $opts; do
	if ! printf '%s\n' "$roff" | grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)"; then
		echo "FAIL: $o is in --help but not in the man page" >&2
		fails=$((fails + 1))
	fi
done
for o in $(printf '%s\n' "$roff" | grep -E '^\.(TP|B|BR|BI)' -A1 | grep -oE '(^|[ ,"])--[a-z][a-z-]*' | sed 's/^[ ,"]//' | sort -u); do
	if ! printf '%s\n' "$help" | grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)"; then
		echo "FAIL: the man page documents $o, which --help does not print" >&2
		fails=$((fails + 1))
	fi
done
for word in NO_COLOR GITHUB_WORKSPACE; do
	printf '%s\n' "$roff" | grep -q "$word" || { echo "FAIL: $word not in the man page" >&2; fails=$((fails + 1)); }
done
echo "manpage: $(printf '%s\n' "$opts" | wc -l) options of --help checked, $fails failed"
test $fails -eq 0
