"""Threshold choice for a stated target (train.calibrate._pick): the best figures that meet
the target, the middle of a tie, and the closest threshold (flagged) when none meets it."""

from __future__ import annotations

from tinyml_tools.train.calibrate import Candidate, Target, _pick


def curve(rows: list[tuple[float, float, float]]) -> list[Candidate]:
    return [Candidate(t, r, 1.0, fth, int(fth), 10) for t, r, fth in rows]


SWEEP = curve(
    [
        (0.3, 1.0, 9.0),
        (0.4, 1.0, 4.0),
        (0.5, 1.0, 2.0),
        (0.6, 0.9, 1.0),
        (0.7, 0.9, 0.0),
        (0.8, 0.9, 0.0),
        (0.9, 0.7, 0.0),
    ]
)


def test_max_false_triggers_takes_the_best_recall_within_the_limit() -> None:
    chosen, met = _pick(SWEEP, Target(max_false_triggers_per_hour=2.0))
    assert met and chosen.threshold == 0.5
    chosen, met = _pick(SWEEP, Target(max_false_triggers_per_hour=0.0))
    assert met and chosen.threshold == 0.7  # 0.7 and 0.8 tie: the middle (lower) one


def test_min_recall_takes_the_fewest_false_triggers() -> None:
    chosen, met = _pick(SWEEP, Target(min_recall=0.9))
    assert met and chosen.threshold == 0.7
    chosen, met = _pick(SWEEP, Target(min_recall=0.95))
    assert met and chosen.threshold == 0.5


def test_unmet_targets_are_flagged() -> None:
    chosen, met = _pick(SWEEP, Target(min_recall=1.01))
    assert not met and chosen.recall == 1.0 and chosen.threshold == 0.5
    noisy = curve([(0.3, 1.0, 9.0), (0.5, 1.0, 5.0), (0.7, 0.8, 5.0)])
    chosen, met = _pick(noisy, Target(max_false_triggers_per_hour=1.0))
    assert not met and chosen.threshold == 0.5


def test_a_plateau_picks_its_middle() -> None:
    flat = curve([(t / 100, 1.0, 0.0) for t in range(30, 100, 2)])
    chosen, met = _pick(flat, Target(max_false_triggers_per_hour=1.0))
    assert met and 0.6 <= chosen.threshold <= 0.66
