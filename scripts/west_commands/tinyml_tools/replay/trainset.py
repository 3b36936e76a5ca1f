"""Training inputs from generated sessions, with the Python reference of the device features.

The model sees the last ``frames`` feature vectors, each computed by
``tinyml_tools.features.compute.run_pipeline`` (bit-exact with the C core), exactly as the
replay and the firmware stack them. Each stacked input is labelled from the event intervals
it overlaps (see ``dataset.window_labels``). Features are cached per session under
``cache_dir`` by a hash of the feature code, the pipeline and the recording, and computed in
worker processes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..features.compute import run_pipeline, windows
from ..features.pipeline import PipelineConfig, encode_pipeline
from .dataset import window_labels
from .synth import Session


@dataclass(frozen=True)
class TrainSet:
    x: npt.NDArray[np.int32]  # (inputs, frames, features)
    y: npt.NDArray[np.int64]  # class index, -1 = left out
    session: npt.NDArray[np.int64]  # which session each input came from


def session_features(cfg: PipelineConfig, samples: npt.NDArray[np.int16]) -> npt.NDArray[np.int32]:
    """(windows, features) for every hop of one recording (channels already in axis order)."""
    rows = [run_pipeline(cfg, w) for w in windows(cfg, samples)]
    return np.stack(rows) if rows else np.zeros((0, cfg.feature_count), np.int32)


def _feature_code_digest() -> bytes:
    """The reference's source: a change of feature code must not reuse cached features."""
    folder = Path(run_pipeline.__code__.co_filename).parent
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        h.update(path.name.encode() + path.read_bytes())
    return h.digest()


def _cached_features(
    args: tuple[PipelineConfig, npt.NDArray[np.int16], Path | None],
) -> npt.NDArray[np.int32]:
    cfg, samples, cache_dir = args
    if cache_dir is None:
        return session_features(cfg, samples)
    digest = hashlib.sha256(
        _feature_code_digest() + encode_pipeline(cfg) + samples.tobytes()
    ).hexdigest()[:24]
    path = cache_dir / f"features_{digest}.npy"
    if path.is_file():
        return np.asarray(np.load(path), dtype=np.int32)
    feats = session_features(cfg, samples)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.npy")
    np.save(tmp, feats)
    tmp.replace(path)
    return feats


def build(
    sessions: Sequence[Session],
    cfg: PipelineConfig,
    channels: Sequence[str],
    classes: Sequence[str],
    frames: int,
    min_overlap: float,
    cache_dir: Path | None = None,
    workers: int = 2,
) -> TrainSet:
    """Stacked feature inputs and their labels for every hop of every session."""
    jobs = []
    for s in sessions:
        cols = [s.recording.channels.index(c) for c in channels]
        jobs.append((cfg, np.ascontiguousarray(s.recording.samples[:, cols]), cache_dir))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            per_session = list(pool.map(_cached_features, jobs))
    else:
        per_session = [_cached_features(job) for job in jobs]
    xs, ys, ids = [], [], []
    rate = cfg.sample_rate_hz
    span_s = (cfg.window_len + (frames - 1) * cfg.hop) / rate
    for i, (s, feats) in enumerate(zip(sessions, per_session, strict=True)):
        if feats.shape[0] < frames:
            continue
        idx = np.arange(frames - 1, feats.shape[0])
        stacked = np.stack([feats[j - frames + 1 : j + 1] for j in idx])
        ends = (cfg.window_len + idx * cfg.hop) / rate
        xs.append(stacked)
        ys.append(window_labels(s.labels, ends, span_s, classes, min_overlap))
        ids.append(np.full(idx.size, i))
    return TrainSet(np.concatenate(xs), np.concatenate(ys), np.concatenate(ids))
