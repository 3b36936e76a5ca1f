"""The Zephyr workspace `make zephyr` builds against, and how to run west in it."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import TinymlError, ToolMissing

DOC = "docs/zephyr-workspace.md"


@dataclass(frozen=True)
class Workspace:
    root: Path  # the west workspace: zephyr/, modules/, bootloader/, optional/

    @property
    def zephyr_base(self) -> Path:
        return self.root / "zephyr"

    @property
    def west(self) -> Path:
        return self.root / ".venv" / "bin" / "west"

    @property
    def python(self) -> Path:
        return self.root / ".venv" / "bin" / "python"

    def env(self) -> dict[str, str]:
        """The environment of a west build: Debian's GNU Arm toolchain as gnuarmemb."""
        env = dict(os.environ)
        env.update(
            ZEPHYR_BASE=str(self.zephyr_base),
            ZEPHYR_TOOLCHAIN_VARIANT=env.get("ZEPHYR_TOOLCHAIN_VARIANT", "gnuarmemb"),
            GNUARMEMB_TOOLCHAIN_PATH=env.get("GNUARMEMB_TOOLCHAIN_PATH", "/usr"),
            VIRTUAL_ENV=str(self.root / ".venv"),
            PATH=f"{self.root / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        )
        env.pop("PYTHONPATH", None)  # the workspace's Python must not see this repo's venv
        return env


def find() -> Workspace:
    """ZEPHYR_WORKSPACE, else the parent of ZEPHYR_BASE; a clear error when there is none."""
    named = os.environ.get("ZEPHYR_WORKSPACE")
    if named:
        root = Path(named).expanduser()
        origin = "ZEPHYR_WORKSPACE"
    elif os.environ.get("ZEPHYR_BASE"):
        root = Path(os.environ["ZEPHYR_BASE"]).expanduser().resolve().parent
        origin = "ZEPHYR_BASE"
    else:
        raise TinymlError(
            "no Zephyr workspace: set ZEPHYR_WORKSPACE to one prepared as "
            f"{DOC} says (scripts/zephyr/prepare-workspace.sh)"
        )
    ws = Workspace(root)
    if not (ws.zephyr_base / "VERSION").is_file():
        raise TinymlError(f"{root} (from {origin}): not a Zephyr workspace, no zephyr/VERSION")
    if not ws.west.is_file():
        raise TinymlError(f"{ws.west}: missing; prepare the workspace as {DOC} says")
    tflm = root / "optional" / "modules" / "lib" / "tflite-micro" / "zephyr" / "module.yml"
    if not tflm.is_file():
        raise TinymlError(f"{tflm}: tflite-micro is missing from the workspace ({DOC})")
    return ws


def zephyr_version(ws: Workspace) -> str:
    fields = {}
    for line in (ws.zephyr_base / "VERSION").read_text().splitlines():
        key, _, value = line.partition("=")
        fields[key.strip()] = value.strip()
    return f"{fields.get('VERSION_MAJOR')}.{fields.get('VERSION_MINOR')}.{fields.get('PATCHLEVEL')}"


def need(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise ToolMissing(tool, hint)
    return path
