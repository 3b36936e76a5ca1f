"""One recording as it comes off a device or a logger, read and checked for import.

- ``.csv``: ``t`` (seconds) then one column per channel, in sensor counts, or in physical
  units when the metadata gives ``units`` and ``scale`` (units per count);
- ``.wav``: 16-bit PCM, channel names from the sidecar's ``channels``;
- ``.npz``: the project's recording format (see tinyml_tools.replay.recording).

Beside ``name.<ext>``: ``name.labels.csv`` (``start,end,class``) and ``name.meta.json``.
Every problem raises InputError naming the file that has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..replay import labels as labels_io
from ..replay import recording as recording_io
from ..replay.labels import LabeledEvent
from ..replay.recording import Recording
from . import metadata
from .metadata import RecordingMeta

SUFFIXES = recording_io.SUFFIXES
# A label may end this far after the last sample (timestamps rounded by a logger).
_END_TOLERANCE_S = 0.05
# Stated and measured sample rates may differ this much (crystal tolerance, jitter).
_RATE_TOLERANCE = 0.01


@dataclass(frozen=True)
class Source:
    path: Path
    name: str
    recording: Recording
    events: list[LabeledEvent] | None  # None: no labels file
    meta: RecordingMeta


def stem(path: Path) -> str:
    return path.name.split(".")[0]


def labels_path(path: Path) -> Path:
    return path.with_name(stem(path) + ".labels.csv")


def read_source(path: Path, defaults: dict[str, Any]) -> Source:
    """Read ``path`` with its sidecars; ``defaults`` fill metadata the file does not give."""
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(path, f"not a recording (use {', '.join(SUFFIXES)})")
    if not path.is_file():
        raise InputError(path, "no such file")
    side = recording_io.sidecar_path(path)
    sidecar = metadata.read_sidecar(side)
    metadata.check(sidecar, side)
    rec = _read_samples(path, {**defaults, **sidecar})
    merged = {**defaults, **rec.meta, **sidecar}
    meta = metadata.check(merged, side if sidecar else path)
    if meta.sample_rate_hz is not None and path.suffix.lower() == ".csv":
        measured = rec.sample_rate_hz
        stated = meta.sample_rate_hz
        if abs(measured - stated) > _RATE_TOLERANCE * stated:
            raise InputError(
                path,
                f"'t' gives {measured:g} Hz but the metadata states {stated:g} Hz "
                "(fix the timestamps or the sidecar)",
            )
    rec = Recording(rec.samples, rec.sample_rate_hz, rec.channels, merged)
    events = _read_labels(path, rec)
    return Source(path, stem(path), rec, events, meta)


def _read_samples(path: Path, meta: dict[str, Any]) -> Recording:
    if path.suffix.lower() != ".csv" or "scale" not in meta:
        rec = recording_io.read(path)
        if "scale" in meta and path.suffix.lower() != ".csv":
            raise InputError(path, "'units'/'scale' apply to CSV values only")
        return rec
    header, table, period = recording_io.read_csv_table(path)
    counts = table[:, 1:] / float(meta["scale"])
    if not np.all(np.isfinite(counts)):
        raise InputError(path, "holds a value that is not a finite number")
    low, high = (float(counts.min()), float(counts.max())) if counts.size else (0.0, 0.0)
    worst = high if high > -low else low
    if high > recording_io.INT16_MAX + 0.5 or low < recording_io.INT16_MIN - 0.5:
        raise InputError(
            path,
            f"a value of {worst * float(meta['scale']):g} {meta.get('units', '')} is "
            f"{worst:.0f} counts at scale {meta['scale']:g}: outside the int16 range of the "
            "sensor (wrong scale or units?)",
        )
    samples = np.clip(np.rint(counts), recording_io.INT16_MIN, recording_io.INT16_MAX)
    rate = float(meta.get("sample_rate_hz", round(1.0 / period, 6)))
    return Recording(samples.astype(np.int16), rate, tuple(header[1:]), {})


def _read_labels(path: Path, rec: Recording) -> list[LabeledEvent] | None:
    lab = labels_path(path)
    if not lab.is_file():
        return None
    events = labels_io.read(lab)
    for event in events:
        if event.end > rec.seconds + _END_TOLERANCE_S:
            raise InputError(
                lab,
                f"event {event.start:g}-{event.end:g} s ({event.label}) ends after the "
                f"recording ({rec.seconds:.3f} s)",
            )
    return events
