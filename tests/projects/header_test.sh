#!/bin/sh
# header_test.sh VTLINT SRCDIR WORKDIR: a faulty static inline helper in a
# project header, included by three files, is reported once, at the header;
# the same in a header outside the source root is not, unless
# --header-filter says so.
. "$(dirname "$0")/lib.sh"
need git
unset GITHUB_WORKSPACE
P=$WORK/proj; mkdir -p "$P/src" "$P/include" "$P/build"
cp "$INC/vtask.h" "$P/include/"
cat >"$P/include/helpers.h" <<'C'
#include <vtask.h>
vtask fetch(void);
static inline int fetch_twice(void)
{
	vtask v = fetch();
	vtask_await(v, 0);
	return vtask_await(v, 0);
}
C
for f in a b c; do
	printf '#include "helpers.h"\nint use_%s(void) { return fetch_twice(); }\n' $f >"$P/src/$f.c"
done
cat >"$P/build/compile_commands.json" <<J
[ { "directory": "$P", "file": "src/a.c", "command": "cc -Iinclude -c src/a.c" },
  { "directory": "$P", "file": "src/b.c", "command": "cc -Iinclude -c src/b.c" },
  { "directory": "$P", "file": "src/c.c", "command": "cc -Iinclude -c src/c.c" } ]
J
git init -q "$P"
cd "$P"
run -p build --all
check "the header's finding: exit 1" test $rc -eq 1
check "reported once, at the header" test "$(count "$out" '^include/helpers.h:7:[0-9]*: warning: .*\[VT001\]')" -eq 1
check "nothing else reported" test "$(count "$out" 'warning:')" -eq 1
run src/a.c src/b.c src/c.c --format json
check "JSON: once" test "$(count "$out" '"rule"')" -eq 1
run --header-filter 'nomatch' -p build --all
check "--header-filter that does not match: no finding" test $rc -eq 0

# A NOLINT comment in the header silences it, for every file that includes it.
sed -i 's|return vtask_await(v, 0);|return vtask_await(v, 0); // NOLINT(VT001)|' include/helpers.h
run -p build --all
check "NOLINT in the header" test $rc -eq 0 -a -z "$out"
run --show-suppressed --format json -p build --all
check "--show-suppressed keeps it once, marked" test "$(count "$out" '"suppressed":[[:space:]]*true')" -eq 1
sed -i 's| // NOLINT(VT001)||' include/helpers.h

# A header outside the source root (a vendored SDK): silent by default.
O=$WORK/sdk; mkdir -p "$O"
mv "$P/include/helpers.h" "$O/"
sed -i "s|-Iinclude|-Iinclude -I$O|" build/compile_commands.json
run -p build --all
check "header outside the source root: not reported" test $rc -eq 0
run --header-filter 'sdk/' -p build --all
check "--header-filter REGEX reports it, once" test "$(count "$out" 'helpers.h:7:[0-9]*: warning: .*\[VT001\]')" -eq 1
finish
