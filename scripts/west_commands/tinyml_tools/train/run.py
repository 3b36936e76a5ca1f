"""``west train``: a dataset split in, a model directory out (see the package docstring)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from ..dataset import store
from ..dataset.split import load_part
from ..dataset.store import Dataset, Entry
from ..errors import InputError
from ..features.anomaly import AnomalyConfig, error_q8, ratio_q16
from ..features.pipeline import PipelineConfig, load_pipeline, pipeline_id
from ..modelpack.model_config import SCHEMA_FILE
from ..paths import BUILD_DIR
from ..replay import model as model_io
from ..replay import settings as settings_io
from ..replay.labels import LabeledEvent
from ..replay.model import TflmModel
from ..replay.training import feature_fingerprint
from . import calibrate, export, features, inputs, model_dir, report
from .fit import FitSettings, fit, standardizer
from .macs import model_cost
from .templates import AUTOENCODER, TEMPLATES, Template
from .ui import Ui

# What the trained weights depend on; the thresholds also depend on calibrate.py and the target,
# so a change of those alone recalibrates the existing model instead of retraining it.
_CODE_FILES = ("templates.py", "fit.py", "export.py", "inputs.py", "features.py")
_CALIBRATION_FILES = ("calibrate.py", "run.py", "model_dir.py")
# The device's anomaly score is calibrated so that this quantile of normal validation
# errors scores 0.5 (the lowest threshold a two-class decision can take).
_NORMAL_QUANTILE = 0.995
_MAX_FULL_SCALE_WINDOWS = 4000


@dataclass(frozen=True)
class TrainOptions:
    dataset: Path
    pipeline: Path
    template: str
    out: Path
    split: str = "default"
    name: str | None = None
    version: str = "1.0.0"
    channels: tuple[str, ...] | None = None
    classes: tuple[str, ...] | None = None
    background: str | None = None  # background / normal class name
    anomaly_class: str = "anomaly"
    frames: int = 8
    epochs: int = 15
    batch_size: int = 64
    learning_rate: float = 3e-3
    seed: int = 1234
    min_overlap: float = 0.5
    max_background: int = 20000  # background (normal) inputs kept, drawn with the seed
    qat: bool = False
    target: calibrate.Target = field(default_factory=lambda: calibrate.Target(1.0))
    detector: Path | None = None
    features: str = "device"
    force: bool = False


@dataclass
class TrainResult:
    out: Path
    name: str
    reused: bool
    figures: dict[str, Any] = field(default_factory=dict)
    report: Path | None = None


def _name(options: TrainOptions) -> str:
    name = options.name or options.out.resolve().name.lower().replace(" ", "_")
    if not name or not set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789_-"):
        raise InputError(options.out, f"model name '{name}': use --name with a-z, 0-9, _ or -")
    return name[:32]


def _schema_pattern(key: str) -> str:
    """model.yaml's own rule for @p key, so train refuses before it trains what build refuses."""
    schema = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    return str(schema["mapping"][key]["pattern"])


def _within(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _check_output(options: TrainOptions) -> None:
    """The model directory is new, or one that train wrote before; never the dataset."""
    out = options.out
    if _within(out, options.dataset) or _within(options.dataset, out):
        raise InputError(out, f"is or holds the dataset {options.dataset}: pick a separate folder")
    if out.exists() and not out.is_dir():
        raise InputError(out, "exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / model_dir.DIGEST_FILE).is_file():
        digest = model_dir.DIGEST_FILE
        raise InputError(out, f"exists and was not written by train (no {digest}): pick a new one")


def _check_options(options: TrainOptions) -> Template:
    if not re.match(_schema_pattern("version"), options.version):
        raise InputError(options.out, f"--version '{options.version}' is not MAJOR.MINOR.PATCH")
    if options.template not in TEMPLATES:
        raise InputError(
            options.out, f"unknown template '{options.template}' ({', '.join(TEMPLATES)})"
        )
    if not 1 <= options.frames <= 64:
        raise InputError(options.out, "--frames must be 1..64")
    if not 1 <= options.epochs <= 1000:
        raise InputError(options.out, "--epochs must be 1..1000")
    if options.features not in features.BACKENDS:
        raise InputError(options.out, f"--features must be one of {', '.join(features.BACKENDS)}")
    return TEMPLATES[options.template]


def _channels(options: TrainOptions, cfg: PipelineConfig, entries: Sequence[Entry]) -> list[str]:
    if options.channels:
        chosen = list(options.channels)
    else:
        template = model_dir.detector_template(options.detector)
        if isinstance(template.get("channels"), list):
            chosen = [str(c) for c in template["channels"]]
        else:
            chosen = list(entries[0].channels)
    if len(chosen) != cfg.axes:
        raise InputError(
            options.pipeline,
            f"takes {cfg.axes} axes but the channels are {', '.join(chosen)} (use --channels)",
        )
    for e in entries:
        missing = [c for c in chosen if c not in e.channels]
        if missing:
            raise InputError(e.recording, f"has no channel(s) {', '.join(missing)}")
        if abs(e.sample_rate_hz - cfg.sample_rate_hz) > 1e-6:
            raise InputError(
                e.recording,
                f"sampled at {e.sample_rate_hz:g} Hz; {options.pipeline.name} expects "
                f"{cfg.sample_rate_hz} Hz",
            )
    return chosen


def _labels(options: TrainOptions, template: Template, train: Sequence[Entry]) -> list[str]:
    if template.kind == AUTOENCODER:
        return [options.background or "normal", options.anomaly_class]
    found = sorted({c for e in train for c in e.events})
    classes = list(options.classes) if options.classes else found
    if not classes:
        raise InputError(options.dataset, "the training part holds no labelled events to learn")
    background = options.background or "background"
    if background in classes:
        raise InputError(options.dataset, f"'{background}' is the background class; rename it")
    return [background, *classes]


def _code_digest(files: Sequence[str] = _CODE_FILES) -> str:
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in files:
        h.update(name.encode() + (here / name).read_bytes())
    return h.hexdigest()


def _digest_parts(
    options: TrainOptions, train: Sequence[Entry], val: Sequence[Entry], channels: list[str],
    labels: list[str],
) -> dict[str, Any]:  # fmt: skip
    detector = model_dir.detector_template(options.detector)
    detector.pop("thresholds", None)
    return {
        "train": sorted((e.name, e.sha256, sorted(e.events.items())) for e in train),
        "val": sorted((e.name, e.sha256, sorted(e.events.items())) for e in val),
        "labels_sha256": _labels_digest(options.dataset, [*train, *val]),
        "pipeline": hashlib.sha256(options.pipeline.read_bytes()).hexdigest(),
        "feature_fingerprint": feature_fingerprint(options.pipeline),
        "detector": detector,
        "code": _code_digest(),
        "options": {
            "template": options.template, "frames": options.frames, "epochs": options.epochs,
            "batch_size": options.batch_size, "learning_rate": options.learning_rate,
            "seed": options.seed, "min_overlap": options.min_overlap, "qat": options.qat,
            "max_background": options.max_background,
            "channels": channels, "labels": labels,
            "version": options.version,
        },
    }  # fmt: skip


def _labels_digest(root: Path, entries: Sequence[Entry]) -> str:
    h = hashlib.sha256()
    for e in sorted(entries, key=lambda e: e.name):
        h.update((root / e.labels).read_bytes())
    return h.hexdigest()


@dataclass
class _Part:
    entries: list[Entry]
    samples: list[npt.NDArray[np.int16]]
    events: list[list[LabeledEvent]]


def _load_part(dataset: Dataset, entries: list[Entry], channels: list[str]) -> _Part:
    samples, events = [], []
    for e in entries:
        session = dataset.session(e)
        cols = [session.recording.channels.index(c) for c in channels]
        samples.append(np.ascontiguousarray(session.recording.samples[:, cols]))
        events.append(list(session.labels))
    return _Part(entries, samples, events)


def _full_scale(
    model: TflmModel, x: npt.NDArray[np.int32], seed: int
) -> tuple[int, npt.NDArray[np.int64]]:
    """full_scale_q8 putting the 99.5th percentile of normal validation errors at score 0.5."""
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(x), size=min(len(x), _MAX_FULL_SCALE_WINDOWS), replace=False)
    cfg = AnomalyConfig(
        model.in_zero, model.out_zero, ratio_q16(model.in_scale, model.out_scale), 1,
        int(np.prod(model.input_shape)),
    )  # fmt: skip
    errors = []
    for i in sorted(pick):
        q_in, q_out = model.run_raw(x[i])
        errors.append(error_q8(cfg, q_in, q_out))
    err = np.array(errors, np.int64)
    anchor = float(np.quantile(err, _NORMAL_QUANTILE)) if err.size else 1.0
    return max(1, round(2 * anchor)), err


def train(options: TrainOptions, ui: Ui | None = None) -> TrainResult:
    """Train into a staging folder beside the output and swap it in only when everything was
    written: a failure (or Ctrl-C) leaves the previous model directory as it was."""
    template = _check_options(options)
    name = _name(options)
    _check_output(options)
    model_dir.detector_template(options.detector)  # refused now, not after the fit
    out = options.out
    stage = out.with_name(f".{out.name}.train-tmp")
    shutil.rmtree(stage, ignore_errors=True)
    try:
        if out.is_dir():
            shutil.copytree(out, stage, symlinks=True)
        result = _train_into(options, template, name, stage, ui or Ui())
        if not result.reused:
            _swap_in(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return TrainResult(
        out, result.name, result.reused, result.figures,
        out / result.report.relative_to(stage) if result.report else None,
    )  # fmt: skip


def _swap_in(stage: Path, out: Path) -> None:
    old = out.with_name(f".{out.name}.train-old")
    shutil.rmtree(old, ignore_errors=True)
    try:
        if out.exists():
            out.rename(old)
        stage.rename(out)
    except OSError as err:
        if old.exists() and not out.exists():
            old.rename(out)
        raise InputError(out, f"cannot write the model directory ({err.strerror})") from None
    shutil.rmtree(old, ignore_errors=True)


def _train_into(
    options: TrainOptions, template: Template, name: str, out: Path, ui: Ui
) -> TrainResult:
    start = time.monotonic()
    dataset = store.load(options.dataset)
    train_entries = load_part(dataset, options.split, "train")
    val_entries = load_part(dataset, options.split, "val")
    cfg = load_pipeline(options.pipeline)
    channels = _channels(options, cfg, [*train_entries, *val_entries])
    labels = _labels(options, template, train_entries)
    parts = _digest_parts(options, train_entries, val_entries, channels, labels)
    fit_sha = model_dir.digest(parts)
    calibration = {
        "target": options.target.text(),
        "code": _code_digest(_CALIBRATION_FILES),
        "fit_sha256": fit_sha,
    }
    inputs_sha = model_dir.digest(calibration)
    saved_fit = _saved(out / model_dir.DIGEST_FILE)
    reuse_fit = (
        not options.force
        and saved_fit.get("fit_sha256") == fit_sha
        and all(p.is_file() for p in model_dir.tflite_paths(out, name))
    )
    if not options.force and model_dir.is_current(out, name, inputs_sha):
        saved = json.loads((out / model_dir.DIGEST_FILE).read_text()).get("training", {})
        ui.step(f"{name}: inputs unchanged, reusing {options.out / (name + '.tflite')}")
        return TrainResult(out, name, True, saved, out / "report" / "report.html")
    model_dir.prepare(out, options.pipeline)

    ui.step(f"{name}: features of {len(train_entries)} + {len(val_entries)} recordings "
            f"({options.features} pipeline)")  # fmt: skip
    tr = _load_part(dataset, train_entries, channels)
    va = _load_part(dataset, val_entries, channels)
    cache = BUILD_DIR / "cache" / "train"
    total = float(sum(s.shape[0] for s in tr.samples + va.samples))
    with ui.bar("features", total) as advance:
        f_tr = features.all_features(cfg, tr.samples, options.features, cache,
                                     lambda n: advance(n, ""))  # fmt: skip
        f_va = features.all_features(cfg, va.samples, options.features, cache,
                                     lambda n: advance(n, ""))  # fmt: skip
    feature_seconds = time.monotonic() - start
    if template.kind == AUTOENCODER:
        # normal data only: every input touching an event, of any class, is left out
        normal = [labels[0], "_event"]
        d_tr = inputs.stack(cfg, f_tr, [_as_other(evs) for evs in tr.events], options.frames,
                            normal, 1e-9)  # fmt: skip
        d_va = inputs.stack(cfg, f_va, [_as_other(evs) for evs in va.events], options.frames,
                            normal, 1e-9)  # fmt: skip
    else:
        for part in (tr, va):
            for entry, evs in zip(part.entries, part.events, strict=True):
                unknown = sorted({e.label for e in evs} - set(labels))
                if unknown:
                    raise InputError(
                        options.dataset / entry.labels,
                        f"class(es) {', '.join(unknown)} not among {', '.join(labels[1:])}",
                    )
        d_tr = inputs.stack(cfg, f_tr, tr.events, options.frames, labels, options.min_overlap)
        d_va = inputs.stack(cfg, f_va, va.events, options.frames, labels, options.min_overlap)
    keep_tr = d_tr.y == 0 if template.kind == AUTOENCODER else d_tr.y >= 0
    keep_va = d_va.y == 0 if template.kind == AUTOENCODER else d_va.y >= 0
    keep_tr = _cap_background(keep_tr, d_tr.y, options.max_background, options.seed)
    x_tr, y_tr = d_tr.x[keep_tr].astype(np.float32), d_tr.y[keep_tr]
    x_va, y_va = d_va.x[keep_va].astype(np.float32), d_va.y[keep_va]
    if len(x_tr) < 16:
        raise InputError(options.dataset, f"only {len(x_tr)} training inputs; record more")
    background_frames = d_tr.x[d_tr.y == 0][:, -1, :]
    model_dir.write_baseline(out, cfg, background_frames)
    norm = standardizer(x_tr)
    n_out = len(labels) if template.kind != AUTOENCODER else options.frames * cfg.feature_count
    settings = FitSettings(options.epochs, options.batch_size, options.learning_rate,
                           options.seed)  # fmt: skip
    int8_path, float_path = model_dir.tflite_paths(out, name)
    if reuse_fit:
        ui.step(f"{name}: training inputs unchanged, reusing the trained model; recalibrating")
        history = {k: list(v) for k, v in saved_fit.get("history", {}).items()}
        params = int(saved_fit.get("training", {}).get("parameters", 0))
        fit_seconds = 0.0
    else:
        ui.step(f"{name}: training {template.name} on {len(x_tr)} inputs, {options.epochs} "
                "epochs" + (" (quantization-aware)" if options.qat else ""))  # fmt: skip
        fit_start = time.monotonic()
        with ui.bar("epochs", options.epochs) as advance:
            fitted = fit(
                template, export.quantization_aware if options.qat else None, x_tr, y_tr, x_va,
                y_va, n_out, norm, settings,
                lambda epoch, logs: advance(1, "  ".join(f"{k} {v:.3g}" for k, v in logs.items())),
            )  # fmt: skip
        fit_seconds = time.monotonic() - fit_start
        history = fitted.history
        rng = np.random.default_rng(options.seed)
        rep = x_tr[rng.choice(len(x_tr), size=min(500, len(x_tr)), replace=False)]
        shape = (options.frames, cfg.feature_count)
        params = export.export(template, fitted.model, shape, n_out, norm, options.qat, rep,
                               int8_path, float_path)  # fmt: skip
    full_scale = None
    if template.kind == AUTOENCODER:
        tflm = TflmModel(int8_path.read_bytes(), int8_path)
        full_scale, _ = _full_scale(tflm, d_va.x[keep_va], options.seed)
    provisional = dict.fromkeys(labels[1:], 0.5)
    model_dir.write_model_yaml(out, name, options.version, labels, provisional, full_scale)
    model_dir.write_detector(out, options.detector, channels, provisional)

    ui.step(f"{name}: choosing thresholds by replaying {len(val_entries)} validation "
            "recordings (C features, TFLM int8, C decisions)")  # fmt: skip
    det = settings_io.load(out / settings_io.FILE_NAME)
    info = model_io.load(int8_path)
    recs = [
        (e.name, e.condition_text(), dataset.session(e).recording, evs)
        for e, evs in zip(va.entries, va.events, strict=True)
    ]
    with ui.bar("validation replay", len(recs)) as advance:
        runs = calibrate.replay_all(det, info, recs, lambda n: advance(1, n))
    cal = calibrate.calibrate(runs, labels, det, options.target, template.kind == AUTOENCODER)
    thresholds = dict.fromkeys(labels[1:], cal.chosen.threshold)
    model_dir.write_model_yaml(out, name, options.version, labels, thresholds, full_scale)
    model_dir.write_detector(out, out / settings_io.FILE_NAME, channels, thresholds)
    cost = model_cost(int8_path)
    arena = _arena(int8_path)
    seconds = time.monotonic() - start
    figures: dict[str, Any] = {
        "template": template.name,
        "kind": template.kind,
        "labels": labels,
        "parameters": params,
        "macs": cost.macs,
        "int8_bytes": int8_path.stat().st_size,
        "arena_bytes": arena,
        "training_inputs": len(x_tr),
        "validation_inputs": len(x_va),
        "epochs": options.epochs,
        "qat": options.qat,
        "target": options.target.text(),
        "target_met": cal.met,
        "threshold": cal.chosen.threshold,
        "val_recall": round(cal.chosen.recall, 4),
        "val_precision": round(cal.chosen.precision, 4),
        "val_false_triggers_per_hour": round(cal.chosen.false_triggers_per_hour, 3),
        "val_events": cal.chosen.events,
        "full_scale_q8": full_scale,
        "feature_backend": options.features,
        "feature_seconds": round(feature_seconds, 1),
        "fit_seconds": round(fit_seconds, 1),
        "seconds": round(seconds, 1),
        "pipeline_id": f"0x{pipeline_id(cfg):08x}",
    }
    html, _ = report.write(out / "report", f"west train: {name}", figures, history, cal,
                           labels, det)  # fmt: skip
    model_dir.write_inputs(out, inputs_sha, fit_sha, parts, figures, history)
    return TrainResult(out, name, False, figures, html)


def _cap_background(
    keep: npt.NDArray[np.bool_], y: npt.NDArray[np.int64], cap: int, seed: int
) -> npt.NDArray[np.bool_]:
    """Keep every event input and at most ``cap`` background inputs (neighbouring inputs
    overlap by all but one frame, so a random subset loses little)."""
    background = np.flatnonzero(keep & (y == 0))
    if background.size <= cap:
        return keep
    drop = np.random.default_rng(seed).choice(background, background.size - cap, replace=False)
    out = keep.copy()
    out[drop] = False
    return out


def _saved(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _as_other(events: list[LabeledEvent]) -> list[LabeledEvent]:
    return [LabeledEvent(e.start, e.end, "_event") for e in events]


def _arena(path: Path) -> int:
    from ..modelpack.arena import estimate_arena
    from ..modelpack.tflite_model import load_tflite

    return int(estimate_arena(load_tflite(path)).figures.total)
