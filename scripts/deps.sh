#!/bin/sh
# Installs what vtlint and libvtask need on Debian, so that `make run` and
# `make test` work on a fresh machine.  As root it installs; otherwise it
# prints the exact command and fails, rather than half-building.
set -eu

pkgs="cmake make gcc pkg-config libclang-19-dev clang-19 libcjson-dev check valgrind"
# --tests: what the tests need beyond the build: node and npm (the SARIF
# Multitool validates vtlint's SARIF), Neovim and Emacs 28 with eglot (the
# editor recipes of docs/editors.md), bear and make (a gcc project's
# compile_commands.json), git (source roots of the project tests), python3
# (the differential tester), cvise (it reduces what that finds) and
# libboost-context-dev (Boost.Context's jump_fcontext, the floor bench/runtime
# measures the context switch against); libclang-rt-19-dev: libFuzzer and the
# sanitizers for clang-19 (tests/fuzz).  --bench: those, and clang-tidy-19, the
# peer bench/analyzer/real.sh measures vtlint against.
tests="nodejs npm neovim emacs-nox elpa-eglot bear git python3 cvise libboost-context-dev libclang-rt-19-dev"
case "${1:-}" in
--tests) pkgs="$pkgs $tests" ;;
--bench) pkgs="$pkgs $tests clang-tidy-19" ;;
esac

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		# node and npm may come from outside Debian (nodesource): accept the binaries.
		case "$p" in nodejs|npm) command -v "${p%js}" >/dev/null 2>&1 && continue ;; esac
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing:$missing (install them with your package manager)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages. Run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends$missing >/dev/null
