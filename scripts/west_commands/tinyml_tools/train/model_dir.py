"""The model directory ``west train`` writes, as ``model-pack build`` and ``replay`` take it:
``model.yaml``, ``<name>.tflite`` (int8) and ``<name>_float.tflite``, ``pipeline.yaml``,
``detector.yaml``, ``baseline.json`` (drift baseline), ``inputs.json`` (what the model was
trained from, for reuse) and ``report/``."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from ..errors import InputError
from ..features.pipeline import PipelineConfig, pipeline_id
from ..replay.settings import FILE_NAME as DETECTOR_FILE

DIGEST_FILE = "inputs.json"
BASELINE_FILE = "baseline.json"
PIPELINE_FILE = "pipeline.yaml"


def tflite_paths(out: Path, name: str) -> tuple[Path, Path]:
    return out / f"{name}.tflite", out / f"{name}_float.tflite"


def prepare(out: Path, pipeline: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(out, f"cannot create the model directory ({err.strerror})") from None
    target = out / PIPELINE_FILE
    if not target.exists() or target.resolve() != pipeline.resolve():
        shutil.copyfile(pipeline, target)


def write_model_yaml(
    out: Path,
    name: str,
    version: str,
    labels: Sequence[str],
    thresholds: dict[str, float],
    full_scale_q8: int | None,
) -> None:
    lines = [
        "# Written by `west train` (docs/train.md): thresholds chosen on the validation split.",
        f"name: {name}",
        f"version: {version}",
        f"source: {{path: {name}.tflite, format: tflite}}",
        f"labels: [{', '.join(labels)}]",
        "thresholds: {" + ", ".join(f"{k}: {v:g}" for k, v in thresholds.items()) + "}",
        f"feature_pipeline: {PIPELINE_FILE}",
    ]
    if full_scale_q8 is not None:
        lines.append(f"output: {{kind: anomaly_score, full_scale_q8: {full_scale_q8}}}")
    _write_text(out / "model.yaml", "\n".join(lines) + "\n")


def detector_template(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "no such detector settings file") from None
    except UnicodeDecodeError as err:
        byte = err.object[err.start]
        raise InputError(path, f"not UTF-8 text (byte {byte:#04x} at offset {err.start})") from None
    except (OSError, yaml.YAMLError) as err:
        raise InputError(path, f"cannot read detector settings ({err})") from None
    if not isinstance(data, dict):
        raise InputError(path, "detector settings must be a YAML mapping")
    return data


def write_detector(
    out: Path,
    template_path: Path | None,
    channels: Sequence[str],
    thresholds: dict[str, float],
) -> Path:
    """detector.yaml: the template's settings (its text and comments kept when it is this
    folder's own file) with the pipeline, channels and chosen thresholds."""
    path = out / DETECTOR_FILE
    flow = "{" + ", ".join(f"{k}: {v:g}" for k, v in thresholds.items()) + "}"
    line = f"thresholds: {flow}  # chosen by west train on the validation split\n"
    if template_path is not None and template_path.resolve() == path.resolve():
        text = template_path.read_text(encoding="utf-8")
        kept = [ln for ln in text.splitlines(keepends=True) if not re.match(r"thresholds:", ln)]
        new = "".join(kept).rstrip("\n") + "\n" + line
        if yaml.safe_load(new).get("thresholds") == thresholds:
            _write_text(path, new)
            return path
    data = detector_template(template_path)
    data.pop("thresholds", None)
    data["pipeline"] = PIPELINE_FILE
    data["channels"] = list(channels)
    data.setdefault("trigger", {"mode": "none"})
    data.setdefault(
        "decision",
        {"confirm_k": 2, "confirm_span_ms": 1000, "refractory_ms": 1000, "vote_window": 1,
         "margin": 0.0, "hysteresis": 0.05},
    )  # fmt: skip
    if "drift" in data:
        data["drift"] = dict(data["drift"], baseline=BASELINE_FILE)
    body = yaml.safe_dump(data, sort_keys=False, default_flow_style=None)
    _write_text(path, "# Device settings written by `west train` (docs/replay.md).\n" + body + line)
    return path


def write_baseline(out: Path, cfg: PipelineConfig, frames: npt.NDArray[np.int32]) -> None:
    """Per-feature mean and standard deviation (Q8, as tinyml_drift keeps them) of the
    training split's background feature frames: the drift baseline."""
    windows = frames.astype(np.float64)
    record = {
        "pipeline_id": f"0x{pipeline_id(cfg):08x}",
        "source": "training split, background windows",
        "windows": int(windows.shape[0]),
        "mean_q8": [int(v) for v in np.rint(windows.mean(axis=0) * 256)],
        "std_q8": [int(v) for v in np.rint(windows.std(axis=0) * 256)],
    }
    _write_text(out / BASELINE_FILE, json.dumps(record, indent=1) + "\n")


def digest(parts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def is_current(out: Path, name: str, inputs_sha256: str) -> bool:
    record = out / DIGEST_FILE
    needed = [*tflite_paths(out, name), out / "model.yaml", out / DETECTOR_FILE]
    if not record.is_file() or not all(p.is_file() for p in needed):
        return False
    try:
        saved = json.loads(record.read_text()).get("inputs_sha256")
    except (OSError, ValueError):
        return False
    return bool(saved == inputs_sha256)


def write_inputs(
    out: Path,
    inputs_sha256: str,
    fit_sha256: str,
    parts: dict[str, Any],
    training: Any,
    history: dict[str, list[float]],
) -> None:
    """``inputs_sha256`` covers everything (reuse as it is); ``fit_sha256`` what the weights
    depend on (reuse the weights, choose the thresholds again)."""
    data = {
        "inputs_sha256": inputs_sha256,
        "fit_sha256": fit_sha256,
        "inputs": parts,
        "training": training,
        "history": history,
    }
    _write_text(out / DIGEST_FILE, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
