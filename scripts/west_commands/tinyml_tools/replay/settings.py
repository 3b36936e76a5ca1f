"""The device settings a detector runs with: ``detector.yaml`` next to the model package.

A model package carries the model, its labels, default thresholds and the ID of its feature
pipeline; the firmware adds the rest: which sensor channels feed the pipeline, the cheap
trigger that arms the model, and the decision logic. ``detector.yaml`` holds those, with the
same meaning as the C structs (``struct tinyml_trigger``, ``struct tinyml_decision_config``)::

    pipeline: pipeline.yaml          # feature pipeline config (relative to this file)
    channels: [ax, ay, az]           # recording channels, in pipeline axis order
    trigger: {mode: delta, threshold: 24, hold_ms: 400}     # mode: delta | rms | none
    decision: {confirm_k: 2, confirm_span_ms: 400, refractory_ms: 1000,
               vote_window: 1, margin: 0.0, hysteresis: 0.05}
    match_tolerance_s: 0.3           # how late after an event a detection still counts
    thresholds: {knock: 0.6}         # optional: override the package's defaults
    drift: {baseline: baseline.json, horizon: 256, alarm: 1.0}   # optional (tinyml_drift)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, not_utf8
from ..features.pipeline import PipelineConfig, load_pipeline

FILE_NAME = "detector.yaml"


class TriggerMode(Enum):
    DELTA = "delta"
    RMS = "rms"
    NONE = "none"


@dataclass(frozen=True)
class TriggerSettings:
    mode: TriggerMode
    threshold: int
    hold_ms: int


@dataclass(frozen=True)
class DecisionSettings:
    confirm_k: int
    confirm_span_ms: int
    refractory_ms: int
    vote_window: int
    margin: float
    hysteresis: float


@dataclass(frozen=True)
class DriftSettings:
    baseline_path: Path
    mean_q8: tuple[int, ...]
    std_q8: tuple[int, ...]
    horizon: int  # windows the running statistics cover
    alarm: float  # drift score (baseline standard deviations) that counts as drifting


@dataclass(frozen=True)
class DetectorSettings:
    path: Path
    pipeline_path: Path
    pipeline: PipelineConfig
    channels: tuple[str, ...]
    trigger: TriggerSettings
    decision: DecisionSettings
    match_tolerance_s: float
    thresholds: dict[str, float]
    drift: DriftSettings | None = None


def _load_drift(section: dict[str, Any], path: Path, n_features: int) -> DriftSettings | None:
    if not section:
        return None
    if not isinstance(section.get("baseline"), str):
        raise InputError(path, "'drift.baseline' must name the baseline file")
    base_path = (path.parent / section["baseline"]).resolve()
    try:
        base = json.loads(base_path.read_text())
        mean, std = tuple(int(v) for v in base["mean_q8"]), tuple(int(v) for v in base["std_q8"])
    except FileNotFoundError:
        raise InputError(base_path, "no such drift baseline (train the model first)") from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(base_path, f"not a drift baseline ({err})") from None
    if len(mean) != n_features or len(std) != n_features:
        raise InputError(base_path, f"baseline has {len(mean)} features, pipeline {n_features}")
    horizon = int(_number(section, "horizon", 256, path, "drift"))
    if horizon < 2 or horizon > 4096 or horizon & (horizon - 1):
        raise InputError(path, "'drift.horizon' must be a power of two in 2..4096 windows")
    return DriftSettings(
        base_path, mean, std, horizon, _number(section, "alarm", 1.0, path, "drift")
    )


def _section(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise InputError(path, f"'{key}' must be a mapping")
    return value


def _number(section: dict[str, Any], key: str, default: float, path: Path, where: str) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InputError(path, f"'{where}.{key}' must be a non-negative number")
    return float(value)


def load(path: str | Path) -> DetectorSettings:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "no detector settings (detector.yaml) here") from None
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror})") from None
    except yaml.YAMLError as err:
        raise InputError(path, f"not valid YAML: {str(err).splitlines()[0]}") from None
    except UnicodeDecodeError as err:
        raise not_utf8(path, err) from None
    if not isinstance(data, dict):
        raise InputError(path, "detector settings must be a YAML mapping")
    unknown = sorted(
        set(data)
        - {
            "pipeline",
            "channels",
            "trigger",
            "decision",
            "match_tolerance_s",
            "thresholds",
            "drift",
        }
    )
    if unknown:
        raise InputError(path, f"unknown key(s): {', '.join(map(str, unknown))}")
    if not isinstance(data.get("pipeline"), str):
        raise InputError(path, "'pipeline' must name the feature pipeline file")
    pipeline_path = (path.parent / data["pipeline"]).resolve()
    pipeline = load_pipeline(pipeline_path)
    channels = data.get("channels")
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise InputError(path, "'channels' must list the recording's channel names")
    if len(channels) != pipeline.axes:
        raise InputError(
            path, f"{len(channels)} channels but the pipeline takes {pipeline.axes} axes"
        )
    trig = _section(data, "trigger", path)
    try:
        mode = TriggerMode(trig.get("mode", "none"))
    except ValueError:
        raise InputError(path, "'trigger.mode' must be delta, rms or none") from None
    dec = _section(data, "decision", path)
    thresholds = _section(data, "thresholds", path)
    for name, value in thresholds.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise InputError(path, f"threshold of '{name}' must be a number in 0..1")
    return DetectorSettings(
        path=path,
        pipeline_path=pipeline_path,
        pipeline=pipeline,
        channels=tuple(channels),
        trigger=TriggerSettings(
            mode,
            int(_number(trig, "threshold", 0, path, "trigger")),
            int(_number(trig, "hold_ms", 0, path, "trigger")),
        ),
        decision=DecisionSettings(
            confirm_k=max(1, int(_number(dec, "confirm_k", 1, path, "decision"))),
            confirm_span_ms=int(_number(dec, "confirm_span_ms", 0, path, "decision")),
            refractory_ms=int(_number(dec, "refractory_ms", 0, path, "decision")),
            vote_window=max(1, int(_number(dec, "vote_window", 1, path, "decision"))),
            margin=_number(dec, "margin", 0.0, path, "decision"),
            hysteresis=_number(dec, "hysteresis", 0.0, path, "decision"),
        ),
        match_tolerance_s=_number(data, "match_tolerance_s", 0.3, path, "detector"),
        thresholds={str(k): float(v) for k, v in thresholds.items()},
        drift=_load_drift(_section(data, "drift", path), path, pipeline.feature_count),
    )
