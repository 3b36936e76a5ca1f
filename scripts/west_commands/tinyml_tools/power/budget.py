"""Where the energy of a detector goes, per second, and how long a cell lasts.

All figures are average currents drawn at the board's supply voltage (mA), from:
- CPU time per second for features (every window), inference and decision (armed windows only:
  the trigger's duty) and FIFO/DMA wake-ups, at the board's active current;
- the sensor's current at the pipeline's sample rate;
- the radio: packets per second (events, plus a periodic summary if asked), each one air time
  of its bytes at the radio's bit rate plus the per-event overhead, times the expected attempts
  (1 + retries), at the TX current, and an ACK listen at the RX current;
- sleep current for the rest of the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..profile.boards import Board
from ..profile.report import Profile
from .parts import Cell, Sensor

ACK_LISTEN_US = 150.0  # RX window for the link-layer acknowledgement of each attempt
PACKET_HEADER_BYTES = 10  # preamble, access address, header, MIC/CRC


@dataclass(frozen=True)
class Activity:
    armed_fraction: float  # share of windows the model runs in (trigger duty)
    events_per_hour: float  # detections sent over the radio
    source: str  # where the duty came from (a replay, or --duty)


@dataclass(frozen=True)
class RadioUse:
    bytes_per_event: int = 20
    retries: float = 0.2  # expected retransmissions per packet
    report_interval_s: float | None = None  # periodic summary packet


@dataclass(frozen=True)
class PowerBudget:
    board: Board
    cell: Cell
    sensor: Sensor
    activity: Activity
    parts_ma: dict[str, float]  # average current per part
    inference_uj: float
    window_uj: float
    inference_ms: float
    window_ms: float

    @property
    def total_ma(self) -> float:
        return sum(self.parts_ma.values())

    @property
    def hours(self) -> float:
        return self.cell.mah * self.cell.usable / self.total_ma if self.total_ma > 0 else 0.0

    @property
    def dominant(self) -> str:
        return max(self.parts_ma, key=lambda k: self.parts_ma[k])

    def as_dict(self) -> dict[str, Any]:
        return {
            "board": self.board.name,
            "cell": {"name": self.cell.name, "mah": self.cell.mah, "usable": self.cell.usable},
            "sensor": {"name": self.sensor.name, "source": self.sensor.source},
            "activity": {
                "armed_fraction": self.activity.armed_fraction,
                "events_per_hour": self.activity.events_per_hour,
                "source": self.activity.source,
            },
            "inference_ms": self.inference_ms,
            "inference_uj": self.inference_uj,
            "window_ms": self.window_ms,
            "window_uj": self.window_uj,
            "average_ua": {k: v * 1e3 for k, v in self.parts_ma.items()},
            "total_ua": self.total_ma * 1e3,
            "dominant": self.dominant,
            "battery_hours": self.hours,
            "battery_days": self.hours / 24,
        }


def power_budget(
    profile: Profile,
    board: Board,
    sensor: Sensor,
    activity: Activity,
    radio: RadioUse,
    cell: Cell,
) -> PowerBudget:
    if board.active_ma is None or board.sleep_ua is None or board.supply_v is None:
        raise InputError(board.path, f"{board.name} has no current figures (an emulated board?)")
    if profile.pipeline is None or profile.window is None:
        raise InputError(profile.model, "a power budget needs the detector's pipeline")
    p = profile.pipeline
    w = p.windows_per_second
    s = board.seconds
    cpu_s = {
        "features": w * s(p.features_per_window),
        "inference": w * activity.armed_fraction * s(profile.inference),
        "decision": w * activity.armed_fraction * s(p.decision_per_window),
        "wake-ups": sensor.wakes_per_second(p.sample_rate_hz)
        * ((board.wake_us or 0.0) + sensor.read_us())
        / 1e6,
    }
    awake = sum(cpu_s.values())
    if awake >= 1.0:
        raise InputError(
            profile.model,
            f"needs {awake:.0%} of the CPU at {board.clock_hz / 1e6:g}"
            f" MHz on {board.name}: it cannot keep up",
        )
    parts = {k: v * board.active_ma for k, v in cpu_s.items()}
    parts["sensor"] = sensor.current_ua(p.sample_rate_hz) / 1e3
    packets = activity.events_per_hour / 3600.0
    if radio.report_interval_s:
        packets += 1.0 / radio.report_interval_s
    radio_ma = 0.0
    if packets > 0:
        if board.radio is None:
            raise InputError(board.path, f"{board.name} has no radio; drop the radio use")
        r = board.radio
        air_s = (
            r.event_overhead_us / 1e6
            + (radio.bytes_per_event + PACKET_HEADER_BYTES) * 8 / r.bitrate_bps
        )
        attempts = 1.0 + radio.retries
        radio_ma = packets * attempts * (air_s * r.tx_ma + ACK_LISTEN_US / 1e6 * r.rx_ma)
        awake += packets * attempts * air_s
    parts["radio"] = radio_ma
    parts["sleep"] = max(0.0, 1.0 - awake) * board.sleep_ua / 1e3
    volts = board.supply_v
    inf_s = s(profile.inference)
    win_s = s(profile.window)
    return PowerBudget(
        board=board,
        cell=cell,
        sensor=sensor,
        activity=activity,
        parts_ma=parts,
        inference_uj=inf_s * board.active_ma * volts * 1e3,
        window_uj=win_s * board.active_ma * volts * 1e3,
        inference_ms=inf_s * 1e3,
        window_ms=win_s * 1e3,
    )
