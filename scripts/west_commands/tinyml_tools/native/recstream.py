"""The device's recording-stream encoder (core/recstream.c) through the host library.

Used to check the Python decoder against the C encoder bit for bit, and to turn a recording
into the exact lines a device in recording mode writes (``field stream``).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .library import check, library

NAMES_BYTES = 32
SENSOR_BYTES = 48
MAX_SAMPLES = 64
LINE_MAX = 5 + 4 * ((10 + 6 + 2 * MAX_SAMPLES + 4 + 2) // 3) + 2


class _Info(ctypes.Structure):
    _fields_ = [
        ("sample_rate_mhz", ctypes.c_uint32),
        ("frames", ctypes.c_uint32),
        ("pre_trigger_frames", ctypes.c_uint32),
        ("timestamp_ms", ctypes.c_uint32),
        ("fw_version", ctypes.c_uint32),
        ("model_version", ctypes.c_uint32),
        ("pipeline_id", ctypes.c_uint32),
        ("runtime_id", ctypes.c_uint32),
        ("channels", ctypes.c_uint8),
        ("kind", ctypes.c_uint8),
        ("trigger_class", ctypes.c_uint16),
        ("channel_names", ctypes.c_char * NAMES_BYTES),
        ("sensor", ctypes.c_char * SENSOR_BYTES),
    ]


class _State(ctypes.Structure):
    _fields_ = [
        ("seq", ctypes.c_uint32),
        ("frames_total", ctypes.c_uint32),
        ("frames_sent", ctypes.c_uint32),
        ("samples_crc", ctypes.c_uint32),
        ("rec_id", ctypes.c_uint16),
        ("channels", ctypes.c_uint8),
        ("open", ctypes.c_bool),
    ]


@dataclass(frozen=True)
class StreamInfo:
    """The BEGIN fields a device fills in (versions packed as major<<16 | minor<<8 | patch)."""

    sample_rate_hz: float
    channel_names: tuple[str, ...]
    fw_version: int = 0
    model_version: int = 0
    pipeline_id: int = 0
    runtime_id: int = 0
    kind: int = 0
    pre_trigger_frames: int = 0
    trigger_class: int = 0xFFFF
    timestamp_ms: int = 0
    sensor: str = ""


class Encoder:
    """One device-side encoder: sequence numbers and recording ids continue across calls."""

    def __init__(self, first_seq: int = 0) -> None:
        lib = library()
        self._lib = lib
        self._state = _State()
        lib.tinyml_recstream_init(ctypes.byref(self._state), ctypes.c_uint32(first_seq))
        self._line = ctypes.create_string_buffer(LINE_MAX)
        for name in ("tinyml_recstream_begin", "tinyml_recstream_data", "tinyml_recstream_end"):
            getattr(lib, name).restype = ctypes.c_int
        lib.tinyml_recstream_max_frames.restype = ctypes.c_uint16

    def _take(self, name: str, rc: int) -> str:
        check(name, rc)
        return self._line.raw[:rc].decode("ascii")

    def encode(
        self,
        info: StreamInfo,
        samples: npt.NDArray[np.int16],
        overruns: int = 0,
        chunk_frames: int | None = None,
    ) -> list[str]:
        """The lines of one recording: BEGIN, DATA..., END."""
        data = np.ascontiguousarray(samples, dtype=np.int16)
        frames, channels = data.shape
        c_info = _Info(
            sample_rate_mhz=round(info.sample_rate_hz * 1000),
            frames=frames,
            pre_trigger_frames=info.pre_trigger_frames,
            timestamp_ms=info.timestamp_ms,
            fw_version=info.fw_version,
            model_version=info.model_version,
            pipeline_id=info.pipeline_id,
            runtime_id=info.runtime_id,
            channels=channels,
            kind=info.kind,
            trigger_class=info.trigger_class,
            channel_names=",".join(info.channel_names).encode("ascii"),
            sensor=info.sensor.encode("ascii"),
        )
        lib, st, line, cap = self._lib, ctypes.byref(self._state), self._line, LINE_MAX
        out = [
            self._take(
                "recstream_begin", lib.tinyml_recstream_begin(st, ctypes.byref(c_info), line, cap)
            )
        ]
        step = int(lib.tinyml_recstream_max_frames(st))
        if chunk_frames is not None:
            step = min(step, chunk_frames)
        for first in range(0, frames, step):
            block = np.ascontiguousarray(data[first : first + step])
            ptr = block.ctypes.data_as(ctypes.POINTER(ctypes.c_int16))
            rc = lib.tinyml_recstream_data(st, ptr, ctypes.c_uint16(block.shape[0]), line, cap)
            out.append(self._take("recstream_data", rc))
        rc = lib.tinyml_recstream_end(st, ctypes.c_uint32(overruns), line, cap)
        out.append(self._take("recstream_end", rc))
        return out
