"""Calibration of the pump anomaly detector on the held-out split (pump p7 and a bracket mount,
-5 and 55 C: 2 x 240 s, the split `bench_replay` judges it on).

The committed detector (full scale and threshold from normal validation data, 3 positives in
2 s, 10 s refractory) raises about 284 false alarms per hour there: the unseen pump and mount
reconstruct worse than any training condition. Three recalibrations, each chosen without
looking at the held-out episodes:

- k-of-n: a longer confirmation (8 positives in 4 s, 16 in 4 s), same scores;
- validation plateau: the reconstruction-error threshold in the geometric middle of the range
  where the validation split (training conditions, 9 x 240 s) keeps recall 1 and at most 1
  false alarm per hour, instead of its lower end;
- commissioning: the monitored machine's own first 60 s of normal operation (inputs that touch
  no labelled episode) set the full scale by the training rule (its 99.5th percentile error
  scores 0.5), no retraining; judged on the rest of each session (t >= 60 s), next to the
  committed calibration on the same part.

Errors are computed once per inference with the device's integer arithmetic (the replay
tool's C features, the int8 model in TFLM, tinyml_tools.features.anomaly.error_q8), then the C
decision chain runs on the scores each calibration gives. Figures: anomaly.pump.<calibration>.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tinyml_tools.features.anomaly import AnomalyConfig, error_q8, ratio_q16
from tinyml_tools.paths import BUILD_DIR, REPO_ROOT
from tinyml_tools.replay import device, metrics
from tinyml_tools.replay import labels as labels_io
from tinyml_tools.replay import model as model_io
from tinyml_tools.replay import recording as recording_io
from tinyml_tools.replay import settings as settings_io
from tinyml_tools.replay.runner import DevicePipeline

ANOMALY_DIR = REPO_ROOT / "models" / "pump" / "anomaly"
SECONDS = 240
COMMISSIONING_S = 60.0
INPUT_S = 1.0  # the model sees 4 frames of 0.25 s
THRESHOLD = 0.74  # the committed threshold; calibrations move the full scale under it
LABELS = ("normal", "anomaly")


@dataclass(frozen=True)
class Session:
    name: str
    t: npt.NDArray[np.float64]  # window end of each inference, s
    error: npt.NDArray[np.int64]  # error_q8 of each inference
    seconds: float
    events: list[labels_io.LabeledEvent]


def _split(name: str) -> Path:
    out = BUILD_DIR / "bench" / "anomaly_calibration" / name
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "models" / "pump" / "generate.py"), "--split", name,
         "--seconds", str(SECONDS), "--out", str(out)],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return out


def _errors(split: Path, settings: settings_io.DetectorSettings) -> list[Session]:
    info = model_io.load(ANOMALY_DIR / "pump_anomaly.pkg")
    pipeline = DevicePipeline(settings, info)
    model = pipeline.model
    frames = settings.pipeline
    sessions = []
    for entry in json.loads((split / "index.json").read_text())["sessions"]:
        rec = recording_io.read(split / entry["recording"])
        cfg = AnomalyConfig(
            model.in_zero, model.out_zero, ratio_q16(model.in_scale, model.out_scale),
            info.full_scale_q8 or 1, int(np.prod(model.input_shape)),
        )  # fmt: skip
        features = device.pipeline(frames)
        history: deque[npt.NDArray[np.int32]] = deque(maxlen=pipeline.frames)
        samples = np.ascontiguousarray(rec.samples)
        times, errors = [], []
        for end in range(frames.window_len, samples.shape[0] + 1, frames.hop):
            window = samples[end - frames.window_len : end]
            history.append(features.run(np.ascontiguousarray(window.T).reshape(-1)))
            if len(history) == history.maxlen:
                q_in, q_out = model.run_raw(np.stack(history))
                times.append(end / rec.sample_rate_hz)
                errors.append(error_q8(cfg, q_in, q_out))
        sessions.append(
            Session(
                entry["name"],
                np.array(times),
                np.array(errors, dtype=np.int64),
                rec.seconds,
                labels_io.read(split / entry["labels"]),
            )
        )
    return sessions


def _score(
    sessions: list[Session],
    settings: settings_io.DetectorSettings,
    full_scale: dict[str, int],
    decision: settings_io.DecisionSettings,
    t_from: float = 0.0,
) -> metrics.Metrics:
    parts = []
    for s in sessions:
        dec = device.Decision(LABELS, {"anomaly": THRESHOLD}, decision)
        fs = full_scale[s.name]
        detections = []
        for t, e in zip(s.t, s.error, strict=True):
            if t < t_from:
                continue
            score = min(32767, (int(e) << 15) // fs)
            pair = np.array([(32767 - score) / 32768, score / 32768])
            if dec.step(pair, round(float(t) * 1000)) >= 0:
                detections.append(metrics.Detection(float(t), "anomaly", score / 32768))
        events = [replace(ev, label="anomaly") for ev in s.events if ev.end >= t_from]
        parts.append(
            metrics.score(
                detections, events, LABELS, s.seconds - t_from, settings.match_tolerance_s
            )
        )
    return metrics.combine(parts)


def _figures(name: str, m: metrics.Metrics) -> dict[str, float]:
    out = {
        f"anomaly.pump.{name}.recall": m.recall if m.recall is not None else -1.0,
        f"anomaly.pump.{name}.false_alarms_per_hour": m.false_triggers_per_hour,
        f"anomaly.pump.{name}.events": float(m.events),
    }
    if m.precision is not None:
        out[f"anomaly.pump.{name}.precision"] = m.precision
    return out


def _normal(s: Session, until: float) -> npt.NDArray[np.int64]:
    touches = np.array(
        [any(e.start - INPUT_S <= t <= e.end + INPUT_S for e in s.events) for t in s.t]
    )
    return s.error[~touches & (s.t < until)]


def run() -> dict[str, float]:
    settings = settings_io.load(ANOMALY_DIR / "detector.yaml")
    info = model_io.load(ANOMALY_DIR / "pump_anomaly.pkg")
    assert info.full_scale_q8 is not None
    held = _errors(_split("heldout"), settings)
    val = _errors(_split("val"), settings)
    committed_fs = {s.name: info.full_scale_q8 for s in held + val}
    base = settings.decision
    figures = _figures("committed", _score(held, settings, committed_fs, base))
    for k, span in ((8, 4000), (16, 4000)):
        longer = replace(base, confirm_k=k, confirm_span_ms=span)
        figures |= _figures(f"k{k}_in_{span}ms", _score(held, settings, committed_fs, longer))
    # the validation plateau, in error units, on a geometric grid; its geometric middle
    plateau = []
    for err in np.unique(np.round(np.geomspace(5_000, 2_000_000, 80)).astype(int)):
        fs = {s.name: max(1, round(int(err) / THRESHOLD)) for s in val}
        m = _score(val, settings, fs, base)
        if m.recall == 1.0 and m.false_triggers_per_hour <= 1.0:
            plateau.append(int(err))
    middle = round(float(np.sqrt(min(plateau) * max(plateau))) / THRESHOLD)
    figures["anomaly.pump.val_plateau.error_q8_low"] = float(min(plateau))
    figures["anomaly.pump.val_plateau.error_q8_high"] = float(max(plateau))
    figures["anomaly.pump.val_plateau.full_scale_q8"] = float(middle)
    figures |= _figures("val_plateau", _score(held, settings, {s.name: middle for s in held}, base))
    # commissioning: the machine's own first minute of normal operation
    own = {
        s.name: max(1, round(2 * float(np.percentile(_normal(s, COMMISSIONING_S), 99.5))))
        for s in held
    }
    for s in held:
        figures[f"anomaly.pump.commissioning.{s.name}.full_scale_q8"] = float(own[s.name])
    figures |= _figures("commissioning", _score(held, settings, own, base, t_from=COMMISSIONING_S))
    figures |= _figures(
        "committed_after_60s", _score(held, settings, committed_fs, base, COMMISSIONING_S)
    )
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:<60} {value:>12,.6g}")
