"""Feature frames of whole recordings, as the device computes them.

Two backends give the same numbers: ``device`` runs the portable core's C pipeline through the
host library (build/host/libtinyml_host.so, the code the firmware runs; about 40 times faster),
``reference`` the numpy reference (tinyml_tools.features). With ``device``, the first windows
of every recording are also computed by the reference and must match bit for bit, so a
training never rests on features the firmware would not compute. Results are cached in
``cache_dir`` by the pipeline, the feature code and the samples.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..errors import TinymlError
from ..features.compute import run_pipeline, windows
from ..features.pipeline import PipelineConfig, encode_pipeline
from ..native.library import library_path

BACKENDS = ("device", "reference")
_CHECKED_WINDOWS = 4


class FeatureMismatch(TinymlError):
    """The C pipeline and the numpy reference disagree: a bug, never a user error."""


def default_backend() -> str:
    return "device" if library_path().is_file() else "reference"


def _code_digest() -> bytes:
    folder = Path(run_pipeline.__code__.co_filename).parent
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        h.update(path.name.encode() + path.read_bytes())
    return h.digest()


def _reference(cfg: PipelineConfig, samples: npt.NDArray[np.int16]) -> npt.NDArray[np.int32]:
    rows = [run_pipeline(cfg, w) for w in windows(cfg, samples)]
    return np.stack(rows) if rows else np.zeros((0, cfg.feature_count), np.int32)


def _device(cfg: PipelineConfig, samples: npt.NDArray[np.int16]) -> npt.NDArray[np.int32]:
    from ..native.features import NativePipeline

    native = NativePipeline(cfg)
    rows = [np.asarray(native.run(w), np.int32) for w in windows(cfg, samples)]
    out = np.stack(rows) if rows else np.zeros((0, cfg.feature_count), np.int32)
    for i, w in enumerate(windows(cfg, samples)):
        if i >= _CHECKED_WINDOWS:
            break
        if not np.array_equal(run_pipeline(cfg, w), out[i]):
            raise FeatureMismatch(
                f"C features and the numpy reference differ at window {i}: a bug; "
                "train with --features reference and report it"
            )
    return out


def recording_features(
    cfg: PipelineConfig,
    samples: npt.NDArray[np.int16],
    backend: str,
    cache_dir: Path | None,
) -> npt.NDArray[np.int32]:
    """(windows, features) for every hop of one recording (columns in pipeline axis order)."""
    compute: Callable[[PipelineConfig, npt.NDArray[np.int16]], npt.NDArray[np.int32]] = (
        _device if backend == "device" else _reference
    )
    if cache_dir is None:
        return compute(cfg, samples)
    digest = hashlib.sha256(
        _code_digest() + encode_pipeline(cfg) + samples.tobytes() + str(samples.shape).encode()
    ).hexdigest()[:24]
    path = cache_dir / f"features_{digest}.npy"
    if path.is_file():
        return np.asarray(np.load(path), dtype=np.int32)
    feats = compute(cfg, samples)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.npy")
    np.save(tmp, feats)
    tmp.replace(path)
    return feats


def all_features(
    cfg: PipelineConfig,
    recordings: Sequence[npt.NDArray[np.int16]],
    backend: str,
    cache_dir: Path | None,
    progress: Callable[[int], None] | None = None,
) -> list[npt.NDArray[np.int32]]:
    out = []
    for samples in recordings:
        out.append(recording_features(cfg, samples, backend, cache_dir))
        if progress is not None:
            progress(samples.shape[0])
    return out
