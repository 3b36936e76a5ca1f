"""Board profiles (boards/*.yaml): clock, core, currents and radio, with their sources named.

The cost model counts instructions of the emulated Cortex-M4F; CORES says how many cycles one
such instruction takes on each core family (typical, and the range we expect), see
docs/profile.md, "Other cores".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from .textfile import read_yaml

BOARDS_DIR = Path(__file__).resolve().parent / "boards"


@dataclass(frozen=True)
class CoreScale:
    """Cycles per Cortex-M4F instruction of TFLM + CMSIS-NN code on this core."""

    typical: float
    low: float
    high: float
    note: str


CORES: dict[str, CoreScale] = {
    "cortex-m4f": CoreScale(
        1.3,
        1.15,
        1.6,
        "single issue; loads 2 cycles unless pipelined, taken branches 2-3, SMLAD 1; flash "
        "wait states hidden by the cache / ART at these clocks",
    ),
    "cortex-m33": CoreScale(
        1.3,
        1.15,
        1.6,
        "same Armv7E-M/Armv8-M DSP instructions CMSIS-NN uses on the M4 (no MVE), similar "
        "3-stage pipeline; the same kernels run",
    ),
    "cortex-m7": CoreScale(
        0.75,
        0.6,
        1.0,
        "dual issue, 6 stages, branch prediction; needs code and data in TCM or caches on, "
        "else flash/AXI wait states can push it above 1",
    ),
    "xtensa-lx7": CoreScale(
        1.0,
        0.4,
        2.5,
        "not the same ISA: TFLM runs ESP-NN kernels (S3 SIMD) instead of CMSIS-NN; an "
        "order-of-magnitude scaling only, not fitted",
    ),
}


@dataclass(frozen=True)
class Radio:
    kind: str
    tx_ma: float
    rx_ma: float
    bitrate_bps: float
    event_overhead_us: float


@dataclass(frozen=True)
class Board:
    name: str
    soc: str
    core: str
    clock_hz: float
    supply_v: float | None
    active_ma: float | None
    sleep_ua: float | None
    wake_us: float | None
    radio: Radio | None
    sources: tuple[str, ...]
    path: Path

    @property
    def scale(self) -> CoreScale:
        return CORES[self.core]

    def cycles(self, instructions: float) -> float:
        return instructions * self.scale.typical

    def seconds(self, instructions: float) -> float:
        return self.cycles(instructions) / self.clock_hz


def _number(data: dict[str, Any], key: str, path: Path, required: bool = False) -> float | None:
    value = data.get(key)
    if value is None:
        if required:
            raise InputError(path, f"'{key}' is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InputError(path, f"'{key}' must be a non-negative number, not {value!r}")
    return float(value)


def read_board(path: Path) -> Board:
    data = read_yaml(path, "board profile")
    if not isinstance(data, dict) or "board" not in data:
        raise InputError(path, "not a board profile (a mapping with 'board:')")
    core = str(data.get("core", ""))
    if core not in CORES:
        raise InputError(path, f"unknown core '{core}'; known: {', '.join(CORES)}")
    clock = _number(data, "clock_hz", path, required=True)
    if not clock:
        raise InputError(path, "'clock_hz' must be positive")
    radio = None
    if isinstance(data.get("radio"), dict):
        r = data["radio"]
        radio = Radio(
            str(r.get("kind", "radio")),
            _number(r, "tx_ma", path, True) or 0.0,
            _number(r, "rx_ma", path, True) or 0.0,
            _number(r, "bitrate_bps", path, True) or 1.0,
            _number(r, "event_overhead_us", path) or 0.0,
        )
    return Board(
        name=str(data["board"]),
        soc=str(data.get("soc", "")),
        core=core,
        clock_hz=clock,
        supply_v=_number(data, "supply_v", path),
        active_ma=_number(data, "active_ma", path),
        sleep_ua=_number(data, "sleep_ua", path),
        wake_us=_number(data, "wake_us", path),
        radio=radio,
        sources=tuple(str(s) for s in data.get("sources", []) or []),
        path=path,
    )


def known_boards() -> dict[str, Path]:
    out = {}
    for path in sorted(BOARDS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        out[str(data["board"])] = path
    return out


def find_board(name: str) -> Board:
    """A board by name (as in `west build -b`) or a path to a board profile YAML."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        return read_board(path)
    boards = known_boards()
    if name not in boards:
        raise InputError(name, f"unknown board; known: {', '.join(boards)} (or a profile .yaml)")
    return read_board(boards[name])
