#!/usr/bin/env bash
# Make sure `west` finds a workspace in which this repository's extension commands run.
#
# With network, users make a real T2 workspace (west init -m URL && west update) and this
# script leaves it alone. Offline, Zephyr cannot be cloned, and every west command would fail
# on the manifest's `import:` of zephyr; so we make a workspace rooted at this repository with
# manifest.project-filter hiding zephyr (see README, "Offline workspace").
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
west="$1"
cd "$repo"
if topdir=$("$west" topdir 2>/dev/null); then
	echo "==> west: workspace at $topdir"
	exit 0
fi
mkdir -p .west
cat >.west/config <<CFG
# Offline workspace made by scripts/setup/west-workspace.sh: runs this repository's west
# commands without Zephyr. For a real build, use a workspace made with west init -m.
[manifest]
path = .
file = west.yml
project-filter = -zephyr
CFG
"$west" list >/dev/null
echo "==> west: offline workspace at $repo (zephyr filtered out)"
