"""The device's C pieces for one replay: the host build of the portable core
(build/host/libtinyml_host.so) through ``tinyml_tools.native``: the same feature pipeline,
trigger and decision code the firmware runs, configured from a detector's settings."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..features.pipeline import PipelineConfig
from ..native import decision as native_decision
from ..native.features import NativePipeline
from .settings import DecisionSettings, TriggerMode

_Q15 = 32768
_TRIGGER_MODES = {
    TriggerMode.RMS: native_decision.TRIGGER_RMS,
    TriggerMode.DELTA: native_decision.TRIGGER_DELTA,
}


def q15(value: float) -> int:
    """A 0..1 score or threshold in Q15, saturated as the firmware does."""
    return int(min(_Q15 - 1, max(-_Q15, round(value * _Q15))))


def pipeline(cfg: PipelineConfig) -> NativePipeline:
    return NativePipeline(cfg)


def trigger(
    mode: TriggerMode, axes: int, threshold: int, hold_ms: int
) -> native_decision.NativeTrigger:
    return native_decision.NativeTrigger(_TRIGGER_MODES[mode], axes, threshold, hold_ms)


class Decision:
    """The C decision logic fed with 0..1 scores; class 0 is the background class."""

    def __init__(
        self, labels: Sequence[str], thresholds: dict[str, float], settings: DecisionSettings
    ) -> None:
        self._native = native_decision.NativeDecision(
            native_decision.DecisionSettings(
                thresholds_q15=[q15(thresholds.get(label, 0.5)) for label in labels],
                background_class=0,
                vote_window=settings.vote_window,
                confirm_k=settings.confirm_k,
                confirm_span_ms=settings.confirm_span_ms,
                refractory_ms=settings.refractory_ms,
                margin_q15=q15(settings.margin),
                hysteresis_q15=q15(settings.hysteresis),
            )
        )

    def step(self, scores: npt.NDArray[np.float64], now_ms: int) -> int:
        """The class of the event confirmed now, or -1."""
        result = self._native.step([q15(float(s)) for s in scores], now_ms)
        return -1 if result.event is None else result.event
