"""Build the memreport test images from this folder's sources into a temporary folder.

Each variant is a link of ml_image.c + edge.S with edge.ld; what ld printed for
--print-memory-usage is kept for comparison with memreport's regions.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CPU = ["-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"]
LD_USAGE_RE = re.compile(r"^\s*(\w+):\s+(\d+) (B|KB|MB|GB)\s+", re.M)
UNIT = {"B": 1, "KB": 1024, "MB": 1 << 20, "GB": 1 << 30}


@dataclass(frozen=True)
class Image:
    elf: Path
    map: Path | None
    ld_usage: dict[str, int]  # region -> "Used Size" from ld --print-memory-usage


def _run(cmd: list[str], cwd: Path) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return proc.stdout


def build(
    out: Path,
    name: str,
    *,
    debug: bool = True,
    with_map: bool = True,
    defines: tuple[str, ...] = (),
    debug_flag: str = "-g",
) -> Image:
    gcc = shutil.which("arm-none-eabi-gcc")
    assert gcc is not None, "arm-none-eabi-gcc is needed (make setup installs it)"
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    g = [debug_flag] if debug else []
    flags = [
        *CPU,
        "-O1",
        *g,
        "-ffunction-sections",
        "-fdata-sections",
        *(f"-D{d}" for d in defines),
    ]
    _run([gcc, *flags, "-c", str(HERE / "ml_image.c"), "-o", "ml_image.o"], folder)
    _run([gcc, *CPU, *g, "-c", str(HERE / "edge.S"), "-o", "edge.o"], folder)
    elf = folder / f"{name}.elf"
    link = [
        gcc,
        *CPU,
        "--specs=nano.specs",
        "-nostartfiles",
        "-Wl,--gc-sections",
        f"-T{HERE / 'edge.ld'}",
        "-Wl,--print-memory-usage",
        "-o",
        elf.name,
    ]
    if not debug:
        link.append("-Wl,--strip-debug")  # the libraries' DWARF too
    if with_map:
        link.append(f"-Wl,-Map={name}.map")
    stdout = _run([*link, "ml_image.o", "edge.o"], folder)
    usage = {m.group(1): int(m.group(2)) * UNIT[m.group(3)] for m in LD_USAGE_RE.finditer(stdout)}
    return Image(elf, folder / f"{name}.map" if with_map else None, usage)


def strip(image: Image, out: Path) -> Path:
    stripped = out / "stripped.elf"
    _run(["arm-none-eabi-strip", "-o", str(stripped), str(image.elf)], out)
    return stripped


def size_berkeley(elf: Path) -> tuple[int, int, int]:
    """(text, data, bss) as arm-none-eabi-size prints them."""
    out = _run(["arm-none-eabi-size", "-B", str(elf)], elf.parent)
    text, data, bss = out.splitlines()[1].split()[:3]
    return int(text), int(data), int(bss)


def nm_sizes(elf: Path) -> dict[str, tuple[int, int]]:
    """name -> (value, size) for sized symbols, as arm-none-eabi-nm prints them."""
    out = _run(["arm-none-eabi-nm", "-S", str(elf)], elf.parent)
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            found[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    return found
