#!/usr/bin/env bash
# Lay out the Zephyr v4.1.0 west workspace that `make zephyr` builds against, outside this
# repository. See docs/zephyr-workspace.md for where the two snapshots come from.
#
#   ZEPHYR_WORKSPACE=~/zephyr-ws \
#   ZEPHYR_SNAPSHOT_GITDIR=<bare git dir of the workspace snapshot> \
#   TFLM_SNAPSHOT_GITDIR=<bare git dir of zephyrproject-rtos/tflite-micro> \
#   scripts/zephyr/prepare-workspace.sh
#
# Idempotent: a second run only re-checks. Nothing it writes belongs in this repository.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
WS=${ZEPHYR_WORKSPACE:-$HOME/zephyr-ws}
WS_COMMIT=${ZEPHYR_SNAPSHOT_COMMIT:-9a73ccfc54901f484ae6d4c15bf5f63f2b954471}
TFLM_REV=${TFLM_SNAPSHOT_REV:-zephyr-v4.1.0}
CMSISDSP_SDIST=cmsisdsp==1.10.3

die() { echo "prepare-workspace: $*" >&2; exit 1; }

if [[ ! -f $WS/zephyr/VERSION ]]; then
	[[ -n ${ZEPHYR_SNAPSHOT_GITDIR:-} ]] ||
		die "$WS has no zephyr/VERSION; set ZEPHYR_SNAPSHOT_GITDIR to the workspace snapshot"
	echo "==> exporting the Zephyr workspace $WS_COMMIT into $WS"
	mkdir -p "$WS"
	"$here/export_tree.py" "$ZEPHYR_SNAPSHOT_GITDIR" "$WS_COMMIT" "$WS" "$WS/.missing"
fi
grep -q 'VERSION_MINOR = 1$' "$WS/zephyr/VERSION" && grep -q 'VERSION_MAJOR = 4$' "$WS/zephyr/VERSION" ||
	die "$WS/zephyr is not Zephyr v4.1"

TFLM=$WS/optional/modules/lib/tflite-micro
if [[ ! -f $TFLM/zephyr/module.yml ]]; then
	[[ -n ${TFLM_SNAPSHOT_GITDIR:-} ]] ||
		die "$TFLM is missing; set TFLM_SNAPSHOT_GITDIR to the tflite-micro snapshot"
	echo "==> exporting tflite-micro $TFLM_REV into $TFLM"
	mkdir -p "$TFLM"
	"$here/export_tree.py" "$TFLM_SNAPSHOT_GITDIR" "$TFLM_REV" "$TFLM" "$WS/.missing-tflm"
fi

echo "==> undoing the snapshot's vendor port (SA6920) where it leaks into every build"
sed -i '/^add_subdirectory(osal)$/d; /^add_subdirectory(oswl)$/d' "$WS/zephyr/drivers/CMakeLists.txt"
for kconfig in clock_control/Kconfig.sa6920 pinctrl/Kconfig.sa6920; do
	[[ -f $WS/zephyr/drivers/$kconfig ]] && sed -i 's/^\tdefault y$/\tdefault n/' "$WS/zephyr/drivers/$kconfig"
done
sysbuild_kconfig=$WS/zephyr/share/sysbuild/build/Kconfig
if [[ ! -f $sysbuild_kconfig ]]; then
	mkdir -p "$(dirname "$sysbuild_kconfig")"
	cat >"$sysbuild_kconfig" <<'KCONFIG'
# Absent from the snapshot; v4.1's sysbuild reads only this symbol of it.
config COMPILER_WARNINGS_AS_ERRORS
	bool "Treat warnings as errors in every image"
KCONFIG
fi
cat >"$WS/zephyr/samples/hello_world/src/main.c" <<'HELLO'
#include <stdio.h>

int main(void)
{
	printf("Hello World! %s\n", CONFIG_BOARD_TARGET);
	return 0;
}
HELLO

tables=$WS/modules/lib/cmsis-dsp/Source/CommonTables/arm_common_tables.c
if [[ ! -s $tables ]]; then
	echo "==> CMSIS-DSP common tables (absent from the snapshot) from the $CMSISDSP_SDIST sdist"
	dl=$(mktemp -d)
	python3 -m pip download -q "$CMSISDSP_SDIST" --no-binary cmsisdsp --no-deps -d "$dl"
	tar xzf "$dl"/cmsisdsp-*.tar.gz -C "$dl"
	sed '/#include "arm_compiler_specific.h"/d' "$dl"/cmsisdsp-*/Source/CommonTables/arm_common_tables.c >"$tables"
	rm -rf "$dl"
fi

if [[ ! -x $WS/.venv/bin/west ]]; then
	echo "==> Python environment of the workspace in $WS/.venv"
	python3 -m venv "$WS/.venv"
	"$WS/.venv/bin/pip" install -q -r "$WS/zephyr/scripts/requirements-base.txt" \
		-r "$WS/zephyr/scripts/requirements-build-test.txt" \
		-r "$WS/zephyr/scripts/requirements-run-test.txt" \
		-r "$WS/bootloader/mcuboot/scripts/requirements.txt"
fi
# The application's build runs this repository's tools (pipeline and recording encoders), and
# sysbuild signs images with an `imgtool` it finds on PATH (the snapshot's imgtool.py is not
# executable, so CMake's find_program misses it): both at this repository's pins.
for pkg in numpy imgtool; do
	pin=$(grep -o "\"$pkg==[^\"]*\"" "$here/../../pyproject.toml" | tr -d '"')
	"$WS/.venv/bin/pip" install -q "$pin"
done
(cd "$WS" && "$WS/.venv/bin/west" config manifest.group-filter -- +optional)
echo "==> workspace ready: ZEPHYR_WORKSPACE=$WS"
