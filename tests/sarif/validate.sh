#!/bin/sh
# validate.sh VTLINT CHECK_SARIF RUNTIME_INCLUDE DATA_DIR WORK_DIR MULTITOOL_DIR
#
# Runs `vtlint --format sarif` as CI would (findings, a file that does not
# parse, absolute paths outside the source root, --show-suppressed) and
# checks each report twice: with the SARIF Multitool under
# --rule-kind "Sarif;Ghas" (GitHub's own rules too), where any error fails,
# and with check_sarif for the fields cli.md promises.  The Multitool exits
# 0 even when it reports errors, so its log and its output are read instead.
# Fails when the Multitool cannot be had: a skipped validation hides broken SARIF.
set -u

# absolute paths: the cases below run from other directories
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
vtlint=$(abs "$1") check=$(abs "$2") inc=$(abs "$3") data=$(abs "$4") work=$(abs "$5")
mtdir=$(abs "$6")
here=$(cd "$(dirname "$0")" && pwd)
failed=0

mt=$(sh "$here/install_multitool.sh" "$mtdir") || exit $?
# a self-contained .NET binary: no libicu needed on a bare machine
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

rm -rf "$work" && mkdir -p "$work" || exit 1

bad() {
	echo "FAIL: $*" >&2
	failed=1
}

# sarif NAME WANT-STATUS CHECK-OPTIONS -- VTLINT-ARGS...: from the current directory,
# which is the source root (check_sarif opens relative URIs from there)
sarif() {
	name=$1 want=$2 opts=$3
	shift 4
	"$vtlint" --quiet --srcroot "$PWD" --format sarif -o "$work/$name.sarif" "$@" \
		2>"$work/$name.stderr"
	status=$?
	[ "$status" = "$want" ] || bad "$name: vtlint exited $status, not $want"
	[ -s "$work/$name.sarif" ] || { bad "$name: no report"; return; }
	"$check" report "$work/$name.sarif" $opts || bad "$name: check_sarif"

	"$mt" validate --rule-kind "Sarif;Ghas" "$work/$name.sarif" \
		-o "$work/$name.validation.sarif" >"$work/$name.validation.log" 2>&1
	if [ ! -s "$work/$name.validation.sarif" ]; then
		cat "$work/$name.validation.log" >&2
		bad "$name: the Multitool wrote no log"
		return
	fi
	# its console lines read "FILE(LINE,COL): error RULE: ..."
	if grep -E ': error [A-Z]+[0-9]*' "$work/$name.validation.log" >&2; then
		bad "$name: the Multitool reports errors"
	fi
	"$check" validation "$work/$name.validation.sarif" || bad "$name: Multitool log has errors"
	echo "$name: $(grep -cE ': (warning|note) ' "$work/$name.validation.log") Multitool" \
		"warnings, no error"
}

cd "$data" || exit 1
# Files named relative to the current directory: URIs relative to %SRCROOT%.
sarif findings 1 "--flows" -- mixed.c double.c -- -I"$inc"
# A unit that does not parse: executionSuccessful false, its errors notified.
sarif broken 2 "--failed" -- broken.c -- -I"$inc"
sarif mixed_broken 2 "--failed --flows" -- mixed.c double.c broken.c -- -I"$inc"
sarif suppressed 1 "--suppressed" -- --show-suppressed nolint.c -- -I"$inc"

# From elsewhere: files outside the source root are absolute file:// URIs.
mkdir -p "$work/elsewhere" && cd "$work/elsewhere" || exit 1
sarif outside 1 "--flows" -- "$data/mixed.c" -- -I"$inc"
if ! grep -q '"uri":[[:space:]]*"file:///' "$work/outside.sarif"; then
	bad "outside: files outside the source root are not file:// URIs"
fi

# The harness itself: a report without a ruleId must be caught, or this test proves nothing.
sed '/"ruleId":/d' "$work/findings.sarif" >"$work/control.sarif"
"$mt" validate --rule-kind "Sarif;Ghas" "$work/control.sarif" -o "$work/control.validation.sarif" \
	>"$work/control.validation.log" 2>&1
if "$check" validation "$work/control.validation.sarif" 2>/dev/null ||
	! grep -q ': error ' "$work/control.validation.log"; then
	bad "control: the Multitool or check_sarif let a result without ruleId pass"
fi

[ "$failed" = 0 ] && echo "sarif.validate: all reports valid" && exit 0
exit 1
