"""The host build of the portable core (build/host/libtinyml_host.so) through ctypes: the
same C feature pipeline (``tinyml_tools.native``), trigger and decision code the firmware runs."""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from ..errors import TinymlError, ToolMissing
from ..features.pipeline import PipelineConfig
from ..native.features import NativePipeline
from ..paths import BUILD_DIR
from .settings import DecisionSettings

LIBRARY = BUILD_DIR / "host" / "libtinyml_host.so"
_MAX_CLASSES = 16
_MAX_AXES = 8
_Q15 = 32768


class _DecisionConfig(ctypes.Structure):
    _fields_ = (
        ("n_classes", ctypes.c_uint8),
        ("background_class", ctypes.c_uint8),
        ("vote_window", ctypes.c_uint8),
        ("confirm_k", ctypes.c_uint8),
        ("confirm_span_ms", ctypes.c_uint32),
        ("refractory_ms", ctypes.c_uint32),
        ("margin_q15", ctypes.c_int16),
        ("hysteresis_q15", ctypes.c_int16),
        ("threshold_q15", ctypes.c_int16 * _MAX_CLASSES),
    )


class _DecisionState(ctypes.Structure):
    _fields_ = (
        ("votes", ctypes.c_uint8 * 16),
        ("vote_pos", ctypes.c_uint8),
        ("active", ctypes.c_uint8),
        ("hit_class", ctypes.c_uint8),
        ("hit_count", ctypes.c_uint8),
        ("hit_pos", ctypes.c_uint8),
        ("had_event", ctypes.c_uint8),
        ("hits_ms", ctypes.c_uint32 * 16),
        ("last_event_ms", ctypes.c_uint32),
    )


class _DecisionResult(ctypes.Structure):
    _fields_ = (("candidate", ctypes.c_int), ("voted", ctypes.c_int), ("event", ctypes.c_int))


class _Trigger(ctypes.Structure):
    _fields_ = (
        ("mode", ctypes.c_uint8),
        ("axes", ctypes.c_uint8),
        ("armed", ctypes.c_uint8),
        ("has_prev", ctypes.c_uint8),
        ("threshold", ctypes.c_uint32),
        ("hold_ms", ctypes.c_uint32),
        ("armed_at_ms", ctypes.c_uint32),
        ("prev", ctypes.c_int16 * _MAX_AXES),
    )


def _check(name: str, ret: int) -> int:
    if ret < 0:
        raise TinymlError(f"{name} failed with errno {-ret} (a bug: report it with the input)")
    return ret


def q15(value: float) -> int:
    return int(min(_Q15 - 1, max(-_Q15, round(value * _Q15))))


_lib: Any = None


def library() -> Any:
    global _lib
    if _lib is None:
        if not LIBRARY.is_file():
            raise ToolMissing(str(LIBRARY), "build the host library first: make host")
        _lib = ctypes.CDLL(str(LIBRARY))
    return _lib


class Trigger:
    """``tinyml_trigger_update`` on each new block of interleaved frames."""

    MODES: ClassVar[dict[str, int]] = {"rms": 0, "delta": 1}

    def __init__(self, lib: Any, mode: str, axes: int, threshold: int, hold_ms: int) -> None:
        self._lib = lib
        self._trig = _Trigger()
        _check(
            "tinyml_trigger_init",
            lib.tinyml_trigger_init(
                ctypes.byref(self._trig),
                self.MODES[mode],
                ctypes.c_size_t(axes),
                ctypes.c_uint32(threshold),
                ctypes.c_uint32(hold_ms),
            ),
        )

    def update(self, frames: npt.NDArray[np.int16], now_ms: int) -> bool:
        x = np.ascontiguousarray(frames, dtype=np.int16)
        ret = self._lib.tinyml_trigger_update(
            ctypes.byref(self._trig),
            x.ctypes.data_as(ctypes.POINTER(ctypes.c_int16)),
            ctypes.c_size_t(x.shape[0]),
            ctypes.c_uint32(now_ms),
        )
        return _check("tinyml_trigger_update", ret) == 1


class Decision:
    """``tinyml_decision_step`` on each model run; class 0 is the background class."""

    def __init__(
        self,
        lib: Any,
        labels: Sequence[str],
        thresholds: dict[str, float],
        settings: DecisionSettings,
    ) -> None:
        if not 1 <= len(labels) <= _MAX_CLASSES:
            raise TinymlError(f"the decision logic takes 1..{_MAX_CLASSES} classes")
        self._lib = lib
        cfg = _DecisionConfig()
        cfg.n_classes = len(labels)
        cfg.background_class = 0
        cfg.vote_window = settings.vote_window
        cfg.confirm_k = settings.confirm_k
        cfg.confirm_span_ms = settings.confirm_span_ms
        cfg.refractory_ms = settings.refractory_ms
        cfg.margin_q15 = q15(settings.margin)
        cfg.hysteresis_q15 = q15(settings.hysteresis)
        for i, label in enumerate(labels):
            cfg.threshold_q15[i] = q15(thresholds.get(label, 0.5))
        self._cfg = cfg
        self._state = _DecisionState()
        self._result = _DecisionResult()
        self._scores = (ctypes.c_int16 * len(labels))()
        _check(
            "tinyml_decision_init",
            lib.tinyml_decision_init(ctypes.byref(cfg), ctypes.byref(self._state)),
        )

    def step(self, scores: npt.NDArray[np.float64], now_ms: int) -> int:
        """The class of the event confirmed now, or -1."""
        for i, s in enumerate(scores):
            self._scores[i] = q15(float(s))
        _check(
            "tinyml_decision_step",
            self._lib.tinyml_decision_step(
                ctypes.byref(self._cfg),
                ctypes.byref(self._state),
                self._scores,
                ctypes.c_size_t(len(scores)),
                ctypes.c_uint32(now_ms),
                ctypes.byref(self._result),
            ),
        )
        return int(self._result.event)


class Core:
    """Factory of the C pieces, loading the host library once."""

    def __init__(self) -> None:
        self._lib = library()

    def pipeline(self, cfg: PipelineConfig) -> NativePipeline:
        return NativePipeline(cfg)

    def trigger(self, mode: str, axes: int, threshold: int, hold_ms: int) -> Trigger:
        return Trigger(self._lib, mode, axes, threshold, hold_ms)

    def decision(
        self, labels: Sequence[str], thresholds: dict[str, float], settings: DecisionSettings
    ) -> Decision:
        return Decision(self._lib, labels, thresholds, settings)
