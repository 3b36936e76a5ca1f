"""Typed wrappers of the C decision logic and trigger (decision.h, trigger.h)."""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tinyml_tools.native.library import check, library, ptr

MAX_CLASSES = 16
MAX_VOTE = 16
MAX_CONFIRM = 16
NONE = 0xFF


class DecisionConfigStruct(ctypes.Structure):
    """struct tinyml_decision_config."""

    _fields_ = [
        ("n_classes", ctypes.c_uint8),
        ("background_class", ctypes.c_uint8),
        ("vote_window", ctypes.c_uint8),
        ("confirm_k", ctypes.c_uint8),
        ("confirm_span_ms", ctypes.c_uint32),
        ("refractory_ms", ctypes.c_uint32),
        ("margin_q15", ctypes.c_int16),
        ("hysteresis_q15", ctypes.c_int16),
        ("threshold_q15", ctypes.c_int16 * MAX_CLASSES),
    ]


class DecisionStateStruct(ctypes.Structure):
    """struct tinyml_decision_state."""

    _fields_ = [
        ("votes", ctypes.c_uint8 * MAX_VOTE),
        ("vote_pos", ctypes.c_uint8),
        ("active", ctypes.c_uint8),
        ("hit_class", ctypes.c_uint8),
        ("hit_count", ctypes.c_uint8),
        ("hit_pos", ctypes.c_uint8),
        ("had_event", ctypes.c_uint8),
        ("hits_ms", ctypes.c_uint32 * MAX_CONFIRM),
        ("last_event_ms", ctypes.c_uint32),
    ]


class DecisionResultStruct(ctypes.Structure):
    """struct tinyml_decision_result."""

    _fields_ = [("candidate", ctypes.c_int), ("voted", ctypes.c_int), ("event", ctypes.c_int)]


@dataclass(frozen=True)
class DecisionSettings:
    """What the firmware's decision stage is configured with (scores and thresholds in Q15)."""

    thresholds_q15: Sequence[int]
    background_class: int | None = None
    vote_window: int = 1
    confirm_k: int = 1
    confirm_span_ms: int = 0
    refractory_ms: int = 0
    margin_q15: int = 0
    hysteresis_q15: int = 0


@dataclass(frozen=True)
class Decision:
    candidate: int | None
    voted: int | None
    event: int | None


def _opt(v: int) -> int | None:
    return None if v < 0 else v


class NativeDecision:
    """The firmware's decision logic, stepped window by window."""

    def __init__(self, settings: DecisionSettings) -> None:
        n = len(settings.thresholds_q15)
        self._cfg = DecisionConfigStruct(
            n_classes=n,
            background_class=NONE if settings.background_class is None
            else settings.background_class,
            vote_window=settings.vote_window, confirm_k=settings.confirm_k,
            confirm_span_ms=settings.confirm_span_ms, refractory_ms=settings.refractory_ms,
            margin_q15=settings.margin_q15, hysteresis_q15=settings.hysteresis_q15,
        )  # fmt: skip
        for i, t in enumerate(settings.thresholds_q15[:MAX_CLASSES]):
            self._cfg.threshold_q15[i] = t
        self._state = DecisionStateStruct()
        check(
            "tinyml_decision_init",
            library().tinyml_decision_init(ctypes.byref(self._cfg), ctypes.byref(self._state)),
        )
        self.n_classes = n

    def step(self, scores_q15: Sequence[int], now_ms: int) -> Decision:
        scores = np.ascontiguousarray(np.asarray(scores_q15), np.int16)
        result = DecisionResultStruct()
        rc = library().tinyml_decision_step(
            ctypes.byref(self._cfg), ctypes.byref(self._state), ptr(scores, ctypes.c_int16),
            ctypes.c_size_t(scores.size), ctypes.c_uint32(now_ms & 0xFFFFFFFF),
            ctypes.byref(result),
        )  # fmt: skip
        check("tinyml_decision_step", rc)
        return Decision(_opt(result.candidate), _opt(result.voted), _opt(result.event))


class TriggerStruct(ctypes.Structure):
    """struct tinyml_trigger."""

    _fields_ = [
        ("mode", ctypes.c_uint8),
        ("axes", ctypes.c_uint8),
        ("armed", ctypes.c_uint8),
        ("has_prev", ctypes.c_uint8),
        ("threshold", ctypes.c_uint32),
        ("hold_ms", ctypes.c_uint32),
        ("armed_at_ms", ctypes.c_uint32),
        ("prev", ctypes.c_int16 * 8),
    ]


TRIGGER_RMS = 0
TRIGGER_DELTA = 1


class NativeTrigger:
    """The firmware's cheap trigger that arms inference."""

    def __init__(self, mode: int, axes: int, threshold: int, hold_ms: int) -> None:
        self._t = TriggerStruct()
        self.axes = axes
        rc = library().tinyml_trigger_init(
            ctypes.byref(self._t), ctypes.c_int(mode), ctypes.c_size_t(axes),
            ctypes.c_uint32(threshold), ctypes.c_uint32(hold_ms),
        )  # fmt: skip
        check("tinyml_trigger_init", rc)

    def update(self, frames: np.ndarray, now_ms: int) -> bool:
        x = np.ascontiguousarray(np.asarray(frames).ravel(), np.int16)
        rc = library().tinyml_trigger_update(
            ctypes.byref(self._t), ptr(x, ctypes.c_int16), ctypes.c_size_t(x.size // self.axes),
            ctypes.c_uint32(now_ms & 0xFFFFFFFF),
        )  # fmt: skip
        return bool(check("tinyml_trigger_update", rc))
