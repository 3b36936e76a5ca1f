"""The device pipeline over a recording: C features, C trigger, TFLM model, C decisions.

Every hop the firmware computes the features of the newest window (``tinyml_pipeline_run``),
shows the newest samples to the cheap trigger (``tinyml_trigger_update``), and, when armed and
the model's input is full (its input holds the last ``frames`` feature vectors), runs the
model and feeds the scores (Q15) to ``tinyml_decision_step``. The replay does exactly that with
the host build of the core, so it reports what the device would have done.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..errors import InputError
from ..features.pipeline import pipeline_id
from ..modelpack.features import input_frames
from ..native.anomaly import NativeAnomaly
from ..native.drift import NativeDrift
from . import device
from .metrics import Detection
from .model import ModelInfo, TflmModel
from .recording import Recording
from .settings import DetectorSettings, TriggerMode


@dataclass
class ReplayResult:
    detections: list[Detection]
    run_times_s: npt.NDArray[np.float64]  # end of the window of each model run
    scores: npt.NDArray[np.float64]  # (runs, classes) from the int8 model
    float_scores: npt.NDArray[np.float64] | None  # same inputs through the float model
    windows: int
    armed_windows: int
    seconds: float
    # drift score (baseline standard deviations) after each window, when drift is configured
    drift_times_s: npt.NDArray[np.float64] | None = None
    drift_scores: npt.NDArray[np.float64] | None = None

    @property
    def agreement(self) -> float | None:
        """Share of model runs where the int8 and the float model pick the same class."""
        if self.float_scores is None or self.scores.shape[0] == 0:
            return None
        same = np.argmax(self.scores, axis=1) == np.argmax(self.float_scores, axis=1)
        return float(np.mean(same))

    @property
    def max_score_difference(self) -> float | None:
        if self.float_scores is None or self.scores.shape[0] == 0:
            return None
        return float(np.max(np.abs(self.scores - self.float_scores)))


def _anomaly_scorer(info: ModelInfo, model: TflmModel) -> NativeAnomaly:
    """The C anomaly score of an autoencoder, configured from its int8 tensors."""
    from ..features.anomaly import AnomalyConfig, ratio_q16

    if not model.quantized or model.output_dtype != np.int8:
        raise InputError(info.path, "an anomaly-score model must have int8 input and output")
    if info.full_scale_q8 is None:
        raise InputError(info.path, "anomaly-score model without a full scale (model.yaml /output)")
    cfg = AnomalyConfig(
        model.in_zero, model.out_zero, ratio_q16(model.in_scale, model.out_scale),
        info.full_scale_q8, int(np.prod(model.input_shape)),
    )  # fmt: skip
    problems = cfg.problems()
    if problems:
        raise InputError(info.path, "; ".join(problems))
    return NativeAnomaly(
        cfg.input_zero_point, cfg.output_zero_point, cfg.output_ratio_q16, cfg.full_scale_q8,
        cfg.n_values,
    )  # fmt: skip


def check_compatible(rec: Recording, rec_path: Path, settings: DetectorSettings) -> list[int]:
    """Channel indices of the recording in pipeline order; InputError when it cannot feed it."""
    missing = [c for c in settings.channels if c not in rec.channels]
    if missing:
        raise InputError(
            rec_path,
            f"has no channel(s) {', '.join(missing)} (has {', '.join(rec.channels)}; "
            f"{settings.path.name} wants {', '.join(settings.channels)})",
        )
    if abs(rec.sample_rate_hz - settings.pipeline.sample_rate_hz) > 1e-6:
        raise InputError(
            rec_path,
            f"sampled at {rec.sample_rate_hz:g} Hz; the pipeline expects "
            f"{settings.pipeline.sample_rate_hz} Hz",
        )
    if rec.samples.shape[0] < settings.pipeline.window_len:
        raise InputError(rec_path, "shorter than one feature window")
    return [rec.channels.index(c) for c in settings.channels]


def _check_float_model(float_model: TflmModel, model: TflmModel, classes: int) -> None:
    """The float model takes the int8 model's input and says as many classes."""
    if float_model.input_shape != model.input_shape:
        raise InputError(
            float_model.source,
            f"float model input {list(float_model.input_shape)} differs from the int8 "
            f"model's {list(model.input_shape)}: not the same model",
        )
    if float_model.output_size != classes:
        raise InputError(
            float_model.source,
            f"float model says {float_model.output_size} classes, the package has {classes}",
        )


class DevicePipeline:
    """The feature, trigger, model and decision chain of one detector, ready to replay."""

    def __init__(
        self,
        settings: DetectorSettings,
        info: ModelInfo,
        float_tflite: bytes | None = None,
        float_path: Path | None = None,
    ) -> None:
        cfg = settings.pipeline
        if info.pipeline_id is not None and info.pipeline_id != pipeline_id(cfg):
            raise InputError(
                info.path,
                f"model was trained on pipeline 0x{info.pipeline_id:08x}, "
                f"{settings.pipeline_path.name} is 0x{pipeline_id(cfg):08x}",
            )
        self.settings = settings
        self.info = info
        self.model = TflmModel(info.tflite, info.path)
        self.float_model = (
            TflmModel(float_tflite, float_path or info.path) if float_tflite else None
        )
        self.n_features = cfg.feature_count
        shape = self.model.input_shape
        self.frames = input_frames(cfg, settings.pipeline_path.name, shape, info.path)
        self.anomaly = _anomaly_scorer(info, self.model) if info.is_anomaly else None
        if info.output_kind == "regression":
            raise InputError(info.path, "a regression model makes no detections to replay")
        if self.anomaly is not None:
            self.float_model = None  # int8-vs-float agreement compares class scores only
        elif self.float_model is not None:
            _check_float_model(self.float_model, self.model, len(info.labels))
        self.thresholds = {
            label: settings.thresholds.get(label, info.thresholds.get(label, 0.5))
            for label in info.labels
        }

    def replay(self, rec: Recording, rec_path: Path) -> ReplayResult:
        cfg = self.settings.pipeline
        columns = check_compatible(rec, rec_path, self.settings)
        samples = np.ascontiguousarray(rec.samples[:, columns])
        features = device.pipeline(cfg)
        trig_cfg = self.settings.trigger
        trigger = (
            device.trigger(trig_cfg.mode, cfg.axes, trig_cfg.threshold, trig_cfg.hold_ms)
            if trig_cfg.mode is not TriggerMode.NONE
            else None
        )
        labels = self.info.labels
        decision = device.Decision(labels, self.thresholds, self.settings.decision)
        drift_cfg = self.settings.drift
        drift = NativeDrift(self.n_features, drift_cfg.horizon) if drift_cfg else None
        drift_scores: list[float] = []
        history: deque[npt.NDArray[np.int32]] = deque(maxlen=self.frames)
        detections: list[Detection] = []
        times: list[float] = []
        scores: list[npt.NDArray[np.float64]] = []
        float_scores: list[npt.NDArray[np.float64]] = []
        windows = armed_windows = 0
        rate = rec.sample_rate_hz
        for end in range(cfg.window_len, samples.shape[0] + 1, cfg.hop):
            window = samples[end - cfg.window_len : end]
            history.append(features.run(np.ascontiguousarray(window.T).reshape(-1)))
            windows += 1
            if drift is not None and drift_cfg is not None:
                drift.update(history[-1])
                drift_scores.append(drift.score_q8(drift_cfg.mean_q8, drift_cfg.std_q8) / 256)
            now_ms = int(end * 1000 // rate)
            block = window if windows == 1 else samples[end - cfg.hop : end]
            armed = True if trigger is None else trigger.update(block, now_ms)
            if not armed or len(history) < self.frames:
                continue
            armed_windows += 1
            stacked = np.stack(history)
            if self.anomaly is not None:
                q_in, q_out = self.model.run_raw(stacked)
                out = np.array(self.anomaly.scores_q15(q_in, q_out), np.float64) / 32768.0
            else:
                out = self.model.run(stacked)
            times.append(end / rate)
            scores.append(out)
            if self.float_model is not None:
                float_scores.append(self.float_model.run(stacked))
            event = decision.step(out, now_ms)
            if event >= 0:
                detections.append(Detection(end / rate, labels[event], float(out[event])))
        n_classes = len(labels)
        return ReplayResult(
            detections=detections,
            run_times_s=np.array(times, dtype=np.float64),
            scores=np.array(scores, dtype=np.float64).reshape(-1, n_classes),
            float_scores=(
                np.array(float_scores, dtype=np.float64).reshape(-1, n_classes)
                if self.float_model is not None
                else None
            ),
            windows=windows,
            armed_windows=armed_windows,
            seconds=rec.seconds,
            drift_times_s=(
                (cfg.window_len + np.arange(len(drift_scores)) * cfg.hop) / rate
                if drift is not None
                else None
            ),
            drift_scores=np.array(drift_scores) if drift is not None else None,
        )
