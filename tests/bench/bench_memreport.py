"""memreport's speed on a large image with full DWARF (-g3), against a peer summary made from
``arm-none-eabi-nm --size-sort -S -l`` (sizes with source files from DWARF), in the same run.

The image is built here from tests/memreport sources (ml_image.c, edge.S and generated kernel
files), linked without a map so memreport reads DWARF. Figures: seconds of the whole command
(``tinyml memreport ELF --json``, Python start included), the peer's seconds, their ratio, and
the ELF's size; plus the in-process time on the self-test image.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tinyml_tools.memreport.load import load_reports
from tinyml_tools.memreport.report import to_dict
from tinyml_tools.paths import BUILD_DIR, REPO_ROOT

SOURCES = REPO_ROOT / "tests" / "memreport"
sys.path.insert(0, str(SOURCES))
import gen_big_image  # noqa: E402

CPU = ["-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"]
FILES, FUNCTIONS = 120, 40
REPEATS = 3


def _build_big(out: Path) -> Path:
    sources = gen_big_image.write_sources(out / "src", FILES, FUNCTIONS)
    sources += [SOURCES / "ml_image.c", SOURCES / "edge.S"]
    flags = [*CPU, "-O1", "-g3", "-ffunction-sections", "-fdata-sections"]

    def compile_one(src: Path) -> Path:
        obj = out / f"{src.stem}.o"
        subprocess.run(["arm-none-eabi-gcc", *flags, "-c", str(src), "-o", str(obj)], check=True)
        return obj

    with ThreadPoolExecutor(max_workers=2) as pool:
        objects = list(pool.map(compile_one, sources))
    elf = out / "big.elf"
    script = gen_big_image.big_linker_script(out)
    subprocess.run(
        [
            "arm-none-eabi-gcc",
            *CPU,
            "--specs=nano.specs",
            "-nostartfiles",
            "-Wl,--gc-sections",
            "-Wl,--undefined=big_run",
            f"-T{script}",
            "-o",
            str(elf),
            *map(str, objects),
        ],
        check=True,
    )
    return elf


def _peer_summary(elf: Path) -> dict[str, int]:
    """What a careful engineer gets from binutils alone: bytes per source file."""
    out = subprocess.run(
        ["arm-none-eabi-nm", "--size-sort", "-S", "-l", str(elf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    per_file: dict[str, int] = defaultdict(int)
    for line in out.splitlines():
        parts = line.split(None, 4)
        if len(parts) < 4:
            continue
        where = parts[4].split("\t")[-1] if len(parts) == 5 else ""
        per_file[where.rsplit(":", 1)[0] or "?"] += int(parts[1], 16)
    return per_file


def _best(seconds: list[float]) -> float:
    return min(seconds)


def run() -> dict[str, float]:
    for tool in ("arm-none-eabi-gcc", "arm-none-eabi-nm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench_memreport: {tool} not found (make setup installs it)")
    tinyml = [sys.executable, "-m", "tinyml_tools", "memreport"]
    with tempfile.TemporaryDirectory(prefix="bench-memreport-") as tmp:
        elf = _build_big(Path(tmp))
        ours, peer = [], []
        data: dict[str, object] = {}
        for _ in range(REPEATS):
            start = time.perf_counter()
            proc = subprocess.run([*tinyml, str(elf), "--json"], capture_output=True, text=True)
            ours.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise SystemExit(f"bench_memreport: memreport failed: {proc.stderr.strip()}")
            data = json.loads(proc.stdout)
            start = time.perf_counter()
            summary = _peer_summary(elf)
            peer.append(time.perf_counter() - start)
        if data.get("attribution") != "dwarf" or len(summary) < FILES:
            raise SystemExit("bench_memreport: the big image was not read through its DWARF")
        elf_bytes = elf.stat().st_size
        symbols = sum(1 for _ in load_reports(elf)[0].pieces)
    selftest = BUILD_DIR / "m4f" / "tinyml_selftest.elf"
    start = time.perf_counter()
    to_dict(load_reports(selftest)[0], 20)
    selftest_seconds = time.perf_counter() - start
    return {
        "memreport.seconds": _best(ours),
        "memreport.peer_seconds": _best(peer),
        "memreport.peer_ratio": _best(ours) / _best(peer),
        "memreport.elf_bytes": float(elf_bytes),
        "memreport.pieces": float(symbols),
        "memreport.selftest_inprocess_seconds": selftest_seconds,
    }
