"""Typed wrappers of the C feature pipeline (pipeline.h, fft.h, features.h, fixed.h)."""

from __future__ import annotations

import ctypes

import numpy as np
import numpy.typing as npt

from tinyml_tools.features.pipeline import PipelineConfig, encode_pipeline
from tinyml_tools.native.library import check, library, ptr

MAX_BANDS = 8
MAX_MELS = 64


class PipelineStruct(ctypes.Structure):
    """struct tinyml_pipeline_config."""

    _fields_ = [
        ("kind", ctypes.c_uint8),
        ("axes", ctypes.c_uint8),
        ("window_fn", ctypes.c_uint8),
        ("dc_remove", ctypes.c_uint8),
        ("sample_rate_hz", ctypes.c_uint32),
        ("window_len", ctypes.c_uint16),
        ("hop", ctypes.c_uint16),
        ("pre_emphasis_q15", ctypes.c_uint16),
        ("feature_mask", ctypes.c_uint16),
        ("spectrum_lo", ctypes.c_uint16),
        ("spectrum_hi", ctypes.c_uint16),
        ("fundamental_bin", ctypes.c_uint16),
        ("n_harmonics", ctypes.c_uint8),
        ("n_peaks", ctypes.c_uint8),
        ("n_bands", ctypes.c_uint8),
        ("n_mels", ctypes.c_uint8),
        ("clip_len", ctypes.c_uint32),
        ("band_lo", ctypes.c_uint16 * MAX_BANDS),
        ("band_hi", ctypes.c_uint16 * MAX_BANDS),
        ("mel_edges", ctypes.c_uint16 * (MAX_MELS + 2)),
    ]


class TimeStatsStruct(ctypes.Structure):
    """struct tinyml_time_stats."""

    _fields_ = [
        ("mean", ctypes.c_int32),
        ("rms", ctypes.c_uint32),
        ("peak", ctypes.c_uint32),
        ("zcr", ctypes.c_uint32),
        ("crest_q8", ctypes.c_int32),
    ]


def parse_blob(blob: bytes) -> PipelineStruct:
    """tinyml_pipeline_parse(); NativeError with the errno when the C side rejects it."""
    cfg = PipelineStruct()
    buf = (ctypes.c_uint8 * max(len(blob), 1)).from_buffer_copy(blob or b"\0")
    check(
        "tinyml_pipeline_parse", library().tinyml_pipeline_parse(buf, len(blob), ctypes.byref(cfg))
    )
    return cfg


class NativePipeline:
    """A configured pipeline run by the C core (the firmware's code) on the desktop."""

    def __init__(self, cfg: PipelineConfig) -> None:
        self.config = cfg
        self._struct = parse_blob(encode_pipeline(cfg))
        lib = library()
        self.feature_count = check(
            "tinyml_pipeline_feature_count",
            lib.tinyml_pipeline_feature_count(ctypes.byref(self._struct)),
        )
        self.input_len = check(
            "tinyml_pipeline_input_len", lib.tinyml_pipeline_input_len(ctypes.byref(self._struct))
        )
        self._scratch = np.zeros((10 * cfg.window_len + 16) // 4 + 1, np.uint32)

    @property
    def pipeline_id(self) -> int:
        out = ctypes.c_uint32()
        check(
            "tinyml_pipeline_id",
            library().tinyml_pipeline_id(ctypes.byref(self._struct), ctypes.byref(out)),
        )
        return int(out.value)

    def run(self, samples: npt.ArrayLike) -> npt.NDArray[np.int32]:
        x = np.ascontiguousarray(np.asarray(samples).ravel(), np.int16)
        out = np.zeros(self.feature_count, np.int32)
        rc = library().tinyml_pipeline_run(
            ctypes.byref(self._struct), ptr(x, ctypes.c_int16), ctypes.c_size_t(x.size),
            ptr(self._scratch, ctypes.c_uint32), ctypes.c_size_t(self._scratch.nbytes),
            ptr(out, ctypes.c_int32), ctypes.c_size_t(out.size),
        )  # fmt: skip
        check("tinyml_pipeline_run", rc)
        return out


def rfft_q15(x: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """tinyml_rfft_q15() of n values: (n/2 + 1, 2) bins."""
    v = np.asarray(x).ravel()
    buf = np.zeros(v.size + 2, np.int16)
    buf[: v.size] = v
    check(
        "tinyml_rfft_q15",
        library().tinyml_rfft_q15(ptr(buf, ctypes.c_int16), ctypes.c_size_t(buf.size),
                                  ctypes.c_size_t(v.size)),
    )  # fmt: skip
    return buf.astype(np.int64).reshape(-1, 2)


def prepare(
    x: npt.ArrayLike, dc_remove: bool, pre_emphasis_q15: int, window: int
) -> tuple[npt.NDArray[np.int64], int, TimeStatsStruct]:
    """tinyml_features_prepare(): FFT input, block-scaling shift and time statistics."""
    v = np.ascontiguousarray(np.asarray(x).ravel(), np.int16)
    work = np.zeros(v.size, np.int32)
    out = np.zeros(v.size, np.int16)
    shift = ctypes.c_int32()
    stats = TimeStatsStruct()
    rc = library().tinyml_features_prepare(
        ptr(v, ctypes.c_int16), ctypes.c_size_t(v.size), ctypes.c_int(int(dc_remove)),
        ctypes.c_uint16(pre_emphasis_q15), ctypes.c_int(window), ptr(work, ctypes.c_int32),
        ptr(out, ctypes.c_int16), ctypes.byref(shift), ctypes.byref(stats),
    )  # fmt: skip
    check("tinyml_features_prepare", rc)
    return out.astype(np.int64), int(shift.value), stats


def time_stats(x: npt.ArrayLike, dc_remove: bool) -> TimeStatsStruct:
    v = np.ascontiguousarray(np.asarray(x).ravel(), np.int16)
    out = TimeStatsStruct()
    rc = library().tinyml_features_time(
        ptr(v, ctypes.c_int16), ctypes.c_size_t(v.size), ctypes.c_int(int(dc_remove)),
        ctypes.byref(out),
    )  # fmt: skip
    check("tinyml_features_time", rc)
    return out


def log2_q8(x: int) -> int:
    fn = library().tinyml_log2_q8
    fn.restype = ctypes.c_int32
    fn.argtypes = [ctypes.c_uint64]
    return int(fn(x))
