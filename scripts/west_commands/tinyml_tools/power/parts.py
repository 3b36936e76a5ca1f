"""Sensors and battery cells (sensors.yaml, cells.yaml), with their datasheets named."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ..errors import InputError

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Sensor:
    name: str
    kind: str
    axes: int
    ua_at_hz: tuple[tuple[float, float], ...]
    fifo_watermark: int
    bytes_per_set: int
    source: str

    def current_ua(self, odr_hz: float) -> float:
        """Supply current at @p odr_hz: the next supported rate up (sensors round up)."""
        for hz, ua in self.ua_at_hz:
            if hz >= odr_hz:
                return ua
        hz, ua = self.ua_at_hz[-1]
        raise InputError(self.name, f"{odr_hz:g} Hz is above its highest rate ({hz:g} Hz)")

    def wakes_per_second(self, odr_hz: float) -> float:
        return odr_hz / self.fifo_watermark

    def read_us(self, spi_hz: float = 8e6) -> float:
        """Draining one FIFO watermark over SPI, plus ~20 us of driver overhead."""
        return 20.0 + self.fifo_watermark * self.bytes_per_set * 8 / spi_hz * 1e6


@dataclass(frozen=True)
class Cell:
    name: str
    mah: float
    volts: float
    usable: float
    source: str


def _table(name: str) -> dict[str, Any]:
    data = yaml.safe_load((HERE / name).read_text())
    assert isinstance(data, dict)
    return data


def sensors() -> dict[str, Sensor]:
    out = {}
    for name, d in _table("sensors.yaml").items():
        pts = tuple(sorted((float(k), float(v)) for k, v in d["ua_at_hz"].items()))
        out[name] = Sensor(
            name,
            d["kind"],
            int(d["axes"]),
            pts,
            int(d["fifo_watermark"]),
            int(d["bytes_per_set"]),
            d["source"],
        )
    return out


def find_sensor(name: str) -> Sensor:
    table = sensors()
    if name not in table:
        raise InputError(name, f"unknown sensor; known: {', '.join(table)}")
    return table[name]


def default_sensor(axes: int, rate_hz: float, kind: str) -> Sensor:
    """A plausible sensor for a pipeline: microphone for log-mel, IMU for 6 axes, ..."""
    if kind == "logmel":
        return find_sensor("pdm_mic")
    if axes >= 6:
        return find_sensor("lsm6dso")
    if axes == 4:
        return find_sensor("vib_current_4ch")
    return find_sensor("lis2dh12")


def find_cell(name: str) -> Cell:
    table = _table("cells.yaml")
    if name in table:
        d = table[name]
        return Cell(name, float(d["mah"]), float(d["volts"]), float(d["usable"]), d["source"])
    try:
        mah = float(name.lower().removesuffix("mah"))
    except ValueError:
        raise InputError(
            name, f"unknown cell; known: {', '.join(table)} or a capacity such as 150mAh"
        ) from None
    if not np.isfinite(mah) or mah <= 0:
        raise InputError(name, "a cell capacity must be a positive number of mAh")
    return Cell(name, mah, 3.0, 0.8, "given on the command line")
