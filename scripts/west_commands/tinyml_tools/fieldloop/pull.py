"""``field pull``: a captured console stream in, recordings and sidecars out.

Frames are put together per recording in sequence order. A recording is kept only when every
one of its frames arrived intact and in order, its END frame's sample count and CRC-32 match
what arrived and the device lost no samples while recording; every other recording is reported
with the reason and written nowhere (a torn frame is never merged or padded over).

The written files are what ``dataset import`` takes as they are: ``<stem>.npz`` (or ``.csv`` /
``.wav``), ``<stem>.meta.json`` with the sensor settings, versions and trigger, and, with
``negatives=True``, a header-only ``<stem>.labels.csv`` (the whole recording is background).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..replay import labels as labels_io
from ..replay import recording as recording_io
from ..replay.recording import Recording
from . import recstream
from .recstream import BadLine, BeginInfo, Frame

FORMATS = ("npz", "csv", "wav")
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Issue:
    line: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "problem": self.message}


@dataclass
class Pulled:
    """One complete recording rebuilt from the stream."""

    rec_id: int
    seq: int  # sequence number of its BEGIN frame
    line: int
    info: BeginInfo
    recording: Recording
    overruns: int = 0


@dataclass
class _Open:
    begin: Frame
    chunks: list[bytes] = field(default_factory=list)
    received: int = 0
    broken: str | None = None


@dataclass
class PullResult:
    recordings: list[Pulled] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    frames: int = 0
    written: list[Path] = field(default_factory=list)


def meta_for(info: BeginInfo, session: str, rec_id: int, seq: int) -> dict[str, Any]:
    """The sidecar: the dataset's known fields plus the stream's own."""
    meta: dict[str, Any] = {
        "sample_rate_hz": info.sample_rate_hz,
        "channels": list(info.channel_names),
        "firmware": recstream.version_text(info.fw_version),
        "model_version": recstream.version_text(info.model_version),
        "pipeline_version": f"0x{info.pipeline_id:08x}",
        "runtime_id": f"0x{info.runtime_id:08x}",
        "session": session,
        "source": "recstream",
        "kind": "snippet" if info.kind == recstream.KIND_SNIPPET else "window",
        "device": {"recording_id": rec_id, "stream_seq": seq},
        "timestamp_ms": info.timestamp_ms,
    }
    if info.sensor:
        meta["sensor"] = dict(info.sensor)
    if info.kind == recstream.KIND_SNIPPET:
        meta["trigger"] = {
            "t": round(info.pre_trigger_frames / info.sample_rate_hz, 6),
            "pre_trigger_samples": info.pre_trigger_frames,
            "class_id": None if info.trigger_class == recstream.NO_CLASS else info.trigger_class,
        }
    return meta


def assemble(lines: Iterable[str]) -> PullResult:
    """Every complete recording of a capture, and every problem found on the way."""
    result = PullResult()
    current: _Open | None = None
    expected: int | None = None
    previous: Frame | None = None

    def close(reason: str | None, line: int) -> None:
        nonlocal current
        if current is not None and reason is not None:
            b = current.begin
            result.issues.append(
                Issue(line, f"recording {b.rec_id} (begun at line {b.line}) not kept: {reason}")
            )
        current = None

    for item in recstream.scan(lines):
        if isinstance(item, BadLine):
            result.issues.append(Issue(item.line, item.problem))
            if current is not None and current.broken is None:
                current.broken = f"a frame was torn or corrupt at line {item.line}"
            continue
        if previous is not None and replace(item, line=previous.line) == previous:
            result.issues.append(Issue(item.line, f"frame {item.seq} repeated (ignored)"))
            continue
        previous = item
        result.frames += 1
        if expected is not None and item.seq != expected:
            if item.seq > expected:
                gap = f"frames {expected}..{item.seq - 1} missing"
            else:
                gap = f"sequence restarts at {item.seq} after {expected - 1} (device reset?)"
            result.issues.append(Issue(item.line, gap))
            if current is not None and current.broken is None:
                current.broken = gap
        expected = (item.seq + 1) & 0xFFFFFFFF
        if item.type == recstream.BEGIN:
            if current is not None:
                close(current.broken or "no END frame before the next recording", item.line)
            current = _Open(item)
            continue
        if current is None or item.rec_id != current.begin.rec_id:
            what = "DATA" if item.type == recstream.DATA else "END"
            result.issues.append(
                Issue(item.line, f"{what} frame of recording {item.rec_id} without its BEGIN")
            )
            if current is not None and current.broken is None:
                current.broken = f"a frame of another recording at line {item.line}"
            continue
        if item.type == recstream.DATA:
            _data(current, item)
            continue
        reason = _end_problem(current, item)
        if reason is not None:
            close(reason, item.line)
            continue
        result.recordings.append(_finish(current, item))
        current = None
    if current is not None:
        close(current.broken or "the capture ends before its END frame", current.begin.line)
    return result


def _data(current: _Open, item: Frame) -> None:
    info = current.begin.begin
    assert info is not None
    if current.broken is not None:
        return
    if item.first_frame != current.received:
        current.broken = (
            f"DATA at line {item.line} starts at sample {item.first_frame}, "
            f"expected {current.received}"
        )
    elif len(item.samples) != 2 * item.n_frames * info.channels:
        current.broken = f"DATA at line {item.line} does not hold {info.channels} channels"
    elif current.received + item.n_frames > info.frames:
        current.broken = f"DATA at line {item.line} runs past the announced {info.frames} samples"
    else:
        current.chunks.append(item.samples)
        current.received += item.n_frames


def _end_problem(current: _Open, item: Frame) -> str | None:
    info, end = current.begin.begin, item.end
    assert info is not None and end is not None
    if current.broken is not None:
        return current.broken
    if end.frames_sent != info.frames:
        return f"the device ended it after {end.frames_sent} of {info.frames} samples"
    if current.received != end.frames_sent:
        return f"{current.received} samples arrived, the device sent {end.frames_sent}"
    crc = 0
    for chunk in current.chunks:
        crc = zlib.crc32(chunk, crc)
    if crc != end.samples_crc:
        return "CRC-32 of the samples does not match the END frame"
    if end.overruns:
        return f"the capture lost {end.overruns} samples while recording"
    return None


def _finish(current: _Open, item: Frame) -> Pulled:
    info = current.begin.begin
    assert info is not None and item.end is not None
    data = np.frombuffer(b"".join(current.chunks), dtype="<i2").astype(np.int16)
    samples = data.reshape(info.frames, info.channels)
    rec = Recording(samples, info.sample_rate_hz, info.channel_names, {})
    return Pulled(current.begin.rec_id, current.begin.seq, current.begin.line, info, rec)


def stem(prefix: str, pulled: Pulled) -> str:
    return f"{prefix}-{pulled.seq:08d}"


def write(
    result: PullResult,
    out: Path,
    prefix: str,
    fmt: str = "npz",
    session: str | None = None,
    negatives: bool = False,
) -> list[Path]:
    """Write every complete recording; refuses (before writing anything) to overwrite a file."""
    if not _NAME.match(prefix):
        raise InputError(prefix, "prefix must be letters, digits, '_' or '-'")
    if fmt not in FORMATS:
        raise InputError(fmt, f"unknown format (use {', '.join(FORMATS)})")
    if out.exists() and not out.is_dir():
        raise InputError(out, "is not a folder")
    planned: list[tuple[Pulled, Path]] = []
    for pulled in result.recordings:
        path = out / f"{stem(prefix, pulled)}.{fmt}"
        for target in (path, recording_io.sidecar_path(path), _labels_path(path)):
            if target.exists():
                raise InputError(target, "already exists; pull into another folder or --prefix")
        planned.append((pulled, path))
    if fmt == "wav":
        for pulled, path in planned:
            if pulled.info.sample_rate_hz != round(pulled.info.sample_rate_hz):
                raise InputError(path, "WAV needs an integer sample rate; use --format npz")
    written: list[Path] = []
    for pulled, path in planned:
        meta = meta_for(pulled.info, session or prefix, pulled.rec_id, pulled.seq)
        rec = Recording(
            pulled.recording.samples, pulled.info.sample_rate_hz, pulled.info.channel_names, meta
        )
        recording_io.write(path, rec)
        written.append(path)
        if fmt == "npz":  # .csv/.wav get theirs from recording.write
            side = recording_io.sidecar_path(path)
            recording_io._write_sidecar(path, rec)
            written.append(side)
        else:
            written.append(recording_io.sidecar_path(path))
        if negatives:
            labels_io.write(_labels_path(path), [])
            written.append(_labels_path(path))
    result.written = written
    return written


def _labels_path(path: Path) -> Path:
    return path.with_name(path.name.split(".")[0] + ".labels.csv")
