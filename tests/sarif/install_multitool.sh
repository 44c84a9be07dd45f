#!/bin/sh
# install_multitool.sh DIR: installs the SARIF Multitool (npm package
# @microsoft/sarif-multitool, a self-contained linux-x64 binary of about
# 96 MB) under DIR and prints the path of its binary.  Nothing is fetched
# when DIR already has it.  Fails when npm is not installed: `make test`
# runs scripts/deps.sh --tests, which installs nodejs and npm on Debian.
set -eu

dir=${1:?usage: install_multitool.sh DIR}
version=${SARIF_MULTITOOL_VERSION:-5.7.0}
bin=$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

if [ ! -f "$bin" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "install_multitool: npm is not installed (apt-get install nodejs npm)" >&2
		exit 1
	fi
	mkdir -p "$dir"
	# A package.json of its own keeps npm from walking up to some other project's.
	[ -f "$dir/package.json" ] || echo '{ "private": true }' >"$dir/package.json"
	# --ignore-scripts: npm would refuse the package's postinstall (chmod)
	# when run as root anyway; the chmod below does what it does.
	(cd "$dir" && npm install --no-save --no-audit --no-fund --ignore-scripts \
		--loglevel=error "@microsoft/sarif-multitool@$version") >&2
	if [ ! -f "$bin" ]; then
		echo "install_multitool: npm did not install $bin (not linux-x64?)" >&2
		exit 1
	fi
fi
[ -x "$bin" ] || chmod u+x "$bin"
echo "$bin"
