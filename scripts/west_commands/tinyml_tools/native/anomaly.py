"""Typed wrapper of the C anomaly score (anomaly.h)."""

from __future__ import annotations

import ctypes

import numpy as np
import numpy.typing as npt

from tinyml_tools.native.library import check, library, ptr


class AnomalyConfigStruct(ctypes.Structure):
    """struct tinyml_anomaly_config."""

    _fields_ = [
        ("input_zero_point", ctypes.c_int32),
        ("output_zero_point", ctypes.c_int32),
        ("output_ratio_q16", ctypes.c_uint32),
        ("full_scale_q8", ctypes.c_uint32),
        ("n_values", ctypes.c_uint32),
    ]


class NativeAnomaly:
    """The firmware's reconstruction-error score of one autoencoder."""

    def __init__(
        self,
        input_zero_point: int,
        output_zero_point: int,
        output_ratio_q16: int,
        full_scale_q8: int,
        n_values: int,
    ) -> None:
        self._cfg = AnomalyConfigStruct(
            input_zero_point, output_zero_point, output_ratio_q16, full_scale_q8, n_values
        )
        check("tinyml_anomaly_check", library().tinyml_anomaly_check(ctypes.byref(self._cfg)))
        self.n_values = n_values

    def error_q8(
        self, model_input: npt.NDArray[np.int8], model_output: npt.NDArray[np.int8]
    ) -> int:
        a = np.ascontiguousarray(model_input.reshape(-1), np.int8)
        b = np.ascontiguousarray(model_output.reshape(-1), np.int8)
        out = ctypes.c_uint32()
        rc = library().tinyml_anomaly_error_q8(
            ctypes.byref(self._cfg), ptr(a, ctypes.c_int8), ptr(b, ctypes.c_int8),
            ctypes.c_size_t(a.size), ctypes.byref(out),
        )  # fmt: skip
        check("tinyml_anomaly_error_q8", rc)
        return int(out.value)

    def scores_q15(
        self, model_input: npt.NDArray[np.int8], model_output: npt.NDArray[np.int8]
    ) -> tuple[int, int]:
        """(normal, anomaly) in Q15, the pair the decision chain takes."""
        a = np.ascontiguousarray(model_input.reshape(-1), np.int8)
        b = np.ascontiguousarray(model_output.reshape(-1), np.int8)
        scores = np.zeros(2, np.int16)
        rc = library().tinyml_anomaly_scores_q15(
            ctypes.byref(self._cfg), ptr(a, ctypes.c_int8), ptr(b, ctypes.c_int8),
            ctypes.c_size_t(a.size), ptr(scores, ctypes.c_int16),
        )  # fmt: skip
        check("tinyml_anomaly_scores_q15", rc)
        return int(scores[0]), int(scores[1])
