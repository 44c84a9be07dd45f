# Sourced by the recipe tests: a project with a compile database in WORK,
# `vtlint` first in PATH, and recipe NAME printing docs/editors.md's block
# that follows its "<!-- recipe: NAME" marker.
set -u
VTLINT=$1 SRC=$2 WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK/bin" "$WORK/proj/src" "$WORK/proj/build"
ln -s "$VTLINT" "$WORK/bin/vtlint"
PATH=$WORK/bin:$PATH; export PATH
P=$WORK/proj
cat >"$P/src/app.c" <<'C'
#include <vtask.h>
#ifndef FROM_DB
#error "the flags must come from compile_commands.json"
#endif
vtask fetch(int key);
int handler(int key)
{
	vtask v = fetch(key);
	vtask_await(v, 0);
	return vtask_await(v, 0);
}
C
cat >"$P/build/compile_commands.json" <<J
[{"directory": "$P", "file": "src/app.c",
  "arguments": ["cc", "-DFROM_DB", "-I$SRC/runtime/include", "-c", "src/app.c"]}]
J
recipe() {
	awk -v name="$1" 'index($0, "<!-- recipe: " name) == 1 { on = 1; next }
		on && /^```/ { if (inside) exit; inside = 1; next }
		inside { print }' "$SRC/docs/editors.md"
}
