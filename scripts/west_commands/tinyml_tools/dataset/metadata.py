"""What a recording says about itself: the metadata sidecar (``<stem>.meta.json``, or the
``meta`` of a ``.npz``), checked field by field.

Known fields (all optional; others are kept as they are)::

    sensor: ADXL343            # part number
    full_scale: 4              # in ``units`` (e.g. +-4 g)
    sample_rate_hz: 1600       # output data rate; for CSV, else taken from 't'
    gain: 1.0
    mounting: adhesive pad, centre of the door
    firmware: 1.2.0            # firmware or logger version
    pipeline_version: knock_bands 0x1234abcd
    session: door2-2026-11-30  # recordings of one session never straddle splits
    condition: {door: steel, room: noisy}   # tags; a split can hold out whole conditions
    units: g                   # CSV values are physical: counts = value / scale
    scale: 0.0039              # units per count
    channels: [ax, ay, az]     # WAV channel names
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

_TEXT = ("mounting", "firmware", "pipeline_version", "session", "units")
_NUMBER = ("full_scale", "sample_rate_hz", "gain", "scale")


@dataclass(frozen=True)
class RecordingMeta:
    session: str | None = None
    condition: dict[str, str] = field(default_factory=dict)
    units: str | None = None
    scale: float | None = None  # units per count
    sample_rate_hz: float | None = None
    channels: tuple[str, ...] | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # everything, as stored


def read_sidecar(path: Path) -> dict[str, Any]:
    """The JSON object of a sidecar file (empty when there is none)."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(path, f"not valid JSON ({err})") from None
    if not isinstance(data, dict):
        raise InputError(path, "metadata must be a JSON object")
    return data


def _tag_text(value: str | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check(data: dict[str, Any], where: Path) -> RecordingMeta:
    """Type-check the known fields; InputError naming ``where`` and the field."""
    for key in _TEXT:
        if key in data and not isinstance(data[key], str):
            raise InputError(where, f"metadata '{key}' must be text")
    if "sensor" in data and not isinstance(data["sensor"], str | dict):
        raise InputError(where, "metadata 'sensor' must be a part name (or a mapping)")
    for key in _NUMBER:
        if key in data:
            value = data[key]
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not math.isfinite(value) or value <= 0:
                raise InputError(where, f"metadata '{key}' must be a positive number")
    condition = data.get("condition", {})
    if not isinstance(condition, dict) or not all(
        isinstance(v, str | int | float) for v in condition.values()
    ):
        raise InputError(where, "metadata 'condition' must map tag names to text or numbers")
    channels = data.get("channels")
    if channels is not None and (
        not isinstance(channels, list)
        or not channels
        or not all(isinstance(c, str) and c for c in channels)
    ):
        raise InputError(where, "metadata 'channels' must list channel names")
    if ("units" in data) != ("scale" in data):
        raise InputError(
            where, "metadata 'units' and 'scale' go together (scale: units per sensor count)"
        )
    return RecordingMeta(
        session=data.get("session"),
        condition={str(k): _tag_text(v) for k, v in condition.items()},
        units=data.get("units"),
        scale=float(data["scale"]) if "scale" in data else None,
        sample_rate_hz=float(data["sample_rate_hz"]) if "sample_rate_hz" in data else None,
        channels=tuple(channels) if channels else None,
        raw=dict(data),
    )
