"""Scoring detections against labelled events.

A detection belongs to a labelled event when its time falls inside the event, widened by
``tolerance_s`` on both sides (the decision logic confirms an event a little after it ends).
Then:

- precision: detections inside an event of their own class / all detections (a long anomaly
  may be reported more than once; each report is correct);
- recall: events with at least one detection of their class inside / all events;
- false triggers per hour: detections outside every event / hours of negative data (the
  recording minus the widened events);
- latency: first detection of the event's class minus the event's start, per detected event;
- confusion matrix over ``classes`` (index 0 is the background class): rows are the truth,
  columns what the device said first; an event without any detection counts as "said
  background", a detection outside every event as "truth background".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .labels import LabeledEvent


@dataclass(frozen=True)
class Detection:
    t: float
    label: str
    score: float


@dataclass
class Metrics:
    classes: tuple[str, ...]
    events: int
    detections: int
    true_positives: int  # events detected with their class
    correct_detections: int  # detections inside an event of their class
    false_triggers: int
    negative_hours: float
    precision: float
    recall: float
    false_triggers_per_hour: float
    latency_ms_median: float | None
    latencies_ms: list[float] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)
    per_class_recall: dict[str, float] = field(default_factory=dict)

    def headline(self) -> dict[str, float | None]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "false_triggers_per_hour": self.false_triggers_per_hour,
            "latency_ms_median": self.latency_ms_median,
        }


def _covered_seconds(events: Sequence[LabeledEvent], tolerance_s: float, total_s: float) -> float:
    spans = sorted(
        (max(0.0, e.start - tolerance_s), min(total_s, e.end + tolerance_s)) for e in events
    )
    covered, cur_start, cur_end = 0.0, None, None
    for start, end in spans:
        if cur_end is None or start > cur_end:
            if cur_end is not None and cur_start is not None:
                covered += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None and cur_start is not None:
        covered += cur_end - cur_start
    return covered


def score(
    detections: Sequence[Detection],
    events: Sequence[LabeledEvent],
    classes: Sequence[str],
    total_seconds: float,
    tolerance_s: float = 0.25,
) -> Metrics:
    """Match detections to events and compute the figures (see the module docstring)."""
    classes = tuple(classes)
    index = {c: i for i, c in enumerate(classes)}
    dets = sorted(detections, key=lambda d: d.t)
    evs = sorted(events, key=lambda e: e.start)
    confusion = np.zeros((len(classes), len(classes)), dtype=np.int64)
    latencies: list[float] = []
    hits_per_class = dict.fromkeys(classes, 0)
    count_per_class = dict.fromkeys(classes, 0)
    inside_any = [False] * len(dets)
    correct = 0
    matched_events = 0
    for ev in evs:
        count_per_class[ev.label] = count_per_class.get(ev.label, 0) + 1
        lo, hi = ev.start - tolerance_s, ev.end + tolerance_s
        inside = [i for i, d in enumerate(dets) if lo <= d.t <= hi]
        for i in inside:
            inside_any[i] = True
        truth = index.get(ev.label, 0)
        confusion[truth, index.get(dets[inside[0]].label, 0) if inside else 0] += 1
        own = [i for i in inside if dets[i].label == ev.label]
        if own:
            matched_events += 1
            hits_per_class[ev.label] += 1
            latencies.append(max(0.0, dets[own[0]].t - ev.start) * 1000.0)
    for det in dets:
        if any(
            e.label == det.label and e.start - tolerance_s <= det.t <= e.end + tolerance_s
            for e in evs
        ):
            correct += 1
    false_triggers = 0
    for i, det in enumerate(dets):
        if not inside_any[i]:
            false_triggers += 1
            confusion[0, index.get(det.label, 0)] += 1
    negative_s = max(0.0, total_seconds - _covered_seconds(evs, tolerance_s, total_seconds))
    negative_h = negative_s / 3600.0
    precision = correct / len(dets) if dets else 1.0
    recall = matched_events / len(evs) if evs else 1.0
    fth = false_triggers / negative_h if negative_h > 0 else 0.0
    return Metrics(
        classes=classes,
        events=len(evs),
        detections=len(dets),
        true_positives=matched_events,
        correct_detections=correct,
        false_triggers=false_triggers,
        negative_hours=negative_h,
        precision=precision,
        recall=recall,
        false_triggers_per_hour=fth,
        latency_ms_median=float(np.median(latencies)) if latencies else None,
        latencies_ms=latencies,
        confusion=confusion.tolist(),
        per_class_recall={
            c: hits_per_class[c] / count_per_class[c]
            for c in classes
            if count_per_class.get(c, 0) > 0
        },
    )


def combine(parts: Sequence[Metrics]) -> Metrics:
    """Pool the counts of several recordings (a dataset split) into one set of figures."""
    if not parts:
        raise ValueError("nothing to combine")
    classes = parts[0].classes
    events = sum(p.events for p in parts)
    dets = sum(p.detections for p in parts)
    tp = sum(p.true_positives for p in parts)
    correct = sum(p.correct_detections for p in parts)
    ft = sum(p.false_triggers for p in parts)
    hours = sum(p.negative_hours for p in parts)
    lat = [x for p in parts for x in p.latencies_ms]
    conf = np.sum([np.array(p.confusion) for p in parts], axis=0)
    per_class_hits: dict[str, float] = {}
    per_class_n: dict[str, int] = {}
    for p in parts:
        for c, r in p.per_class_recall.items():
            n = int(np.array(p.confusion)[classes.index(c)].sum()) if c in classes else 0
            per_class_hits[c] = per_class_hits.get(c, 0.0) + r * n
            per_class_n[c] = per_class_n.get(c, 0) + n
    return Metrics(
        classes=classes,
        events=events,
        detections=dets,
        true_positives=tp,
        correct_detections=correct,
        false_triggers=ft,
        negative_hours=hours,
        precision=correct / dets if dets else 1.0,
        recall=tp / events if events else 1.0,
        false_triggers_per_hour=ft / hours if hours > 0 else 0.0,
        latency_ms_median=float(np.median(lat)) if lat else None,
        latencies_ms=lat,
        confusion=conf.tolist(),
        per_class_recall={
            c: per_class_hits[c] / per_class_n[c] for c in per_class_n if per_class_n[c]
        },
    )
