"""Golden regression: every example's committed golden set (held-out conditions), replayed
through the C features, TFLM and the C decisions, meets its committed targets, and gives
exactly the committed figures: a change of feature code or model that moves them fails."""

from __future__ import annotations

import pytest

from tinyml_tools.replay import golden


@pytest.mark.parametrize("example", golden.EXAMPLES)
def test_golden_set_meets_targets_and_has_not_moved(example: str) -> None:
    measured = golden.figures(example)
    assert measured["events"] > 0
    assert golden.problems(example, measured) == []


def test_a_moved_figure_is_caught() -> None:
    measured = golden.figures("knock")
    moved = dict(measured, recall=measured["recall"] - 0.01)
    report = golden.problems("knock", moved)
    assert any("recall moved" in line for line in report)
    worse = dict(measured, false_triggers_per_hour=1e6)
    assert any("misses the target" in line for line in golden.problems("knock", worse))
