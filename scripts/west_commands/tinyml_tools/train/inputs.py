"""Model inputs from feature frames: the last ``frames`` feature vectors, stacked as the
firmware's input tensor holds them, each labelled from the event intervals it overlaps
(``tinyml_tools.replay.dataset.window_labels``: an event's class when the input covers enough of
it, background when it touches none, left out in between)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..features.pipeline import PipelineConfig
from ..replay.dataset import window_labels
from ..replay.labels import LabeledEvent


@dataclass(frozen=True)
class Inputs:
    x: npt.NDArray[np.int32]  # (inputs, frames, features)
    y: npt.NDArray[np.int64]  # class index; 0 background; -1 left out
    recording: npt.NDArray[np.int64]  # index of the recording each input came from

    def __len__(self) -> int:
        return int(self.y.shape[0])


def stack(
    cfg: PipelineConfig,
    features: Sequence[npt.NDArray[np.int32]],
    events: Sequence[Sequence[LabeledEvent]],
    frames: int,
    classes: Sequence[str],
    min_overlap: float,
) -> Inputs:
    xs, ys, ids = [], [], []
    span_s = (cfg.window_len + (frames - 1) * cfg.hop) / cfg.sample_rate_hz
    for i, (feats, evs) in enumerate(zip(features, events, strict=True)):
        if feats.shape[0] < frames:
            continue
        idx = np.arange(frames - 1, feats.shape[0])
        view = np.lib.stride_tricks.sliding_window_view(feats, frames, axis=0)
        xs.append(np.ascontiguousarray(view.transpose(0, 2, 1)))
        ends = (cfg.window_len + idx * cfg.hop) / cfg.sample_rate_hz
        ys.append(window_labels(list(evs), ends, span_s, classes, min_overlap))
        ids.append(np.full(idx.size, i))
    if not xs:
        n = cfg.feature_count
        return Inputs(
            np.zeros((0, frames, n), np.int32), np.zeros(0, np.int64), np.zeros(0, np.int64)
        )
    return Inputs(np.concatenate(xs), np.concatenate(ys), np.concatenate(ids))
