"""Building blocks of the example data generators: the sensor front end and signal shapes.

The generators in ``models/<example>/generate.py`` describe the physics (panel modes, pump
harmonics, hand kinematics) in physical units; this module turns that into what a device's
driver delivers: gain and offset that drift with temperature, a noise floor, quantization to
int16 counts and clipping at full scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .labels import LabeledEvent
from .recording import INT16_MAX, INT16_MIN, Recording

FloatArray = npt.NDArray[np.float64]
REFERENCE_TEMP_C = 25.0


@dataclass(frozen=True)
class ChannelSpec:
    """One sensor channel as its datasheet describes it."""

    name: str
    unit: str
    counts_per_unit: float
    noise_density: float  # unit / sqrt(Hz)
    gain_tempco: float  # relative gain change per degree C
    offset_tempco: float  # unit per degree C


@dataclass(frozen=True)
class SensorSettings:
    part: str
    odr_hz: float
    full_scale: str
    channels: tuple[ChannelSpec, ...]

    def describe(self) -> dict[str, Any]:
        return asdict(self)


def to_counts(
    physical: FloatArray,
    sensor: SensorSettings,
    temperature_c: float,
    rng: np.random.Generator,
    extra_noise: float = 0.0,
) -> npt.NDArray[np.int16]:
    """Physical signal (frames x channels) -> int16 counts with drift, noise and clipping.

    The sign of each channel's tempco comes from ``rng`` (a part-to-part spread), so hot and cold
    sessions push gain and offset in directions the model cannot learn by rote.
    """
    frames, _nchan = physical.shape
    out = np.empty_like(physical)
    delta_t = temperature_c - REFERENCE_TEMP_C
    bandwidth = sensor.odr_hz / 2.0
    for i, spec in enumerate(sensor.channels):
        gain = 1.0 + rng.choice([-1.0, 1.0]) * spec.gain_tempco * delta_t
        offset = rng.choice([-1.0, 1.0]) * spec.offset_tempco * delta_t
        noise = spec.noise_density * np.sqrt(bandwidth) + extra_noise
        out[:, i] = (physical[:, i] * gain + offset + rng.normal(0.0, noise, frames)) * (
            spec.counts_per_unit
        )
    return np.clip(np.rint(out), INT16_MIN, INT16_MAX).astype(np.int16)


def damped_modes(
    fs: float,
    seconds: float,
    freqs_hz: Sequence[float],
    zetas: Sequence[float],
    amps: Sequence[float],
) -> FloatArray:
    """Impulse response of a few structural modes: sum of exponentially decaying sines."""
    t = np.arange(int(seconds * fs)) / fs
    out = np.zeros_like(t)
    for f, z, a in zip(freqs_hz, zetas, amps, strict=True):
        w = 2 * np.pi * f
        out += a * np.exp(-z * w * t) * np.sin(w * np.sqrt(1 - z * z) * t)
    return out


def half_sine(fs: float, duration_s: float) -> FloatArray:
    """Contact force of an impact: a half sine of the contact time, unit area."""
    n = max(1, round(duration_s * fs))
    # Sample the pulse finely, then integrate per output sample so short pulses keep their area.
    fine = 16
    tt = (np.arange(n * fine) + 0.5) / (n * fine)
    pulse = np.sin(np.pi * tt).reshape(n, fine).mean(axis=1)
    return np.asarray(pulse / pulse.sum(), dtype=np.float64)


def min_jerk(n: int) -> FloatArray:
    """Normalized minimum-jerk position profile 0 -> 1 over ``n`` samples (human reaching)."""
    s = np.linspace(0.0, 1.0, max(n, 2))
    return 10 * s**3 - 15 * s**4 + 6 * s**5


def band_noise(
    rng: np.random.Generator, fs: float, n: int, low_hz: float, high_hz: float
) -> FloatArray:
    """Unit-RMS Gaussian noise limited to [low_hz, high_hz] (shaped in the frequency domain)."""
    spec = np.fft.rfft(rng.normal(size=n))
    freqs = np.fft.rfftfreq(n, 1.0 / fs)
    spec[(freqs < low_hz) | (freqs > high_hz)] = 0.0
    out = np.fft.irfft(spec, n)
    rms = float(np.sqrt(np.mean(out**2)))
    return out / rms if rms > 0 else out


def rotation_matrix(axis: Sequence[float], angle_rad: float) -> FloatArray:
    a = np.asarray(axis, dtype=np.float64)
    a = a / np.linalg.norm(a)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    rot = np.eye(3) + np.sin(angle_rad) * k + (1 - np.cos(angle_rad)) * (k @ k)
    return np.asarray(rot, dtype=np.float64)


def place_events(
    rng: np.random.Generator,
    seconds: float,
    durations: Sequence[float],
    min_gap_s: float,
    margin_s: float = 0.5,
) -> list[float]:
    """Start times for events of the given durations, non-overlapping with ``min_gap_s``
    between them, in random order over the session. Events that do not fit are dropped
    (their start is NaN)."""
    starts: list[float] = []
    occupied: list[tuple[float, float]] = []
    for dur in durations:
        placed = float("nan")
        if seconds - margin_s - dur <= margin_s:  # longer than the session
            starts.append(placed)
            continue
        for _ in range(200):
            start = float(rng.uniform(margin_s, seconds - margin_s - dur))
            if all(start + dur + min_gap_s < s or start > e + min_gap_s for s, e in occupied):
                placed = start
                occupied.append((start, start + dur))
                break
        starts.append(placed)
    return starts


def add_at(signal: FloatArray, start: int, piece: FloatArray) -> None:
    """Add ``piece`` (frames[, channels]) into ``signal`` at ``start``, cut at the end."""
    end = min(signal.shape[0], start + piece.shape[0])
    if end > start >= 0:
        signal[start:end] += piece[: end - start]


@dataclass(frozen=True)
class Session:
    """One generated recording with its labels, as the generators return it."""

    name: str
    recording: Recording
    labels: list[LabeledEvent]
