"""Knock detector data: a 3-axis accelerometer on a door panel.

Physics: a knuckle rap is a short half-sine contact force (1-4 ms) exciting the panel's first
bending modes; the sensor sees their damped ringing through its mount (adhesive pads and
magnets add a soft mount resonance, screws are stiff) and in its own orientation. People knock
2-4 times, 120-320 ms apart. Negatives: the door being shut (rigid-body swing plus a hard latch
impact), soft bumps (long contact, only the lowest mode), footsteps through the floor, HVAC
hum, traffic rumble, handle rattle. Nuisances: quiet/noisy rooms, hot/cold sensor drift,
mountings, door parts.

The held-out split uses a door, a mounting and temperatures that training never sees.

    python models/knock/generate.py --split heldout --out build/data/knock/heldout
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
EXAMPLE = "knock"
CLASSES = ("background", "knock")
ODR_HZ = 1600.0
G = 9.81

SENSOR = synth.SensorSettings(
    part="ADXL343-class MEMS accelerometer at 1600 Hz",
    odr_hz=ODR_HZ,
    full_scale="+-4 g, full resolution 3.9 mg/LSB (256 counts/g), right-justified",
    channels=tuple(
        synth.ChannelSpec(
            name=axis,
            unit="g",
            counts_per_unit=256.0,
            noise_density=250e-6,
            gain_tempco=2.5e-4,
            offset_tempco=0.6e-3,
        )
        for axis in ("ax", "ay", "az")
    ),
)


@dataclass(frozen=True)
class Door:
    """A door part: its first bending mode, mode spacing and damping."""

    name: str
    f1_hz: float
    ratios: tuple[float, ...]
    zeta: float


@dataclass(frozen=True)
class Mounting:
    """How the sensor sits on the door: mount resonance, orientation, position on the panel."""

    name: str
    mount_hz: float  # resonance of the mount itself; stiff mounts are far above the band
    mount_zeta: float
    roll_deg: float  # rotation of the sensor about the panel normal
    tilt_deg: float
    mode_seed: int  # position on the panel -> how strongly each mode shows


@dataclass(frozen=True)
class Condition:
    door: Door
    mounting: Mounting
    temperature_c: float
    room: str  # quiet | noisy


DOORS = {
    "wood": Door("wood", 92.0, (1.0, 1.9, 2.85, 3.7, 5.1, 6.6), 0.045),
    "mdf": Door("mdf", 74.0, (1.0, 2.05, 3.0, 4.1, 5.6, 7.3), 0.06),
    "hollow_core": Door("hollow_core", 108.0, (1.0, 1.7, 2.6, 3.3, 4.6, 6.0), 0.05),
    # held out: a steel-skinned door, stiffer and ringing longer
    "steel_skin": Door("steel_skin", 125.0, (1.0, 2.2, 3.1, 4.3, 5.8, 7.0), 0.025),
}
MOUNTINGS = {
    "adhesive_center": Mounting("adhesive_center", 260.0, 0.25, 0.0, 2.0, 1),
    "screw_edge": Mounting("screw_edge", 900.0, 0.1, 90.0, 4.0, 2),
    "foam_tape_low": Mounting("foam_tape_low", 200.0, 0.3, 180.0, 6.0, 3),
    # held out: a magnet on the upper edge, sensor rotated by 45 degrees
    "magnet_upper": Mounting("magnet_upper", 230.0, 0.2, 45.0, 8.0, 4),
}
TRAIN = [
    Condition(DOORS[d], MOUNTINGS[m], temp, room)
    for d in ("wood", "mdf", "hollow_core")
    for m, temp in (("adhesive_center", 22.0), ("screw_edge", 5.0), ("foam_tape_low", 38.0))
    for room in ("quiet", "noisy")
]
HELDOUT = [
    Condition(DOORS["steel_skin"], MOUNTINGS["magnet_upper"], -10.0, "quiet"),
    Condition(DOORS["steel_skin"], MOUNTINGS["adhesive_center"], 50.0, "noisy"),
    Condition(DOORS["wood"], MOUNTINGS["magnet_upper"], 50.0, "noisy"),
    Condition(DOORS["mdf"], MOUNTINGS["magnet_upper"], -10.0, "quiet"),
]
# "val": the training conditions with other seeds, for choosing thresholds and settings.
SPLITS = {"train": TRAIN, "val": TRAIN, "heldout": HELDOUT}


def sensor_frame(mount: Mounting) -> np.ndarray:
    """Rotation from panel axes (x across, y up, z normal) to the sensor's axes."""
    roll = synth.rotation_matrix((0, 0, 1), np.radians(mount.roll_deg))
    tilt = synth.rotation_matrix((1, 0, 0), np.radians(mount.tilt_deg))
    return tilt @ roll


def mode_shape(cond: Condition) -> np.ndarray:
    """How much of each mode the sensor's spot on the panel sees (0.25..1)."""
    rng = np.random.default_rng(cond.mounting.mode_seed * 7919 + len(cond.door.name))
    return rng.uniform(0.25, 1.0, len(cond.door.ratios))


def panel_response(
    cond: Condition, rng: np.random.Generator, contact_s: float, force_g: float, soft: bool
) -> np.ndarray:
    """3-axis acceleration (panel frame, g) of one impact: contact pulse * panel modes * mount."""
    door = cond.door
    f1 = door.f1_hz * rng.uniform(0.92, 1.08)  # this door of the kind, this day
    freqs = [f1 * r for r in door.ratios]
    amps = mode_shape(cond) / np.arange(1, len(freqs) + 1) ** 0.5
    if soft:  # a soft, long contact drives only the lowest mode
        amps = amps * np.array([1.0] + [0.15] * (len(freqs) - 1))
    nyq = ODR_HZ / 2 * 0.9
    keep = [i for i, f in enumerate(freqs) if f < nyq]
    h = synth.damped_modes(
        ODR_HZ,
        0.35,
        [freqs[i] for i in keep],
        [door.zeta * rng.uniform(0.85, 1.2)] * len(keep),
        [amps[i] for i in keep],
    )
    mount = synth.damped_modes(ODR_HZ, 0.05, [cond.mounting.mount_hz], [0.0], [1.0])
    if cond.mounting.mount_hz < nyq:
        mount = synth.damped_modes(
            ODR_HZ, 0.05, [cond.mounting.mount_hz], [cond.mounting.mount_zeta], [1.0]
        )
        h = h + 0.5 * np.convolve(h, mount / np.abs(mount).sum())[: h.size]
    normal = np.convolve(synth.half_sine(ODR_HZ, contact_s), h)[: h.size]
    normal *= force_g / max(np.abs(normal).max(), 1e-9)
    rocking = rng.normal(0.0, 0.12, 2)  # in-plane motion from the panel rocking
    return np.stack([normal * rocking[0], normal * rocking[1], normal], axis=1)


def knock_sequence(cond: Condition, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    raps = int(rng.integers(2, 5))
    gaps = rng.uniform(0.12, 0.32, raps - 1)
    force = rng.uniform(0.25, 2.0)
    length = float(gaps.sum()) + 0.35
    out = np.zeros((int(length * ODR_HZ), 3))
    t = 0.0
    for i in range(raps):
        rap = panel_response(
            cond, rng, rng.uniform(0.001, 0.004), force * rng.uniform(0.7, 1.2), soft=False
        )
        synth.add_at(out, int(t * ODR_HZ), rap)
        if i < raps - 1:
            t += float(gaps[i])
    return out, t + 0.08


def door_shut(cond: Condition, rng: np.random.Generator) -> np.ndarray:
    swing_s = rng.uniform(0.4, 0.9)
    n_swing = int(swing_s * ODR_HZ)
    # the door decelerates against the frame: a smooth rigid-body pulse, then the latch hit
    swing = np.sin(np.linspace(0, np.pi, n_swing)) ** 2 * rng.uniform(0.3, 1.2)
    out = np.zeros((n_swing + int(0.5 * ODR_HZ), 3))
    out[:n_swing, 2] -= swing
    latch = panel_response(cond, rng, rng.uniform(0.006, 0.012), rng.uniform(2.0, 3.5), True)
    synth.add_at(out, n_swing - 10, latch)
    rattle = synth.damped_modes(ODR_HZ, 0.3, [rng.uniform(30, 55)], [0.08], [0.3])
    out[n_swing : n_swing + rattle.size, 1] += rattle[: out.shape[0] - n_swing]
    return out


def soft_bump(cond: Condition, rng: np.random.Generator) -> np.ndarray:
    return panel_response(cond, rng, rng.uniform(0.015, 0.04), rng.uniform(0.2, 1.0), True)


def footsteps(rng: np.random.Generator) -> np.ndarray:
    steps = int(rng.integers(4, 12))
    period = rng.uniform(0.45, 0.65)
    out = np.zeros((int((steps * period + 0.5) * ODR_HZ), 3))
    for i in range(steps):
        thump = synth.damped_modes(ODR_HZ, 0.3, [rng.uniform(12, 28)], [0.2], [1.0])
        direction = rng.normal(0, 1, 3) * np.array([0.4, 1.0, 0.6])
        synth.add_at(
            out, int(i * period * ODR_HZ), np.outer(thump, direction) * rng.uniform(0.01, 0.04)
        )
    return out


def handle_rattle(rng: np.random.Generator) -> np.ndarray:
    out = np.zeros((int(0.8 * ODR_HZ), 3))
    for _ in range(int(rng.integers(3, 8))):
        click = synth.damped_modes(ODR_HZ, 0.05, [rng.uniform(250, 360)], [0.06], [1.0])
        synth.add_at(
            out,
            int(rng.uniform(0, 0.7) * ODR_HZ),
            np.outer(click, rng.normal(0, 1, 3)) * rng.uniform(0.02, 0.08),
        )
    return out


def background(cond: Condition, rng: np.random.Generator, n: int) -> np.ndarray:
    out = np.zeros((n, 3))
    hum_hz = rng.choice([29.6, 49.8, 59.7])
    t = np.arange(n) / ODR_HZ
    level = 0.004 if cond.room == "noisy" else 0.0008
    out += np.outer(np.sin(2 * np.pi * hum_hz * t), rng.normal(0, 1, 3)) * level
    rumble = synth.band_noise(rng, ODR_HZ, n, 4.0, 25.0)
    out[:, 2] += rumble * (0.006 if cond.room == "noisy" else 0.0015)
    if cond.room == "noisy":
        out += np.stack([synth.band_noise(rng, ODR_HZ, n, 20, 380) for _ in range(3)], 1) * 0.003
    return out


def physics(
    cond: Condition, seconds: float, rng: np.random.Generator
) -> tuple[np.ndarray, list[LabeledEvent]]:
    """The physical signal (frames x channels, in sensor units) of one session, and its labels."""
    n = int(seconds * ODR_HZ)
    frame = sensor_frame(cond.mounting)
    panel = background(cond, rng, n)
    pieces: list[tuple[str, np.ndarray, float]] = []
    for _ in range(int(seconds / 5)):
        seq, dur = knock_sequence(cond, rng)
        pieces.append(("knock", seq, dur))
    makers = [
        lambda: door_shut(cond, rng),
        lambda: soft_bump(cond, rng),
        lambda: footsteps(rng),
        lambda: handle_rattle(rng),
    ]
    for i in range(int(seconds / 4)):
        piece = makers[i % len(makers)]()
        pieces.append(("background", piece, piece.shape[0] / ODR_HZ))
    starts = synth.place_events(rng, seconds, [p[1].shape[0] / ODR_HZ for p in pieces], 0.5)
    events = []
    for (kind, piece, dur), start in zip(pieces, starts, strict=True):
        if np.isnan(start):
            continue
        synth.add_at(panel, int(start * ODR_HZ), piece)
        if kind == "knock":
            events.append(LabeledEvent(round(start, 4), round(start + dur, 4), "knock"))
    gravity = np.array([0.0, -1.0, 0.0])  # the door hangs vertically
    sensor_g = (panel + gravity) @ frame.T
    return sensor_g, events


def describe(cond: Condition) -> tuple[dict[str, Any], dict[str, Any]]:
    summary = {
        "door": cond.door.name,
        "mounting": cond.mounting.name,
        "temperature_c": cond.temperature_c,
        "room": cond.room,
    }
    return summary, {"door": asdict(cond.door), "mounting": asdict(cond.mounting)}


GENERATOR = Generator(
    example=EXAMPLE,
    version=GENERATOR_VERSION,
    sensor=SENSOR,
    splits=SPLITS,
    seed_base={"train": 1000, "val": 1500, "heldout": 9000},
    physics=physics,
    describe=describe,
    pipeline=Path(__file__).with_name("pipeline.yaml"),
    default_seconds=60.0,
)
sessions = GENERATOR.sessions


if __name__ == "__main__":
    sys.exit(GENERATOR.main(None, __doc__.splitlines()[0]))
