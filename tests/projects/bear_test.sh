#!/bin/sh
# bear_test.sh VTLINT SRCDIR WORKDIR: a plain Makefile project built with gcc,
# -Wall -Werror and gcc-only options, its compile_commands.json made by bear
# (assembly, a file compiled twice, a preprocessing step), then vtlint
# -p . --all on it, as a team's first CI run would do.
. "$(dirname "$0")/lib.sh"
need bear; need gcc; need make
P=$WORK/proj; mkdir -p "$P/src" "$P/include"
cp "$INC/vtask.h" "$P/include/"
cp "$SRC/examples/worker.c" "$P/src/worker.c"
cat >"$P/src/unused.c" <<'C'
#include <vtask.h>
vtask fetch(void);
int f(void)
{
	vtask v = fetch();
	return 0;
}
C
cat >"$P/src/twice.c" <<'C'
#include <vtask.h>
vtask fetch(void);
int g(void) { vtask v = fetch(); vtask_await(v, 0); return vtask_await(v, 0); }
C
cat >"$P/src/start.S" <<'S'
	.globl start_here
start_here:
	ret
S
cat >"$P/Makefile" <<'M'
CFLAGS = -Iinclude -O2 -Wall -Wextra -Werror -Werror=unused-variable -pedantic-errors \
	-fanalyzer -fipa-pta -mindirect-branch=thunk -fconserve-stack
OBJS = src/worker.o src/unused.o src/twice.o src/start.o
all: $(OBJS) shared/twice.o shared/twice_pic.o src/twice.i
shared/twice.o: src/twice.c
	mkdir -p shared && $(CC) $(CFLAGS) -c -o $@ src/twice.c
shared/twice_pic.o: src/twice.c
	mkdir -p shared && $(CC) $(CFLAGS) -fPIC -DTWICE_EXPORTS -c -o $@ src/twice.c
src/twice.i: src/twice.c
	$(CC) $(CFLAGS) -E -o $@ src/twice.c
M
# -Werror makes gcc itself stop on the unused vtask: the build fails, as
# it would with this code; bear records every command all the same.
(cd "$P" && bear -- make -k CC=gcc >"$WORK/build.log" 2>&1)
check "bear wrote a database" test -s "$P/compile_commands.json"
check "gcc knew the options (the build got to the compiler)" grep -q "unused variable" "$WORK/build.log"

(cd "$P" && "$VTLINT" -p . --all -j2 >"$WORK/out" 2>"$WORK/err"); rc=$?
out=$(cat "$WORK/out"); err=$(cat "$WORK/err")
check "exit 1: findings, no error" test $rc -eq 1
check "no error at all" test "$(count "$err" 'error')" -eq 0
check "-Werror does not hide VT005 (unused vtask)" has "$out" "^src/unused.c:5:[0-9]*: warning: .*\[VT005\]"
check "the bundled example worker.c is analysed" test "$(count "$out" '^src/worker.c')" -ge 1
check "a file compiled three times (twice with other flags) is reported once" test "$(count "$out" '^src/twice.c:3:.*\[VT001\]')" -eq 1
check "the .S file is not parsed as C" test "$(count "$out$err" 'start.S')" -eq 0
for o in -fanalyzer -fipa-pta -mindirect-branch=thunk -fconserve-stack; do
	check "one note for $o" test "$(count "$err" "note: dropped '$o'")" -eq 1
done
check "notes name the database" has "$err" "compile_commands.json: note: dropped '-fipa-pta'"
check "summary: each file once" has "$err" "in 3 files"

# bear also records a compiler's internal steps when clang is the compiler.
entry="{ \"directory\": \"$P\", \"file\": \"src/twice.c\", \"arguments\": [\"/usr/lib/llvm-19/bin/clang\", \"-cc1\", \"-triple\", \"x86_64-pc-linux-gnu\", \"-Eonly\", \"-Iinclude\", \"src/twice.c\"] }"
sed -i "\$ s|]\$|, $entry ]|" "$P/compile_commands.json"
check "the -cc1 entry was added" grep -q -- '-Eonly' "$P/compile_commands.json"
(cd "$P" && "$VTLINT" -p . --all -j2 >"$WORK/out" 2>"$WORK/err"); rc=$?
err=$(cat "$WORK/err")
check "clang -cc1 -Eonly entries are skipped" test $rc -eq 1 -a "$(count "$err" 'error')" -eq 0
finish
