"""Decoding the recording stream of ``tinyml/recstream.h``: console lines in, frames out.

Each frame is one line ``@TR1:<base64>``, anywhere in a console capture (log lines, shell
prompts and timestamps around it are ignored). A frame is accepted only when its base64 is
strict, its length matches its header and its CRC-32 holds; anything else that carries the
prefix is reported as a corrupt line, never guessed at.
"""

from __future__ import annotations

import binascii
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

PREFIX = "@TR1:"
VERSION = 1
BEGIN, DATA, END = 1, 2, 3
KIND_WINDOW, KIND_SNIPPET = 0, 1
NO_CLASS = 0xFFFF
MAX_CHANNELS = 8
NAMES_BYTES = 32
SENSOR_BYTES = 48

_HEADER = struct.Struct("<BBHIH")
_BEGIN = struct.Struct(f"<8IBBH{NAMES_BYTES}s{SENSOR_BYTES}s")
_DATA_HEAD = struct.Struct("<IH")
_END = struct.Struct("<III")
_LINE = re.compile(re.escape(PREFIX) + r"(\S*)")


@dataclass(frozen=True)
class BeginInfo:
    sample_rate_hz: float
    frames: int
    pre_trigger_frames: int
    timestamp_ms: int
    fw_version: int
    model_version: int
    pipeline_id: int
    runtime_id: int
    channels: int
    kind: int
    trigger_class: int
    channel_names: tuple[str, ...]
    sensor: dict[str, str]


@dataclass(frozen=True)
class EndInfo:
    frames_sent: int
    samples_crc: int
    overruns: int


@dataclass(frozen=True)
class Frame:
    line: int  # 1-based line number in the capture
    type: int
    rec_id: int
    seq: int
    begin: BeginInfo | None = None
    first_frame: int = 0
    samples: bytes = b""  # DATA: little-endian int16, interleaved
    n_frames: int = 0
    end: EndInfo | None = None


@dataclass(frozen=True)
class BadLine:
    line: int
    problem: str


def version_text(packed: int) -> str:
    """(major << 16) | (minor << 8) | patch as 'major.minor.patch'."""
    return f"{packed >> 16}.{(packed >> 8) & 0xFF}.{packed & 0xFF}"


def _text(raw: bytes) -> str:
    end = raw.find(b"\0")
    if end < 0 or any(raw[end:]):
        raise ValueError("text field not NUL-padded")
    return raw[:end].decode("ascii")


def _sensor(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in filter(None, text.split(";")):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"sensor setting '{item}' is not key=value")
        out[key.strip()] = value.strip()
    return out


def _begin(payload: bytes) -> BeginInfo:
    if len(payload) != _BEGIN.size:
        raise ValueError(f"BEGIN payload is {len(payload)} bytes, expected {_BEGIN.size}")
    (rate, frames, pre, ts, fw, model, pipe, runtime, nch, kind, cls, names, sensor) = (
        _BEGIN.unpack(payload)
    )
    if not 1 <= nch <= MAX_CHANNELS or kind > KIND_SNIPPET or rate == 0 or frames == 0:
        raise ValueError("BEGIN fields out of range")
    if pre > frames:
        raise ValueError("BEGIN pre-trigger count beyond the recording")
    name_text = _text(names)
    channel_names = tuple(name_text.split(",")) if name_text else ()
    if not channel_names:
        channel_names = tuple(f"ch{i}" for i in range(nch))
    if len(channel_names) != nch or not all(channel_names):
        raise ValueError(f"BEGIN names {len(channel_names)} channels, announces {nch}")
    return BeginInfo(
        rate / 1000.0,
        frames,
        pre,
        ts,
        fw,
        model,
        pipe,
        runtime,
        nch,
        kind,
        cls,
        channel_names,
        _sensor(_text(sensor)),
    )


def decode_frame(raw: bytes, line: int) -> Frame:
    """One binary frame; ValueError names what is wrong."""
    if len(raw) < _HEADER.size + 4:
        raise ValueError(f"frame of {len(raw)} bytes is shorter than a header")
    version, type_, rec_id, seq, plen = _HEADER.unpack_from(raw)
    if len(raw) != _HEADER.size + plen + 4:
        raise ValueError(f"frame is {len(raw)} bytes, its header says {_HEADER.size + plen + 4}")
    (crc,) = struct.unpack_from("<I", raw, len(raw) - 4)
    if zlib.crc32(raw[:-4]) != crc:
        raise ValueError("CRC-32 mismatch")
    if version != VERSION:
        raise ValueError(f"frame layout version {version}, this tool reads {VERSION}")
    payload = raw[_HEADER.size : -4]
    if type_ == BEGIN:
        return Frame(line, type_, rec_id, seq, begin=_begin(payload))
    if type_ == DATA:
        if len(payload) < _DATA_HEAD.size:
            raise ValueError("DATA payload shorter than its head")
        first, n_frames = _DATA_HEAD.unpack_from(payload)
        samples = payload[_DATA_HEAD.size :]
        if n_frames == 0 or len(samples) % (2 * n_frames):
            raise ValueError("DATA sample bytes do not match the frame count")
        return Frame(
            line, type_, rec_id, seq, first_frame=first, samples=samples, n_frames=n_frames
        )
    if type_ == END:
        if len(payload) != _END.size:
            raise ValueError("END payload has the wrong size")
        return Frame(line, type_, rec_id, seq, end=EndInfo(*_END.unpack(payload)))
    raise ValueError(f"unknown frame type {type_}")


def scan(lines: Iterable[str]) -> Iterator[Frame | BadLine]:
    """Frames and bad lines of a console capture, in order."""
    for number, text in enumerate(lines, start=1):
        match = _LINE.search(text)
        if match is None:
            continue
        token = match.group(1)
        try:
            raw = binascii.a2b_base64(token, strict_mode=True)
        except (binascii.Error, ValueError) as err:
            yield BadLine(number, f"torn or corrupt frame (base64: {err})")
            continue
        try:
            yield decode_frame(raw, number)
        except (ValueError, UnicodeDecodeError) as err:
            yield BadLine(number, f"corrupt frame ({err})")
