"""Typed wrapper of the C drift statistics (drift.h)."""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

import numpy as np

from tinyml_tools.native.library import check, library, ptr


class DriftStruct(ctypes.Structure):
    """struct tinyml_drift."""

    _fields_ = [
        ("mean_q8", ctypes.POINTER(ctypes.c_int64)),
        ("m2_q16", ctypes.POINTER(ctypes.c_int64)),
        ("n_features", ctypes.c_uint32),
        ("horizon", ctypes.c_uint32),
        ("count", ctypes.c_uint32),
    ]


class NativeDrift:
    """Running mean/std of each feature and the drift score, as the firmware computes them."""

    def __init__(self, n_features: int, horizon: int) -> None:
        self._mean = np.zeros(n_features, np.int64)
        self._m2 = np.zeros(n_features, np.int64)
        self._d = DriftStruct()
        self.n_features = n_features
        rc = library().tinyml_drift_init(
            ctypes.byref(self._d), ptr(self._mean, ctypes.c_int64), ptr(self._m2, ctypes.c_int64),
            ctypes.c_size_t(n_features), ctypes.c_uint32(horizon),
        )  # fmt: skip
        check("tinyml_drift_init", rc)

    def update(self, features: Sequence[int] | np.ndarray) -> None:
        x = np.ascontiguousarray(np.asarray(features), np.int32)
        rc = library().tinyml_drift_update(
            ctypes.byref(self._d), ptr(x, ctypes.c_int32), ctypes.c_size_t(x.size)
        )
        check("tinyml_drift_update", rc)

    def stats(self, i: int) -> tuple[int, int]:
        """(mean, std) of feature i, both Q8."""
        mean, std = ctypes.c_int32(), ctypes.c_uint32()
        rc = library().tinyml_drift_stats(
            ctypes.byref(self._d), ctypes.c_size_t(i), ctypes.byref(mean), ctypes.byref(std)
        )
        check("tinyml_drift_stats", rc)
        return int(mean.value), int(std.value)

    def score_q8(self, base_mean_q8: Sequence[int], base_std_q8: Sequence[int]) -> int:
        bm = np.ascontiguousarray(np.asarray(base_mean_q8), np.int32)
        bs = np.ascontiguousarray(np.asarray(base_std_q8), np.uint32)
        out = ctypes.c_int32()
        rc = library().tinyml_drift_score_q8(
            ctypes.byref(self._d), ptr(bm, ctypes.c_int32), ptr(bs, ctypes.c_uint32),
            ctypes.c_size_t(bm.size), ctypes.byref(out),
        )  # fmt: skip
        check("tinyml_drift_score_q8", rc)
        return int(out.value)
