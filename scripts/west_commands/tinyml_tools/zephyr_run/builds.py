"""West builds of the application and the test suites against the workspace."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import TinymlError
from ..paths import BUILD_DIR, REPO_ROOT
from .workspace import Workspace

ZEPHYR_BUILD = Path(os.environ.get("TINYML_ZEPHYR_BUILD_DIR", BUILD_DIR / "zephyr"))
KNOCK_RECORDING = "models/knock/golden/heldout_00.npz"
ZEPHYR_RELEASE = "v4.1.0"  # the release west.yml pins


@dataclass(frozen=True)
class AppBuild:
    name: str  # build folder under build/zephyr
    board: str
    cmake_args: tuple[str, ...] = ()
    sysbuild: bool = False

    @property
    def build_dir(self) -> Path:
        return ZEPHYR_BUILD / self.name

    @property
    def app_dir(self) -> Path:
        """The application's build folder (sysbuild nests it under the app's name)."""
        return self.build_dir / "app" if self.sysbuild else self.build_dir

    @property
    def elf(self) -> Path:
        return self.app_dir / "zephyr" / "zephyr.elf"

    def config(self) -> dict[str, str]:
        """The build's final Kconfig values (zephyr/.config)."""
        values: dict[str, str] = {}
        for line in (self.app_dir / "zephyr" / ".config").read_text().splitlines():
            if line.startswith("CONFIG_") and "=" in line:
                key, _, value = line.partition("=")
                values[key] = value.strip('"')
        return values


def common_args(sysbuild: bool = False) -> tuple[str, ...]:
    """Every build: this repository as a module, warnings as errors, the release named for the
    banner (the workspace is plain folders, not a git clone). Sysbuild takes the warnings option
    as its own SB_CONFIG_ and hands BUILD_VERSION to each image by name."""
    if sysbuild:
        return (
            f"-DZEPHYR_EXTRA_MODULES={REPO_ROOT}",
            "-DSB_CONFIG_COMPILER_WARNINGS_AS_ERRORS=y",
            f"-Dapp_BUILD_VERSION={ZEPHYR_RELEASE}",
            f"-Dmcuboot_BUILD_VERSION={ZEPHYR_RELEASE}",
        )
    return (
        f"-DZEPHYR_EXTRA_MODULES={REPO_ROOT}",
        "-DCONFIG_COMPILER_WARNINGS_AS_ERRORS=y",
        f"-DBUILD_VERSION={ZEPHYR_RELEASE}",
    )


EMULATED_ARGS = (
    f'-DCONFIG_TINYML_APP_CANNED_RECORDING="{KNOCK_RECORDING}"',
    "-DCONFIG_TINYML_APP_CAPTURE_CANNED=y",
)

PRELOADED_FLASH = REPO_ROOT / "zephyr-config" / "mps2_an386_preloaded_flash.overlay"
MPS2 = AppBuild(
    "mps2_an386",
    "mps2/an386",
    (*EMULATED_ARGS, f"-DEXTRA_DTC_OVERLAY_FILE={PRELOADED_FLASH}"),
)
# native_sim also carries the field loop (recording mode, SMP group 72 on the shell): a test
# image, never a release one (zephyr-config/field.conf).
FIELD_CONF = REPO_ROOT / "zephyr-config" / "field.conf"
NATIVE_SIM = AppBuild(
    "native_sim", "native_sim", (*EMULATED_ARGS, f"-DEXTRA_CONF_FILE={FIELD_CONF}")
)
NRF52840_SYSBUILD = AppBuild(
    "nrf52840dk_sysbuild",
    "nrf52840dk/nrf52840",
    ("-DEXTRA_CONF_FILE=../zephyr-config/mcuboot.conf",),
    sysbuild=True,
)


STALE_CONFIG = re.compile(r"outside the active range|Aborting due to Kconfig warnings")


def run(argv: Sequence[str], ws: Workspace, log: Path, what: str) -> None:
    """Run @p argv in the workspace, output to @p log; an error naming the log on failure."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        out.write(" ".join(argv) + "\n")
        out.flush()
        rc = subprocess.run(
            list(argv), cwd=ws.root, env=ws.env(), stdout=out, stderr=subprocess.STDOUT
        ).returncode
    if rc != 0:
        tail = log.read_text(errors="replace").splitlines()[-15:]
        raise TinymlError(f"{what} failed (exit {rc}); log {log}:\n  " + "\n  ".join(tail))


def west_build(build: AppBuild, ws: Workspace, jobs: int) -> Path:
    """Build incrementally (cmake re-runs when an argument changed); the log's path."""
    # --cmake: configure every time, so new board .conf/.overlay files are found.
    argv = [str(ws.west), "build", "--cmake", "-b", build.board, "-d", str(build.build_dir)]
    argv.append(f"-o=-j{jobs}")
    argv += ["--sysbuild"] if build.sysbuild else ["--no-sysbuild"]
    argv += [str(REPO_ROOT / "app"), "--", *common_args(build.sysbuild), *build.cmake_args]
    log = build.build_dir.with_suffix(".log")
    try:
        run(argv, ws, log, f"west build {build.board}")
    except TinymlError:
        if not STALE_CONFIG.search(log.read_text(errors="replace")):
            raise
        # A build folder configured by an older tree can hold Kconfig values the new tree's
        # ranges refuse: configure it afresh once (ccache keeps the rebuild short).
        run([*argv[:2], "--pristine", "always", *argv[2:]], ws, log, f"west build {build.board}")
    if not build.elf.is_file():
        raise TinymlError(f"west build {build.board}: no {build.elf}")
    return log
