"""Scoring detections against labelled events.

A detection belongs to a labelled event when its time falls inside the event, widened by
``tolerance_s`` on both sides (the decision logic confirms an event a little after it ends).
Then:

- precision: detections inside an event of their own class / all detections (a long anomaly
  may be reported more than once; each report is correct); undefined (None, JSON null) when
  there is no detection at all;
- recall: events with at least one detection of their class inside / all events; undefined
  (None) when there is no labelled event;
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
import numpy.typing as npt

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
    precision: float | None  # None: no detection, precision is undefined
    recall: float | None  # None: no labelled event, recall is undefined
    false_triggers_per_hour: float
    latency_ms_median: float | None
    latencies_ms: list[float] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)
    events_per_class: dict[str, int] = field(default_factory=dict)
    hits_per_class: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_counts(
        cls,
        classes: tuple[str, ...],
        counts: tuple[int, int, int, int, int],
        negative_hours: float,
        latencies_ms: list[float],
        confusion: npt.NDArray[np.int64],
        events_per_class: dict[str, int],
        hits_per_class: dict[str, int],
    ) -> Metrics:
        """The rates from the counts (events, detections, detected events, correct detections,
        false triggers); a rate over an empty denominator is undefined (None)."""
        events, detections, detected, correct, false_triggers = counts
        return cls(
            classes=classes,
            events=events,
            detections=detections,
            true_positives=detected,
            correct_detections=correct,
            false_triggers=false_triggers,
            negative_hours=negative_hours,
            precision=correct / detections if detections else None,
            recall=detected / events if events else None,
            false_triggers_per_hour=false_triggers / negative_hours if negative_hours > 0 else 0.0,
            latency_ms_median=float(np.median(latencies_ms)) if latencies_ms else None,
            latencies_ms=latencies_ms,
            confusion=confusion.tolist(),
            events_per_class=events_per_class,
            hits_per_class=hits_per_class,
        )

    @property
    def per_class_recall(self) -> dict[str, float]:
        return {c: self.hits_per_class.get(c, 0) / n for c, n in self.events_per_class.items() if n}

    def undefined(self) -> list[str]:
        """Why a headline figure is undefined, one sentence each (empty when all are defined)."""
        notes = []
        if self.precision is None:
            notes.append("precision is undefined: the device reported no event")
        if self.recall is None:
            notes.append("recall is undefined: the labels hold no event")
        return notes

    def headline(self) -> dict[str, float | None]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "false_triggers_per_hour": self.false_triggers_per_hour,
            "latency_ms_median": self.latency_ms_median,
        }


FALSE_TRIGGER = "false trigger"
MATCHED = "matched"
WRONG_CLASS = "wrong class"


@dataclass(frozen=True)
class Outcome:
    """What one detection was, against the labels: ``matched`` (inside an event of its own
    class), ``wrong class`` (inside an event of another class only) or ``false trigger``."""

    kind: str
    label: str | None  # the class of the labelled event it fell in, None for a false trigger


def outcomes(
    detections: Sequence[Detection], events: Sequence[LabeledEvent], tolerance_s: float
) -> list[Outcome]:
    found = []
    for det in detections:
        around = [e for e in events if e.start - tolerance_s <= det.t <= e.end + tolerance_s]
        own = [e for e in around if e.label == det.label]
        if own:
            found.append(Outcome(MATCHED, own[0].label))
        elif around:
            found.append(Outcome(WRONG_CLASS, around[0].label))
        else:
            found.append(Outcome(FALSE_TRIGGER, None))
    return found


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
    return Metrics.from_counts(
        classes,
        (len(evs), len(dets), matched_events, correct, false_triggers),
        negative_s / 3600.0,
        latencies,
        confusion,
        {c: n for c, n in count_per_class.items() if n},
        hits_per_class,
    )


def combine(parts: Sequence[Metrics]) -> Metrics:
    """Pool the counts of several recordings (a dataset split) into one set of figures."""
    if not parts:
        raise ValueError("nothing to combine")
    events_per_class: dict[str, int] = {}
    hits_per_class: dict[str, int] = {}
    for p in parts:
        for c, n in p.events_per_class.items():
            events_per_class[c] = events_per_class.get(c, 0) + n
        for c, n in p.hits_per_class.items():
            hits_per_class[c] = hits_per_class.get(c, 0) + n
    return Metrics.from_counts(
        parts[0].classes,
        (
            sum(p.events for p in parts),
            sum(p.detections for p in parts),
            sum(p.true_positives for p in parts),
            sum(p.correct_detections for p in parts),
            sum(p.false_triggers for p in parts),
        ),
        sum(p.negative_hours for p in parts),
        [x for p in parts for x in p.latencies_ms],
        np.sum([np.array(p.confusion, dtype=np.int64) for p in parts], axis=0),
        events_per_class,
        hits_per_class,
    )
