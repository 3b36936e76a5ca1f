"""Event summaries as CBOR (docs/field-loop.md, "Event summary"): decode, encode, read.

A summary is a definite-length CBOR map with small unsigned-integer keys, as the firmware
writes it with zcbor. Inputs the host reads:

- a binary file: a CBOR sequence (RFC 8742) of summaries, or of SMP "read pending" responses
  (maps with ``ev``), or a mix;
- a text file (a console capture): lines ``@TE1:<base64 of one summary>``, other lines ignored.

Every malformed summary raises :class:`~tinyml_tools.errors.InputError` naming the file and
the item; nothing is skipped silently.
"""

from __future__ import annotations

import binascii
import io
import re
from dataclasses import dataclass
from enum import IntFlag
from pathlib import Path
from typing import Any

import cbor2

from ..errors import InputError
from .recstream import version_text

LINE_PREFIX = "@TE1:"
Q15_MAX = 32767

# Map keys.
K_SEQ, K_TIME, K_CLASS, K_SCORE, K_FW, K_MODEL, K_PIPELINE, K_FLAGS, K_DRIFT = range(9)
K_FEATURES, K_MARGIN, K_BOOTS, K_DROPPED, K_RUNTIME = range(9, 14)
REQUIRED = (K_SEQ, K_TIME, K_CLASS, K_SCORE, K_FW, K_MODEL, K_PIPELINE, K_FLAGS, K_DRIFT)
_UINT32 = 0xFFFFFFFF
_LINE = re.compile(re.escape(LINE_PREFIX) + r"(\S*)")


class Flags(IntFlag):
    FALSE_TRIGGER = 0x1  # the user flagged this event as a false trigger
    DRIFT_ALARM = 0x2  # drift score above the alarm level when the event fired
    FLAGGED_FROM_SHELL = 0x4  # the flag came from the shell, not the button


@dataclass(frozen=True)
class FeatureSummary:
    mean_q8: int  # mean over the windows that fired, Q8 of the feature's integer units
    peak: int  # largest value over those windows, in the feature's integer units


@dataclass(frozen=True)
class EventSummary:
    seq: int
    time_s: int
    class_id: int
    score_q15: int
    fw_version: int
    model_version: int
    pipeline_id: int
    flags: Flags
    drift_q8: int
    features: tuple[FeatureSummary, ...] = ()
    margin_q15: int | None = None
    boots: int | None = None
    dropped: int | None = None
    runtime_id: int | None = None

    @property
    def false_trigger(self) -> bool:
        return bool(self.flags & Flags.FALSE_TRIGGER)

    def to_json(self, labels: tuple[str, ...] = ()) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seq": self.seq,
            "time_s": self.time_s,
            "class_id": self.class_id,
            "score": round(self.score_q15 / Q15_MAX, 4),
            "firmware": version_text(self.fw_version),
            "model_version": version_text(self.model_version),
            "pipeline_id": f"0x{self.pipeline_id:08x}",
            "flags": [f.name.lower() for f in Flags if f in self.flags and f.name],
            "drift_score": self.drift_q8 / 256.0,
        }
        if self.class_id < len(labels):
            out["class"] = labels[self.class_id]
        if self.features:
            out["features"] = [{"mean": f.mean_q8 / 256.0, "peak": f.peak} for f in self.features]
        for key, value in (
            ("margin", None if self.margin_q15 is None else round(self.margin_q15 / Q15_MAX, 4)),
            ("boots", self.boots),
            ("dropped_before", self.dropped),
            ("runtime_id", None if self.runtime_id is None else f"0x{self.runtime_id:08x}"),
        ):
            if value is not None:
                out[key] = value
        return out


def _uint(m: dict[Any, Any], key: int, limit: int = _UINT32) -> int:
    value = m[key]
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= limit:
        raise ValueError(f"key {key} must be an unsigned integer up to {limit}, got {value!r}")
    return value


def _opt(m: dict[Any, Any], key: int, limit: int = _UINT32) -> int | None:
    return _uint(m, key, limit) if key in m else None


def _int32(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not -(2**31) <= value < 2**31:
        raise ValueError(f"{what} must be a 32-bit integer, got {value!r}")
    return value


def from_map(m: Any) -> EventSummary:
    """One decoded CBOR map; ValueError names the bad key."""
    if not isinstance(m, dict):
        raise ValueError(f"expected a map, got {type(m).__name__}")
    missing = [k for k in REQUIRED if k not in m]
    if missing:
        raise ValueError(f"missing key(s) {', '.join(map(str, missing))}")
    features: list[FeatureSummary] = []
    if K_FEATURES in m:
        raw = m[K_FEATURES]
        if not isinstance(raw, list) or len(raw) > 64:
            raise ValueError("key 9 (features) must be an array of at most 64 [mean, peak]")
        for i, pair in enumerate(raw):
            if not isinstance(pair, list) or len(pair) != 2:
                raise ValueError(f"feature {i} must be [mean_q8, peak]")
            features.append(
                FeatureSummary(
                    _int32(pair[0], f"feature {i} mean"), _int32(pair[1], f"feature {i} peak")
                )
            )
    flags = _uint(m, K_FLAGS, 0xFFFF)
    return EventSummary(
        seq=_uint(m, K_SEQ),
        time_s=_uint(m, K_TIME),
        class_id=_uint(m, K_CLASS, 0xFFFF),
        score_q15=_uint(m, K_SCORE, Q15_MAX),
        fw_version=_uint(m, K_FW),
        model_version=_uint(m, K_MODEL),
        pipeline_id=_uint(m, K_PIPELINE),
        flags=Flags(flags & int(sum(Flags))),
        drift_q8=_int32(m[K_DRIFT], "key 8 (drift)"),
        features=tuple(features),
        margin_q15=_opt(m, K_MARGIN, Q15_MAX),
        boots=_opt(m, K_BOOTS),
        dropped=_opt(m, K_DROPPED),
        runtime_id=_opt(m, K_RUNTIME),
    )


def to_map(ev: EventSummary) -> dict[int, Any]:
    """The CBOR map the firmware writes (the reference for tests and the docs)."""
    m: dict[int, Any] = {
        K_SEQ: ev.seq,
        K_TIME: ev.time_s,
        K_CLASS: ev.class_id,
        K_SCORE: ev.score_q15,
        K_FW: ev.fw_version,
        K_MODEL: ev.model_version,
        K_PIPELINE: ev.pipeline_id,
        K_FLAGS: int(ev.flags),
        K_DRIFT: ev.drift_q8,
    }
    if ev.features:
        m[K_FEATURES] = [[f.mean_q8, f.peak] for f in ev.features]
    for key, value in (
        (K_MARGIN, ev.margin_q15),
        (K_BOOTS, ev.boots),
        (K_DROPPED, ev.dropped),
        (K_RUNTIME, ev.runtime_id),
    ):
        if value is not None:
            m[key] = value
    return m


def encode(ev: EventSummary) -> bytes:
    return cbor2.dumps(to_map(ev))


def decode(data: bytes) -> EventSummary:
    """Exactly one summary; trailing bytes are an error."""
    stream = io.BytesIO(data)
    item = cbor2.load(stream)
    if stream.tell() != len(data):
        raise ValueError(f"{len(data) - stream.tell()} bytes after the summary")
    return from_map(item)


def _items(path: Path, data: bytes) -> list[Any]:
    stream = io.BytesIO(data)
    items: list[Any] = []
    while stream.tell() < len(data):
        start = stream.tell()
        try:
            items.append(cbor2.load(stream))
        except (cbor2.CBORDecodeError, ValueError, EOFError) as err:
            raise InputError(path, f"item at byte {start} is not valid CBOR ({err})") from None
    return items


def read(path: Path) -> list[EventSummary]:
    """Every summary in a file of CBOR items or of ``@TE1:`` console lines, in file order."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror})") from None
    if LINE_PREFIX.encode() in data:
        return _read_lines(path, data)
    out: list[EventSummary] = []
    for i, item in enumerate(_items(path, data)):
        maps = item["ev"] if isinstance(item, dict) and "ev" in item else [item]
        if not isinstance(maps, list):
            raise InputError(path, f"item {i}: 'ev' must be an array of summaries")
        for j, m in enumerate(maps):
            try:
                out.append(from_map(m))
            except ValueError as err:
                raise InputError(path, f"item {i}.{j}: bad event summary: {err}") from None
    return out


def _read_lines(path: Path, data: bytes) -> list[EventSummary]:
    out: list[EventSummary] = []
    text = data.decode("ascii", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.search(line)
        if match is None:
            continue
        try:
            raw = binascii.a2b_base64(match.group(1), strict_mode=True)
            out.append(decode(raw))
        except (binascii.Error, cbor2.CBORDecodeError, EOFError, ValueError) as err:
            raise InputError(path, f"line {number}: bad event summary: {err}") from None
    return out
