#!/usr/bin/env bash
# Install the Debian/Ubuntu packages named in scripts/apt-packages.txt that are missing.
# Quiet and instant when everything is there; fails naming the packages it could not install.
set -euo pipefail
list="$(dirname "$0")/../apt-packages.txt"
mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$list")
missing=()
for pkg in "${wanted[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = "installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "==> apt: all ${#wanted[@]} packages present"
	exit 0
fi
echo "==> apt: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then
		sudo="sudo"
	else
		echo "error: not root and no sudo; install these packages: ${missing[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/tinyml-apt.log 2>&1; then
	tail -20 /tmp/tinyml-apt.log >&2
	echo "error: apt-get could not install: ${missing[*]} (log: /tmp/tinyml-apt.log)" >&2
	exit 1
fi
echo "==> apt: done"
