"""The data files of a model directory, checked before TensorFlow is imported.

`model-pack build` loads TensorFlow (15-20 s, 0.6 GB) only after every data file it will use
(representative, evaluation and training data) has been read and checked here: readable
.npy/.npz, finite numbers, one per-sample shape across the files that fits the model input and
the feature pipeline, and labels that are class indices of model.yaml's labels.
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InputError
from .model_config import ModelConfig


@dataclass(frozen=True)
class Samples:
    """One data file: its samples' shape and, for labelled data, the labels."""

    path: Path
    what: str
    count: int
    sample_shape: tuple[int, ...]
    labels: npt.NDArray[np.int64] | None

    @property
    def values(self) -> int:
        return math.prod(self.sample_shape)


def _array(path: Path, what: str, data: Any, key: str | None) -> npt.NDArray[Any]:
    try:
        return np.asarray(data if key is None else data[key])
    except Exception as err:  # zlib.error, BadZipFile, ValueError, EOFError on a damaged member
        raise InputError(path, f"{what}: cannot read array {key!r} ({err})") from None


def _load(path: Path, what: str) -> Any:
    if path.is_dir():
        raise InputError(path, f"{what} is a directory, not a .npy/.npz file")
    try:
        return np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(path, f"{what} not found") from None
    except OSError as err:
        raise InputError(path, f"{what}: cannot read ({err.strerror or err})") from None
    except Exception as err:  # ValueError, EOFError, BadZipFile on truncated or foreign files
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputError(path, f"{what} is not a readable .npy/.npz file ({reason})") from None


def _check_x(path: Path, what: str, x: npt.NDArray[Any]) -> None:
    if x.dtype.kind not in "iuf":
        raise InputError(path, f"{what}: samples must be numbers, not {x.dtype}")
    if x.ndim < 2 or x.shape[0] == 0:
        raise InputError(path, f"{what}: expected an array of samples (N, ...), got {x.shape}")
    if any(d == 0 for d in x.shape[1:]):
        raise InputError(path, f"{what}: samples of shape {x.shape[1:]} hold no values")
    if x.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(x.reshape(x.shape[0], -1)).all(axis=1))
        if bad.size:
            raise InputError(
                path, f"{what}: sample {int(bad[0])} holds NaN or infinite values "
                f"({bad.size} such samples)",
            )  # fmt: skip


def _check_y(
    path: Path, what: str, y: npt.NDArray[Any], count: int, labels: tuple[str, ...]
) -> npt.NDArray[np.int64]:
    if y.dtype.kind not in "iuf" or y.ndim != 1 or len(y) != count:
        raise InputError(
            path, f"{what}: y must be {count} class indices (one per sample), got {y.dtype} "
            f"{y.shape}",
        )  # fmt: skip
    if y.dtype.kind == "f" and not (np.isfinite(y).all() and (y == np.round(y)).all()):
        raise InputError(path, f"{what}: y must hold whole class indices, not fractions or NaN")
    ints = y.astype(np.int64)
    outside = np.flatnonzero((ints < 0) | (ints >= len(labels)))
    if outside.size:
        i = int(outside[0])
        raise InputError(
            path,
            f"{what}: y holds label {int(ints[i])} (sample {i}, {outside.size} such samples); "
            f"model.yaml has {len(labels)} labels, so y must be 0..{len(labels) - 1}",
        )
    return ints


def read_samples(
    path: Path, what: str, labels: tuple[str, ...] | None, npz_only: bool = False
) -> Samples:
    """Read and check one data file; ``labels`` given means it must carry ``y`` too."""
    data = _load(path, what)
    is_npz = hasattr(data, "files")
    if (npz_only or labels is not None) and not (
        is_npz and "x" in data.files and "y" in data.files
    ):
        raise InputError(path, f"{what} must be an .npz with x (N, ...) and labels y (N,)")
    if is_npz and "x" not in data.files:
        raise InputError(path, f"{what}: an .npz needs an array x (N, ...)")
    x = _array(path, what, data, "x" if is_npz else None)
    _check_x(path, what, x)
    y = None
    if labels is not None:
        y = _check_y(path, what, _array(path, what, data, "y"), len(x), labels)
    return Samples(path, what, int(x.shape[0]), tuple(int(d) for d in x.shape[1:]), y)


def keras_input_shape(path: Path) -> tuple[int, ...] | None:
    """The per-sample input shape a .keras file declares (read from its config.json without
    TensorFlow), or None when it cannot be known this way."""
    if path.suffix != ".keras" or not zipfile.is_zipfile(path):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    layers = (config.get("config") or {}).get("layers") or []
    for layer in layers:
        if isinstance(layer, dict) and layer.get("class_name") == "InputLayer":
            inner = layer.get("config") or {}
            shape = inner.get("batch_shape") or inner.get("batch_input_shape")
            if isinstance(shape, list) and shape and all(isinstance(d, int) for d in shape[1:]):
                return tuple(shape[1:])
    return None


def data_files(cfg: ModelConfig) -> list[Samples]:
    """Every data file the build will read, each checked on its own."""
    found: list[Samples] = []
    quant = cfg.quantization
    if quant.representative_data is not None:
        found.append(read_samples(quant.representative_data, "representative data", None))
    if quant.training is not None:
        found.append(read_samples(quant.training.data, "training data", cfg.labels, npz_only=True))
    if cfg.evaluation_data is not None:
        found.append(read_samples(cfg.evaluation_data, "evaluation data", cfg.labels))
    return found


def check_same_shape(found: list[Samples]) -> None:
    """All data files hold samples of one shape (the model has one input)."""
    for other in found[1:]:
        if other.sample_shape != found[0].sample_shape:
            raise InputError(
                other.path,
                f"{other.what}: samples of shape {list(other.sample_shape)}, but the "
                f"{found[0].what} ({found[0].path.name}) has {list(found[0].sample_shape)}",
            )


def check_against_input(
    samples: list[Samples], per_sample: tuple[int, ...], model: Path, exact: bool
) -> None:
    """Every data file's samples fit the model's per-sample input: the same shape (``exact``,
    a Keras model) or the same number of values (a .tflite input, filled by reshaping)."""
    for s in samples:
        fits = s.sample_shape == per_sample or (not exact and s.values == math.prod(per_sample))
        if not fits:
            raise InputError(
                s.path,
                f"{s.what}: samples of shape {list(s.sample_shape)}, but {model.name} takes "
                f"{list(per_sample)} per sample",
            )
