"""Thresholds chosen on the validation split for the user's target, by replaying its
recordings through the device: C features, the int8 model in TFLM (and, for an autoencoder,
the C anomaly score), then the C decision chain (k-of-n confirmation, refractory) for every
candidate threshold, scored against the labels as ``replay`` scores them.

Targets: at most ``max_false_triggers_per_hour`` (the highest recall, then precision, that
meets it), or at least ``min_recall`` (the fewest false triggers that meets it). Among
thresholds that tie, the middle one is taken (the farthest from both edges of the plateau).
When no threshold meets the target, the closest one is chosen and the result says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..replay import device
from ..replay.labels import LabeledEvent
from ..replay.metrics import Detection, Metrics, combine, score
from ..replay.model import ModelInfo
from ..replay.recording import Recording
from ..replay.runner import DevicePipeline, ReplayResult
from ..replay.settings import DetectorSettings

CLASS_GRID = (*(round(t, 2) for t in np.arange(0.30, 0.981, 0.02)), 0.99, 0.995)
ANOMALY_GRID = tuple(round(t, 3) for t in np.arange(0.5, 0.991, 0.01))


@dataclass(frozen=True)
class Target:
    max_false_triggers_per_hour: float | None = None
    min_recall: float | None = None

    def text(self) -> str:
        if self.min_recall is not None:
            return f"recall >= {self.min_recall:g}"
        return f"<= {self.max_false_triggers_per_hour:g} false triggers per hour"


@dataclass(frozen=True)
class Candidate:
    threshold: float
    recall: float
    precision: float
    false_triggers_per_hour: float
    false_triggers: int
    events: int


@dataclass
class Replayed:
    name: str
    condition: str
    result: ReplayResult
    events: list[LabeledEvent]


@dataclass
class Calibration:
    target: Target
    chosen: Candidate
    met: bool
    curve: list[Candidate]
    replayed: list[Replayed]
    metrics: Metrics  # at the chosen threshold


def replay_all(
    settings: DetectorSettings,
    info: ModelInfo,
    recordings: Sequence[tuple[str, str, Recording, list[LabeledEvent]]],
    progress: Callable[[str], None] | None = None,
) -> list[Replayed]:
    pipeline = DevicePipeline(settings, info, None)
    out = []
    for name, condition, rec, events in recordings:
        if progress is not None:
            progress(name)
        result = pipeline.replay(rec, Path(name))
        if info.is_anomaly:
            events = [LabeledEvent(e.start, e.end, info.labels[1]) for e in events]
        out.append(Replayed(name, condition, result, events))
    return out


def decide(
    run: Replayed,
    labels: Sequence[str],
    thresholds: dict[str, float],
    settings: DetectorSettings,
    rate_hz: float,
) -> list[Detection]:
    """The C decision chain over one replay's scores, with other thresholds."""
    decision = device.Decision(labels, thresholds, settings.decision)
    found = []
    for t, scores in zip(run.result.run_times_s, run.result.scores, strict=True):
        end = round(t * rate_hz)
        event = decision.step(scores, int(end * 1000 // rate_hz))
        if event >= 0:
            found.append(Detection(float(t), labels[event], float(scores[event])))
    return found


def evaluate(
    runs: Sequence[Replayed],
    labels: Sequence[str],
    thresholds: dict[str, float],
    settings: DetectorSettings,
) -> Metrics:
    rate = settings.pipeline.sample_rate_hz
    parts = [
        score(
            decide(r, labels, thresholds, settings, rate),
            r.events,
            labels,
            r.result.seconds,
            settings.match_tolerance_s,
        )
        for r in runs
    ]
    return combine(parts)


def _middle(best: list[Candidate]) -> Candidate:
    """The middle of the thresholds that tie for the best figures: the farthest from both
    edges, so the least fragile on recordings unlike the validation ones."""
    ordered = sorted(best, key=lambda c: c.threshold)
    return ordered[(len(ordered) - 1) // 2]


def _pick(curve: list[Candidate], target: Target) -> tuple[Candidate, bool]:
    if target.min_recall is not None:
        ok = [c for c in curve if c.recall >= target.min_recall]
        if ok:
            fewest = min(c.false_triggers_per_hour for c in ok)
            return _middle([c for c in ok if c.false_triggers_per_hour == fewest]), True
        top = max(c.recall for c in curve)
        near = [c for c in curve if c.recall == top]
        fewest = min(c.false_triggers_per_hour for c in near)
        return _middle([c for c in near if c.false_triggers_per_hour == fewest]), False
    limit = target.max_false_triggers_per_hour
    assert limit is not None
    ok = [c for c in curve if c.false_triggers_per_hour <= limit]
    if ok:
        best = max((c.recall, c.precision) for c in ok)
        return _middle([c for c in ok if (c.recall, c.precision) == best]), True
    fewest = min(c.false_triggers_per_hour for c in curve)
    near = [c for c in curve if c.false_triggers_per_hour == fewest]
    top = max(c.recall for c in near)
    return _middle([c for c in near if c.recall == top]), False


def calibrate(
    runs: list[Replayed],
    labels: Sequence[str],
    settings: DetectorSettings,
    target: Target,
    anomaly: bool,
) -> Calibration:
    grid = ANOMALY_GRID if anomaly else CLASS_GRID
    curve = []
    for t in grid:
        m = evaluate(runs, labels, dict.fromkeys(labels[1:], t), settings)
        curve.append(
            # undefined rates (no event, no detection) score as 0 for the choice
            Candidate(t, m.recall or 0.0, m.precision or 0.0, m.false_triggers_per_hour,
                      m.false_triggers, m.events)
        )  # fmt: skip
    chosen, met = _pick(curve, target)
    metrics = evaluate(runs, labels, dict.fromkeys(labels[1:], chosen.threshold), settings)
    return Calibration(target, chosen, met, curve, runs, metrics)
