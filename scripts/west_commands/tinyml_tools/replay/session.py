"""One replay run, end to end: recordings (a file or a dataset split) in, figures and report
out. The ``replay`` command and ``make demo`` both go through :func:`run`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import labels as labels_io
from . import model as model_io
from . import recording as recording_io
from . import report
from . import settings as settings_io
from .dataset import INDEX
from .labels import LabeledEvent
from .metrics import Detection, Metrics, Outcome, combine, outcomes, score
from .runner import DevicePipeline, ReplayResult

_MAX_TIMELINES = 6


@dataclass
class SessionResult:
    name: str
    path: Path
    result: ReplayResult
    labels: list[LabeledEvent] | None
    metrics: Metrics | None
    outcomes: list[Outcome] | None = None  # one per detection, against the labels


@dataclass
class ReplayRun:
    model: model_io.ModelInfo
    settings: settings_io.DetectorSettings
    thresholds: dict[str, float]
    sessions: list[SessionResult] = field(default_factory=list)
    metrics: Metrics | None = None
    agreement: float | None = None
    report_html: Path | None = None
    report_json: Path | None = None

    def to_json(self) -> dict[str, Any]:
        events = [
            {"recording": s.name, "t": round(d.t, 4), "class": d.label, "score": round(d.score, 4)}
            | _outcome_json(s, i)
            for s in self.sessions
            for i, d in enumerate(s.result.detections)
        ]
        metrics = None
        if self.metrics is not None:
            m = self.metrics
            metrics = m.headline() | {
                "events": m.events,
                "detections": m.detections,
                "detected_events": m.true_positives,
                "false_triggers": m.false_triggers,
                "negative_hours": round(m.negative_hours, 5),
                "per_class_recall": m.per_class_recall,
                "events_per_class": m.events_per_class,
                "undefined": m.undefined(),
                "confusion": {"classes": list(m.classes), "matrix": m.confusion},
            }
        drift = None
        if self.settings.drift is not None:
            drift = {
                "baseline": str(self.settings.drift.baseline_path),
                "alarm": self.settings.drift.alarm,
                "recordings": [
                    {
                        "recording": s.name,
                        "final": round(float(s.result.drift_scores[-1]), 4),
                        "max": round(float(s.result.drift_scores.max()), 4),
                        "alarmed": bool(s.result.drift_scores.max() >= self.settings.drift.alarm),
                    }
                    for s in self.sessions
                    if s.result.drift_scores is not None and s.result.drift_scores.size
                ],
            }
        return {
            "model": str(self.model.path),
            "model_version": self.model.version,
            "pipeline": str(self.settings.pipeline_path),
            "thresholds": self.thresholds,
            "recordings": [str(s.path) for s in self.sessions],
            "seconds": round(sum(s.result.seconds for s in self.sessions), 3),
            "windows": sum(s.result.windows for s in self.sessions),
            "model_runs": sum(s.result.armed_windows for s in self.sessions),
            "int8_float_agreement": self.agreement,
            "events": events,
            "metrics": metrics,
            "drift": drift,
            "report": str(self.report_html) if self.report_html else None,
        }


def _outcome_json(session: SessionResult, index: int) -> dict[str, Any]:
    """``outcome`` (matched, wrong class, false trigger) and the ``label`` of the event a
    detection fell in; both null without labels."""
    if session.outcomes is None:
        return {"outcome": None, "label": None}
    found = session.outcomes[index]
    return {"outcome": found.kind, "label": found.label}


def _float_model(path: Path, explicit: bool) -> tuple[bytes, Path] | None:
    """The float .tflite for the agreement figure: ``--float-model`` (must be a TFLite
    model) or ``<package>_float.tflite`` beside the package when there is one."""
    from ..modelpack.files import read_input
    from ..modelpack.tflite_model import load_tflite

    if not explicit and not path.is_file():
        return None
    data = read_input(path, "float model")
    load_tflite(path, data)  # a clear error for a file that is not a TFLite model
    return data, path


def default_settings_path(model_path: Path) -> Path:
    return model_path.parent / settings_io.FILE_NAME


def default_float_model(model_path: Path) -> Path:
    return model_path.parent / f"{model_path.stem}_float.tflite"


def _recordings(path: Path, labels: Path | None) -> list[tuple[str, Path, Path | None]]:
    """(name, recording, labels or None) for a recording file or a dataset split folder."""
    if path.is_dir():
        index = path / INDEX
        if not index.is_file():
            raise InputError(path, "a folder to replay needs an index.json (a dataset split)")
        try:
            entries = json.loads(index.read_text())["sessions"]
            return [(e["name"], path / e["recording"], path / e["labels"]) for e in entries]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise InputError(index, f"malformed dataset index ({err})") from None
    if labels is None:
        beside = path.with_name(path.name.split(".")[0] + ".labels.csv")
        labels = beside if beside.is_file() else None
    return [(path.stem, path, labels)]


def run(
    recording: Path,
    model_path: Path,
    labels_path: Path | None = None,
    settings_path: Path | None = None,
    float_model: Path | None = None,
    report_dir: Path | None = None,
    progress: Any = None,
) -> ReplayRun:
    if report_dir is not None:
        report.prepare_dir(report_dir)  # before the work: a folder we cannot write is one line
    info = model_io.load(model_path)  # the model first: a bad package is named as such
    settings = settings_io.load(settings_path or default_settings_path(model_path))
    floats = _float_model(float_model or default_float_model(model_path), float_model is not None)
    float_bytes, float_file = floats if floats is not None else (None, None)
    device = DevicePipeline(settings, info, float_bytes, float_file)
    replay = ReplayRun(info, settings, device.thresholds)
    items = _recordings(recording, labels_path)
    loaded = []
    for name, rec_path, lab_path in items:  # every labels file checked before the replay
        events = labels_io.read(lab_path) if lab_path is not None else None
        if events is not None and info.is_anomaly:
            # an anomaly model reports one class: every labelled event is an anomaly
            events = [LabeledEvent(e.start, e.end, info.labels[1]) for e in events]
        elif events is not None and lab_path is not None:
            labels_io.check_classes(lab_path, events, info.labels)
        loaded.append((name, rec_path, events))
    for name, rec_path, events in loaded:
        rec = recording_io.read(rec_path)
        if progress is not None and len(items) > 1:
            progress(f"replaying {rec_path.name} ({rec.seconds:.0f} s)")
        result = device.replay(rec, rec_path)
        metrics = (
            score(
                result.detections,
                events,
                info.labels,
                result.seconds,
                settings.match_tolerance_s,
            )
            if events is not None
            else None
        )
        found = (
            outcomes(result.detections, events, settings.match_tolerance_s)
            if events is not None
            else None
        )
        replay.sessions.append(SessionResult(name, rec_path, result, events, metrics, found))
    scored = [s.metrics for s in replay.sessions if s.metrics is not None]
    replay.metrics = combine(scored) if scored else None
    agreements = [
        (s.result.agreement, s.result.armed_windows)
        for s in replay.sessions
        if s.result.agreement is not None
    ]
    runs = sum(n for _, n in agreements)
    replay.agreement = sum(a * n for a, n in agreements) / runs if runs else None
    if report_dir is not None:
        write_report(replay, report_dir, recording.name)
    return replay


def write_report(replay: ReplayRun, out: Path, title: str) -> None:
    out = report.prepare_dir(out)
    images: list[Path] = []
    for s in replay.sessions[:_MAX_TIMELINES]:
        png = out / f"timeline_{s.name}.png"
        drift_cfg = replay.settings.drift
        timeline = report.Timeline(
            s.result.run_times_s,
            s.result.scores,
            replay.model.labels,
            replay.thresholds,
            s.result.seconds,
            s.result.drift_times_s,
            s.result.drift_scores,
            drift_cfg.alarm if drift_cfg else None,
        )
        detections: list[Detection] = s.result.detections
        report.plot_timeline(png, timeline, detections, s.labels or [], s.name)
        images.append(png)
    if replay.metrics is not None:
        png = out / "confusion.png"
        report.plot_confusion(png, replay.metrics, f"{title}: events")
        images.append(png)
    data = replay.to_json()
    replay.report_json = out / "replay.json"
    replay.report_html = out / "report.html"
    data["report"] = str(replay.report_html)
    report.write_json(replay.report_json, data)
    summary = {
        "model": data["model"],
        "model version": data["model_version"],
        "recordings": len(replay.sessions),
        "seconds": data["seconds"],
        "model runs": data["model_runs"],
        "events reported": len(data["events"]),
        "int8-vs-float agreement": replay.agreement if replay.agreement is not None else "n/a",
    }
    if data["metrics"] is not None:
        summary |= {k: v for k, v in data["metrics"].items() if not isinstance(v, dict)}
    report.write_html(replay.report_html, f"replay: {title}", summary, images)
