"""Recordings: multi-channel int16 sensor counts with their sample rate and metadata.

Three on-disk forms, chosen by file suffix:

- ``.csv``: a header row ``t,<channel>,...``; ``t`` in seconds, one row per sample, channel
  values in raw sensor counts (the integers the device's driver delivers, int16 range).
- ``.wav``: PCM 16-bit, one WAV channel per sensor channel; channel names come from the
  ``.meta.json`` sidecar when present, else ``ch0``, ``ch1``, ...
- ``.npz`` (the project's format): arrays ``samples`` (int16, samples x channels),
  ``sample_rate_hz``, ``channels`` and ``meta`` (a JSON string with sensor settings, conditions
  and pipeline versions), compressed.

A ``<stem>.meta.json`` sidecar next to a CSV or WAV file adds metadata. Every malformed input
raises :class:`~tinyml_tools.errors.InputError` naming the file and the problem.
"""

from __future__ import annotations

import csv
import json
import wave
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InputError

SUFFIXES = (".csv", ".wav", ".npz")
INT16_MIN = -32768
INT16_MAX = 32767
# Jitter tolerated between CSV timestamps and the nominal sample period.
_RATE_TOLERANCE = 0.01


@dataclass
class Recording:
    """``samples`` is int16 with shape (frames, channels)."""

    samples: npt.NDArray[np.int16]
    sample_rate_hz: float
    channels: tuple[str, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return float(self.samples.shape[0]) / self.sample_rate_hz

    def channel(self, name: str) -> npt.NDArray[np.int16]:
        return self.samples[:, self.channels.index(name)]


def read(path: str | Path) -> Recording:
    """Read a recording; the suffix picks the format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"unknown recording format '{suffix}' (use {', '.join(SUFFIXES)})")
    if not path.is_file():
        raise InputError(path, "no such file")
    if suffix == ".csv":
        rec = _read_csv(path)
    elif suffix == ".wav":
        rec = _read_wav(path)
    else:
        rec = _read_npz(path)
    if rec.samples.shape[0] == 0:
        raise InputError(path, "recording holds no samples")
    return rec


def write(path: str | Path, rec: Recording) -> None:
    """Write a recording (atomically: a temporary file renamed into place)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"unknown recording format '{suffix}' (use {', '.join(SUFFIXES)})")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        if suffix == ".csv":
            _write_csv(tmp, rec)
        elif suffix == ".wav":
            _write_wav(tmp, rec)
        else:
            _write_npz(tmp, rec)
        if suffix != ".npz" and rec.meta:
            _write_sidecar(path, rec)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + ".meta.json")


def _read_sidecar(path: Path) -> dict[str, Any]:
    side = sidecar_path(path)
    if not side.is_file():
        return {}
    try:
        data = json.loads(side.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(side, f"not valid JSON ({err})") from None
    if not isinstance(data, dict):
        raise InputError(side, "expected a JSON object")
    return data


def _write_sidecar(path: Path, rec: Recording) -> None:
    side = sidecar_path(path)
    meta = dict(rec.meta, channels=list(rec.channels), sample_rate_hz=rec.sample_rate_hz)
    side.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def _to_int16(path: Path, values: npt.NDArray[np.float64]) -> npt.NDArray[np.int16]:
    if not np.all(np.isfinite(values)):
        raise InputError(path, "holds a value that is not a finite number")
    if values.min() < INT16_MIN or values.max() > INT16_MAX:
        raise InputError(path, "sample values outside the int16 range of sensor counts")
    return np.rint(values).astype(np.int16)


def _read_csv(path: Path) -> Recording:
    header, table, period = read_csv_table(path)
    meta = _read_sidecar(path)
    rate = float(meta.get("sample_rate_hz", round(1.0 / period, 6)))
    return Recording(_to_int16(path, table[:, 1:]), rate, tuple(header[1:]), meta)


def read_csv_table(path: Path) -> tuple[list[str], npt.NDArray[np.float64], float]:
    """The header, the numbers (column 0 is ``t``) and the median sample period of a CSV
    recording, checked (header, field counts, numbers, evenly increasing ``t``)."""
    try:
        with path.open(newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            rows = [row for row in reader if row]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(path, f"cannot read CSV ({err})") from None
    if not header:
        raise InputError(path, "empty file; expected a header row 't,<channel>,...'")
    header = [h.strip() for h in header]
    if header[0] != "t" or len(header) < 2:
        raise InputError(path, "header must be 't' then one column per channel")
    if len(set(header)) != len(header):
        raise InputError(path, "header repeats a column name")
    width = len(header)
    for line, row in enumerate(rows, start=2):
        if len(row) != width:
            raise InputError(path, f"line {line} has {len(row)} fields, header has {width}")
    try:
        table = np.array(rows, dtype=np.float64).reshape(len(rows), width)
    except ValueError:
        bad = next((i + 2 for i, row in enumerate(rows) if not all(_is_number(c) for c in row)), 0)
        raise InputError(path, f"line {bad} holds a value that is not a number") from None
    if len(rows) < 2:
        raise InputError(path, "needs at least two samples to know the sample rate")
    t = table[:, 0]
    steps = np.diff(t)
    if np.any(steps <= 0):
        line = int(np.argmax(steps <= 0)) + 3
        raise InputError(path, f"time 't' does not increase at line {line}")
    period = float(np.median(steps))
    if np.max(np.abs(steps - period)) > _RATE_TOLERANCE * period + 1e-9:
        raise InputError(path, "samples are not evenly spaced in 't' (resample first)")
    return header, table, period


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _write_csv(path: Path, rec: Recording) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["t", *rec.channels])
        for i, row in enumerate(rec.samples.tolist()):
            writer.writerow([f"{i / rec.sample_rate_hz:.6f}", *row])


def _read_wav(path: Path) -> Recording:
    try:
        with wave.open(str(path), "rb") as wav:
            width = wav.getsampwidth()
            nchan = wav.getnchannels()
            rate = wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as err:
        raise InputError(path, f"not a readable PCM WAV file ({err})") from None
    if width != 2:
        raise InputError(path, f"WAV samples are {8 * width}-bit; expected 16-bit PCM")
    samples = np.frombuffer(raw, dtype="<i2").astype(np.int16)
    if samples.size % nchan:
        raise InputError(path, "WAV data ends in the middle of a frame")
    meta = _read_sidecar(path)
    names = meta.get("channels") or [f"ch{i}" for i in range(nchan)]
    if len(names) != nchan:
        raise InputError(
            sidecar_path(path), f"names {len(names)} channels, the WAV file has {nchan}"
        )
    return Recording(samples.reshape(-1, nchan), float(rate), tuple(names), meta)


def _write_wav(path: Path, rec: Recording) -> None:
    rate = round(rec.sample_rate_hz)
    if rate != rec.sample_rate_hz:
        raise InputError(path, f"WAV needs an integer sample rate, not {rec.sample_rate_hz}")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(len(rec.channels))
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(rec.samples.astype("<i2").tobytes())


_NPZ_KEYS = ("samples", "sample_rate_hz", "channels", "meta")


def _read_npz(path: Path) -> Recording:
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in _NPZ_KEYS if k not in data.files]
            if missing:
                raise InputError(path, f"missing array(s) {', '.join(missing)}")
            samples = data["samples"]
            rate = float(data["sample_rate_hz"])
            channels = tuple(str(c) for c in data["channels"].tolist())
            meta = json.loads(str(data["meta"]))
    except InputError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, json.JSONDecodeError) as err:
        raise InputError(path, f"not a tinyml recording ({err})") from None
    if samples.dtype != np.int16 or samples.ndim != 2:
        raise InputError(path, "'samples' must be a 2-D int16 array (frames x channels)")
    if samples.shape[1] != len(channels):
        raise InputError(path, f"{samples.shape[1]} channels but {len(channels)} names")
    if not rate > 0:
        raise InputError(path, f"sample rate {rate} is not positive")
    return Recording(samples, rate, channels, meta if isinstance(meta, dict) else {})


def _write_npz(path: Path, rec: Recording) -> None:
    with path.open("wb") as fh:
        np.savez_compressed(
            fh,
            samples=rec.samples.astype(np.int16),
            sample_rate_hz=np.float64(rec.sample_rate_hz),
            channels=np.array(rec.channels),
            meta=np.array(json.dumps(rec.meta, sort_keys=True)),
        )
