"""The model side of a replay: what a package (or a bare .tflite) holds, run in real TFLM.

The int8 model runs in the ``tflite_micro`` Python interpreter (TFLM's reference kernels).
Features enter the input tensor the way the firmware puts them there: each int32 feature
``f`` becomes ``clamp(round(f / scale) + zero_point, -128, 127)`` with the input tensor's
quantization; scores leave it dequantized, ``(q - zero_point) * scale``.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InputError


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    tflite: bytes
    labels: tuple[str, ...]
    thresholds: dict[str, float]
    pipeline_id: int | None  # None for a bare .tflite (no metadata)
    version: str
    output_kind: str = "classes"  # classes | anomaly_score | regression (model.yaml /output)
    full_scale_q8: int | None = None  # anomaly_score: the error that scores 1.0

    @property
    def is_anomaly(self) -> bool:
        return self.output_kind == "anomaly_score"


@contextlib.contextmanager
def _quiet_stderr() -> Any:
    """TFLM prints allocation notes on the C-level stderr; keep the one-line error contract."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class TflmModel:
    """One model in the TFLM interpreter; ``run`` takes int32 features, returns 0..1 scores."""

    def __init__(self, tflite: bytes, source: Path) -> None:
        from tflite_micro.python.tflite_micro import runtime

        try:
            with _quiet_stderr():
                self._interp = runtime.Interpreter.from_bytes(tflite)
        except (RuntimeError, ValueError) as err:
            raise InputError(source, f"TFLM cannot load the model ({err})") from None
        inp = self._interp.get_input_details(0)
        out = self._interp.get_output_details(0)
        self.input_shape = tuple(int(d) for d in inp["shape"])
        self.output_size = int(np.prod(out["shape"]))
        self.input_dtype = np.dtype(inp["dtype"])
        self.output_dtype = np.dtype(out["dtype"])
        self.in_scale, self.in_zero = _quant(inp)
        self.out_scale, self.out_zero = _quant(out)
        self.source = source

    @property
    def quantized(self) -> bool:
        return bool(self.input_dtype == np.int8)

    def to_input(self, features: npt.NDArray[np.int32]) -> npt.NDArray[Any]:
        x = features.astype(np.float64).reshape(self.input_shape)
        if not self.quantized:
            return x.astype(self.input_dtype)
        q = np.rint(x / self.in_scale) + self.in_zero
        return np.asarray(np.clip(q, -128, 127), dtype=np.int8)

    def run_raw(self, features: npt.NDArray[np.int32]) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        """The input tensor as fed and the raw output tensor (int8 for a quantized model)."""
        tensor = self.to_input(features)
        self._interp.set_input(tensor, 0)
        self._interp.invoke()
        return tensor, np.asarray(self._interp.get_output(0)).reshape(-1)

    def run(self, features: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
        _, raw = self.run_raw(features)
        if self.output_dtype == np.int8:
            return (raw.astype(np.float64) - self.out_zero) * self.out_scale
        return raw.astype(np.float64)


def _quant(details: dict[str, Any]) -> tuple[float, int]:
    params = details.get("quantization_parameters", {})
    scales = params.get("scales", [])
    zeros = params.get("zero_points", [])
    if len(scales) == 0:
        return 1.0, 0
    return float(scales[0]), int(zeros[0])


def load(path: str | Path) -> ModelInfo:
    """A model package (via ``tinyml_tools.modelpack``) or a bare ``.tflite`` whose labels and
    thresholds come from the ``model.yaml`` beside it."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such model file")
    if path.suffix == ".tflite":
        return _load_tflite(path)
    return _load_package(path)


def _load_tflite(path: Path) -> ModelInfo:
    from ..modelpack.model_config import load_model_config

    data = path.read_bytes()
    if data[4:8] != b"TFL3":
        raise InputError(path, "not a TFLite flatbuffer (no TFL3 identifier)")
    if not (path.parent / "model.yaml").is_file():
        raise InputError(path, "a bare .tflite needs a model.yaml beside it for its labels")
    cfg = load_model_config(path.parent)
    return ModelInfo(
        path, data, cfg.labels, dict(cfg.thresholds), None, cfg.version_text,
        cfg.output.kind.value, cfg.output.full_scale_q8,
    )  # fmt: skip


def _load_package(path: Path) -> ModelInfo:
    from ..modelpack.metadata import OUTPUT_ANOMALY_SCORE
    from ..modelpack.package import parse_package

    pkg = parse_package(path)
    if not pkg.hash_ok:
        raise InputError(path, "SHA-256 mismatch: the package was modified or truncated")
    meta = pkg.metadata
    labels = tuple(meta.labels)
    thresholds = {labels[i]: float(t) for i, t in meta.thresholds if i < len(labels)}
    kind = meta.output_kind
    return ModelInfo(
        path, pkg.payload, labels, thresholds, int(meta.feature_pipeline_id), meta.version_text,
        _KINDS.get(kind.kind, "classes") if kind else "classes",
        kind.full_scale_q8 if kind and kind.kind == OUTPUT_ANOMALY_SCORE else None,
    )  # fmt: skip


_KINDS = {0: "classes", 1: "anomaly_score", 2: "regression"}
