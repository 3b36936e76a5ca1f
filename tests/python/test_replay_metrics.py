"""Scoring detections against labelled events: matching, rates, latency, confusion."""

from __future__ import annotations

import pytest

from tinyml_tools.replay.labels import LabeledEvent
from tinyml_tools.replay.metrics import Detection, combine, score

CLASSES = ("background", "flick", "tap")


def test_matching_counts_and_rates() -> None:
    events = [
        LabeledEvent(10.0, 11.0, "flick"),
        LabeledEvent(20.0, 20.5, "tap"),
        LabeledEvent(30.0, 31.0, "tap"),  # missed
    ]
    detections = [
        Detection(10.3, "flick", 0.9),  # 300 ms late: correct
        Detection(10.8, "flick", 0.8),  # second report of the same event: still correct
        Detection(20.6, "flick", 0.7),  # inside the (widened) tap: wrong class
        Detection(50.0, "tap", 0.9),  # no event: a false trigger
    ]
    m = score(detections, events, CLASSES, total_seconds=3600.0, tolerance_s=0.25)
    assert m.events == 3 and m.detections == 4
    assert m.true_positives == 1
    assert m.recall == pytest.approx(1 / 3)
    assert m.precision == pytest.approx(2 / 4)
    assert m.false_triggers == 1
    negative_s = 3600.0 - (1.5 + 1.0 + 1.5)
    assert m.false_triggers_per_hour == pytest.approx(1 / (negative_s / 3600.0))
    assert m.latency_ms_median == pytest.approx(300.0)
    # rows: truth, columns: what the device said first
    assert m.confusion == [[0, 0, 1], [0, 1, 0], [1, 1, 0]]
    assert m.per_class_recall == {"flick": 1.0, "tap": 0.0}


def test_nothing_to_find_and_nothing_found() -> None:
    m = score([], [], CLASSES, total_seconds=60.0)
    # nothing detected and nothing labelled: precision and recall are undefined, not 1.0
    assert (m.precision, m.recall, m.false_triggers_per_hour) == (None, None, 0.0)
    assert m.latency_ms_median is None
    assert m.undefined() == [
        "precision is undefined: the device reported no event",
        "recall is undefined: the labels hold no event",
    ]


def test_zero_detections_leave_precision_undefined() -> None:
    m = score([], [LabeledEvent(1.0, 1.5, "tap")], CLASSES, total_seconds=60.0)
    assert m.precision is None and m.recall == 0.0


def test_tolerance_widens_events() -> None:
    events = [LabeledEvent(5.0, 5.2, "tap")]
    late = [Detection(5.5, "tap", 0.9)]
    assert score(late, events, CLASSES, 60.0, tolerance_s=0.1).false_triggers == 1
    assert score(late, events, CLASSES, 60.0, tolerance_s=0.4).recall == 1.0


def test_combine_pools_counts() -> None:
    a = score([Detection(1.1, "tap", 1.0)], [LabeledEvent(1.0, 1.5, "tap")], CLASSES, 1800.0)
    b = score([Detection(9.0, "tap", 1.0)], [LabeledEvent(1.0, 1.5, "flick")], CLASSES, 1800.0)
    both = combine([a, b])
    assert both.events == 2 and both.true_positives == 1 and both.false_triggers == 1
    assert both.recall == pytest.approx(0.5)
    assert both.false_triggers_per_hour == pytest.approx(1 / both.negative_hours)
    assert both.per_class_recall == {"tap": 1.0, "flick": 0.0}
