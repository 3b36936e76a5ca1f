"""Pump anomaly data: a 3-axis accelerometer on the pump casing plus the motor's phase current.

Physics: a 4-pole induction motor on 50 Hz mains runs at 24-24.8 Hz (slip grows with load).
The casing vibrates at the running speed and its harmonics (unbalance, misalignment) and at
the vane-pass frequency (vanes x speed), over broadband flow noise; the phase current is the
mains fundamental with odd harmonics and small eccentricity sidebands at mains +- speed.
Anomalies ride on that:

- bearing (outer-race defect): impacts at BPFO = (balls/2) (1 - d/D cos phi) x speed, each
  ringing a casing resonance; the current gains sidebands at mains +- BPFO;
- cavitation (starved suction): random bubble collapses (broadband, high-frequency shocks),
  an unsteady vane-pass amplitude, and a current that drops and fluctuates with the flow.

Nuisances: flow (load) changes, quiet or noisy plants (a neighbour machine at its own speed),
hot/cold sensor drift, sensor on the pump or on the motor end, pumps of the same series.
The held-out split has a pump with a different impeller, the sensor on a bracket, and
temperatures training never sees.

    python models/pump/generate.py --split heldout --out build/data/pump/heldout
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tinyml_tools.replay import synth
from tinyml_tools.replay.generator import Generator
from tinyml_tools.replay.labels import LabeledEvent

GENERATOR_VERSION = "1.0.0"
EXAMPLE = "pump"
CLASSES = ("normal", "bearing", "cavitation")
ODR_HZ = 512.0
MAINS_HZ = 50.0

SENSOR = synth.SensorSettings(
    part="MEMS vibration accelerometer + split-core current transformer on a 16-bit ADC",
    odr_hz=ODR_HZ,
    full_scale="accel +-8 g, 14-bit (1024 counts/g); current +-40 A, 12-bit ADC (51.2 counts/A)",
    channels=(
        *(
            synth.ChannelSpec(axis, "g", 1024.0, 60e-6, 2.0e-4, 0.4e-3)
            for axis in ("ax", "ay", "az")
        ),
        synth.ChannelSpec("current", "A", 51.2, 2e-3, 3.0e-4, 2.0e-3),
    ),
)


@dataclass(frozen=True)
class Pump:
    name: str
    vanes: int
    balls: int
    ball_ratio: float  # d/D of the drive-end bearing
    casing_hz: float  # casing resonance the bearing impacts ring
    rated_amps: float


@dataclass(frozen=True)
class Placement:
    name: str
    gain: tuple[float, float, float]  # how the casing motion shows on each sensor axis
    lowpass_hz: float  # bracket or stud compliance


@dataclass(frozen=True)
class Condition:
    pump: Pump
    placement: Placement
    temperature_c: float
    plant: str  # quiet | noisy


PUMPS = {
    "p5": Pump("p5", 5, 8, 0.22, 205.0, 11.0),
    "p6": Pump("p6", 6, 9, 0.20, 180.0, 14.0),
    # held out: a 7-vane impeller and a different bearing
    "p7": Pump("p7", 7, 10, 0.24, 225.0, 12.5),
}
PLACEMENTS = {
    "casing_stud": Placement("casing_stud", (1.0, 0.6, 0.35), 240.0),
    "motor_end": Placement("motor_end", (0.7, 0.9, 0.3), 200.0),
    # held out: a magnetic base on a bracket, softer and rotated
    "bracket_magnet": Placement("bracket_magnet", (0.5, 1.0, 0.5), 170.0),
}
TRAIN = [
    Condition(PUMPS[p], PLACEMENTS[pl], temp, plant)
    for p in ("p5", "p6")
    for pl, temp in (("casing_stud", 20.0), ("motor_end", 40.0))
    for plant in ("quiet", "noisy")
] + [Condition(PUMPS["p6"], PLACEMENTS["casing_stud"], 5.0, "noisy")]
HELDOUT = [
    Condition(PUMPS["p7"], PLACEMENTS["bracket_magnet"], 55.0, "noisy"),
    Condition(PUMPS["p6"], PLACEMENTS["bracket_magnet"], -5.0, "quiet"),
]
# "val": the training conditions with other seeds, for choosing thresholds and settings.
SPLITS = {"train": TRAIN, "val": TRAIN, "heldout": HELDOUT}


def speed_profile(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Load (0..1, slowly varying flow demand) and shaft speed in Hz per sample."""
    knots = rng.uniform(0.4, 1.0, n // int(ODR_HZ * 8) + 2)
    load = np.interp(np.arange(n), np.linspace(0, n, knots.size), knots)
    sync = MAINS_HZ / 2
    speed = sync * (1 - 0.008 - 0.025 * load)
    return load, speed


def healthy(
    cond: Condition, rng: np.random.Generator, load: np.ndarray, speed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = load.size
    phase = 2 * np.pi * np.cumsum(speed) / ODR_HZ
    vib = np.zeros(n)
    for k, amp in ((1, 0.06), (2, 0.025), (3, 0.01)):
        vib += amp * rng.uniform(0.8, 1.2) * np.sin(k * phase + rng.uniform(0, 2 * np.pi))
    vanes = cond.pump.vanes
    vib += 0.03 * (0.5 + load) * np.sin(vanes * phase)
    vib += 0.012 * (0.5 + load) * synth.band_noise(rng, ODR_HZ, n, 5, 250)
    t = np.arange(n) / ODR_HZ
    amps = cond.pump.rated_amps * (0.35 + 0.65 * load) * np.sqrt(2)
    cur = amps * np.sin(2 * np.pi * MAINS_HZ * t)
    cur += 0.04 * amps * np.sin(2 * np.pi * 3 * MAINS_HZ * t + 0.3)
    cur += 0.02 * amps * np.sin(2 * np.pi * 5 * MAINS_HZ * t + 1.1)
    ecc = 0.01 * amps
    cur += ecc * (
        np.sin(2 * np.pi * MAINS_HZ * t - phase) + np.sin(2 * np.pi * MAINS_HZ * t + phase)
    )
    return vib, cur


def bearing_fault(
    cond: Condition, rng: np.random.Generator, speed: np.ndarray, severity: float
) -> tuple[np.ndarray, np.ndarray]:
    n = speed.size
    p = cond.pump
    bpfo = p.balls / 2 * (1 - p.ball_ratio) * speed  # contact angle 0
    phase = np.cumsum(bpfo) / ODR_HZ
    hits = np.flatnonzero(np.diff(np.floor(phase + rng.uniform(0, 1))) > 0)
    ring = synth.damped_modes(ODR_HZ, 0.08, [p.casing_hz * rng.uniform(0.95, 1.05)], [0.04], [1])
    vib = np.zeros(n)
    for h in hits:
        jitter = int(rng.integers(-1, 2))  # balls slip: impacts are not perfectly periodic
        synth.add_at(vib, max(0, h + jitter), ring * severity * rng.uniform(0.6, 1.4))
    t = np.arange(n) / ODR_HZ
    side = 0.004 * severity * cond.pump.rated_amps
    bpfo_phase = 2 * np.pi * phase
    cur = side * (
        np.sin(2 * np.pi * MAINS_HZ * t - bpfo_phase)
        + np.sin(2 * np.pi * MAINS_HZ * t + bpfo_phase)
    )
    return vib, cur


def cavitation(
    cond: Condition, rng: np.random.Generator, speed: np.ndarray, severity: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Extra vibration, extra current, and a multiplier on the healthy current (flow loss)."""
    n = speed.size
    shocks = np.zeros(n)
    count = rng.poisson(60 * severity * n / ODR_HZ)
    shocks[rng.integers(0, n, count)] = rng.exponential(1.0, count)
    hf = np.convolve(shocks, synth.damped_modes(ODR_HZ, 0.02, [230.0], [0.15], [1.0]))[:n]
    vib = 0.12 * severity * hf
    vib += 0.05 * severity * synth.band_noise(rng, ODR_HZ, n, 120, 250)
    phase = 2 * np.pi * np.cumsum(speed) / ODR_HZ
    unsteady = 1 + 0.6 * synth.band_noise(rng, ODR_HZ, n, 0.5, 4.0)
    vib += 0.02 * severity * unsteady * np.sin(cond.pump.vanes * phase)
    flow = 1 - 0.12 * severity * (1 + 0.5 * synth.band_noise(rng, ODR_HZ, n, 0.3, 3.0))
    return vib, np.zeros(n), flow


def physics(
    cond: Condition, seconds: float, rng: np.random.Generator
) -> tuple[np.ndarray, list[LabeledEvent]]:
    """The physical signal (frames x channels, in sensor units) of one session, and its labels."""
    n = int(seconds * ODR_HZ)
    load, speed = speed_profile(rng, n)
    vib, cur = healthy(cond, rng, load, speed)
    kinds = ["bearing", "cavitation"] * max(1, int(seconds / 40))
    durations = [float(rng.uniform(8, 15)) for _ in kinds]
    starts = synth.place_events(rng, seconds, durations, 6.0, margin_s=3.0)
    events = []
    for kind, start, dur in zip(kinds, starts, durations, strict=True):
        if np.isnan(start):
            continue
        a, b = int(start * ODR_HZ), int((start + dur) * ODR_HZ)
        ramp = np.clip(np.minimum(np.arange(b - a), np.arange(b - a)[::-1]) / ODR_HZ, 0, 1)
        severity = rng.uniform(0.6, 1.4)
        if kind == "bearing":
            v, c = bearing_fault(cond, rng, speed[a:b], severity)
            vib[a:b] += v * ramp
            cur[a:b] += c * ramp
        else:
            v, c, flow = cavitation(cond, rng, speed[a:b], severity)
            vib[a:b] += v * ramp
            cur[a:b] *= 1 + (flow - 1) * ramp
        events.append(LabeledEvent(round(start, 4), round(start + dur, 4), kind))
    if cond.plant == "noisy":  # a neighbour machine at its own speed, through the floor
        t = np.arange(n) / ODR_HZ
        vib += 0.03 * np.sin(2 * np.pi * rng.uniform(29, 30) * t) + 0.01 * synth.band_noise(
            rng, ODR_HZ, n, 5, 250
        )
    # the mount's compliance: a gentle low-pass over the casing vibration
    spec = np.fft.rfft(vib)
    f = np.fft.rfftfreq(n, 1 / ODR_HZ)
    vib = np.fft.irfft(spec / (1 + (f / cond.placement.lowpass_hz) ** 4), n)
    axes = np.outer(vib, cond.placement.gain)
    axes[:, 2] += 1.0  # the casing's sensor axis z points up
    physical = np.column_stack([axes, cur])
    return physical, events


def describe(cond: Condition) -> tuple[dict[str, Any], dict[str, Any]]:
    summary = {
        "pump": cond.pump.name,
        "placement": cond.placement.name,
        "temperature_c": cond.temperature_c,
        "plant": cond.plant,
    }
    return summary, {"pump": asdict(cond.pump), "placement": asdict(cond.placement)}


GENERATOR = Generator(
    example=EXAMPLE,
    version=GENERATOR_VERSION,
    sensor=SENSOR,
    splits=SPLITS,
    seed_base={"train": 2000, "val": 2500, "heldout": 8000},
    physics=physics,
    describe=describe,
    pipeline=Path(__file__).with_name("pipeline.yaml"),
    default_seconds=120.0,
)
sessions = GENERATOR.sessions


if __name__ == "__main__":
    sys.exit(GENERATOR.main(None, __doc__.splitlines()[0]))
