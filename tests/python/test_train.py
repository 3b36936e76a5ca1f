"""`train` end to end on tiny synthetic recordings: a classifier and an autoencoder (anomaly
score from normal data only) trained, calibrated on the validation replay, packed by
`model-pack build` and replayed; unchanged inputs reuse the model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tinyml_tools import cli
from tinyml_tools.modelpack.metadata import OUTPUT_ANOMALY_SCORE
from tinyml_tools.modelpack.package import parse_package
from tinyml_tools.paths import REPO_ROOT
from tinyml_tools.replay import labels as labels_io
from tinyml_tools.replay import recording as recording_io
from tinyml_tools.replay.labels import LabeledEvent
from tinyml_tools.replay.recording import Recording

PIPELINE = REPO_ROOT / "models" / "knock" / "pipeline.yaml"  # 3 axes, 1600 Hz
RATE = 1600
DETECTOR = """\
pipeline: pipeline.yaml
channels: [ax, ay, az]
trigger: {mode: none}
decision: {confirm_k: 2, confirm_span_ms: 400, refractory_ms: 1000, margin: 0.0}
match_tolerance_s: 0.4
"""


def synth(rng: np.random.Generator, seconds: float, kind: str) -> tuple[np.ndarray, list]:
    """Noise and a 60 Hz hum; 'burst' events (damped 300 Hz rings) or 'fault' episodes (a
    450 Hz tone), at random times."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    x = rng.normal(0, 30, (n, 3)) + 80 * np.sin(2 * np.pi * 60 * t)[:, None]
    events = []
    start = 0.6
    while start < seconds - 1.5:
        if kind == "burst":
            m = int(0.08 * RATE)
            ring = (
                3000
                * np.exp(-np.arange(m) / (0.015 * RATE))
                * np.sin(2 * np.pi * 300 * np.arange(m) / RATE)
            )
            i = int(start * RATE)
            x[i : i + m] += ring[:, None] * np.array([1.0, 0.5, 0.3])
            events.append(LabeledEvent(start, start + 0.08, "knock"))
            start += rng.uniform(0.9, 1.6)
        else:
            length = 1.2
            i, m = int(start * RATE), int(length * RATE)
            x[i : i + m] += 600 * np.sin(2 * np.pi * 450 * t[i : i + m])[:, None]
            events.append(LabeledEvent(start, start + length, "fault"))
            start += rng.uniform(3.0, 4.5)
    return np.clip(np.rint(x), -32768, 32767).astype(np.int16), events


def make_dataset(root: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> Path:
    src = root / f"src_{kind}"
    src.mkdir(parents=True)
    rng = np.random.default_rng(7)
    for i in range(8):
        samples, events = synth(rng, 10.0, kind)
        meta = {"session": f"s{i}", "condition": {"mount": ["a", "b"][i % 2]}}
        recording_io.write(src / f"r{i}.npz", Recording(samples, RATE, ("ax", "ay", "az"), meta))
        labels_io.write(src / f"r{i}.labels.csv", events)
    dataset = root / f"ds_{kind}"
    assert cli.main(["dataset", "import", str(dataset), str(src), "--json"]) == 0
    assert cli.main(["dataset", "split", str(dataset), "--val", "0.25", "--json"]) == 0
    capsys.readouterr()
    return dataset


def train(
    capsys: pytest.CaptureFixture[str], dataset: Path, out: Path, template: str, *extra: str
) -> dict[str, object]:
    detector = out.parent / f"{out.name}_detector.yaml"
    detector.write_text(DETECTOR)
    code = cli.main(
        ["train", str(dataset), "--pipeline", str(PIPELINE), "--template", template,
         "-o", str(out), "--detector", str(detector), "--frames", "4", "--json", *extra]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return dict(json.loads(captured.out))


def pack_and_replay(
    capsys: pytest.CaptureFixture[str], model: Path, dataset: Path, name: str
) -> dict[str, object]:
    pkg = model / f"{name}.pkg"
    assert cli.main(["model-pack", "build", str(model), "-o", str(pkg), "--json"]) == 0
    capsys.readouterr()
    val = dataset / "splits" / "default" / "val"
    assert cli.main(["replay", str(val), "--model", str(pkg), "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_classifier_trains_packs_replays_and_is_reused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = make_dataset(tmp_path, "burst", capsys)
    out = tmp_path / "burst"
    figures = train(capsys, dataset, out, "cnn1d", "--epochs", "4", "--min-recall", "0.9")
    assert figures["reused"] is False
    assert figures["labels"] == ["background", "knock"]
    assert figures["val_recall"] >= 0.9  # type: ignore[operator]
    for name in ("model.yaml", "burst.tflite", "burst_float.tflite", "detector.yaml",
                 "baseline.json", "inputs.json", "pipeline.yaml",
                 "report/report.html"):  # fmt: skip
        assert (out / name).is_file(), name
    replay = pack_and_replay(capsys, out, dataset, "burst")
    metrics = replay["metrics"]
    assert isinstance(metrics, dict)
    assert metrics["recall"] == pytest.approx(figures["val_recall"], abs=1e-3)
    assert metrics["false_triggers_per_hour"] == pytest.approx(
        figures["val_false_triggers_per_hour"], abs=1e-3
    )
    again = train(capsys, dataset, out, "cnn1d", "--epochs", "4", "--min-recall", "0.9")
    assert again["reused"] is True


@pytest.mark.parametrize(("template", "qat"), [("dscnn", True), ("dscnn", False), ("gru", False)])
def test_every_template_trains_quantizes_and_packs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str, qat: bool
) -> None:
    """One epoch of each template, with and without QAT, through int8 conversion into a
    package: the template's layers must train on CPU and convert to TFLM builtin ops."""
    dataset = make_dataset(tmp_path, "burst", capsys)
    out = tmp_path / template
    figures = train(capsys, dataset, out, template, "--epochs", "1", *(["--qat"] if qat else []))
    assert figures["reused"] is False
    pkg = out / f"{template}.pkg"
    assert cli.main(["model-pack", "build", str(out), "-o", str(pkg), "--json"]) == 0
    assert parse_package(pkg).metadata is not None


def test_autoencoder_learns_normal_data_only_and_flags_the_faults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = make_dataset(tmp_path, "fault", capsys)
    out = tmp_path / "ae"
    figures = train(capsys, dataset, out, "autoencoder", "--epochs", "6",
                    "--max-false-triggers-per-hour", "0")  # fmt: skip
    assert figures["labels"] == ["normal", "anomaly"]
    assert figures["kind"] == "autoencoder"
    assert figures["val_recall"] >= 0.8  # type: ignore[operator]
    replay = pack_and_replay(capsys, out, dataset, "ae")
    meta = parse_package(out / "ae.pkg").metadata
    assert meta.output_kind is not None and meta.output_kind.kind == OUTPUT_ANOMALY_SCORE
    assert meta.output_kind.full_scale_q8 == figures["full_scale_q8"]
    events = replay["events"]
    assert isinstance(events, list) and events
    assert {e["class"] for e in events} == {"anomaly"}
    metrics = replay["metrics"]
    assert isinstance(metrics, dict)
    assert metrics["recall"] == pytest.approx(figures["val_recall"], abs=1e-3)


def test_bad_requests_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["train", str(tmp_path / "none"), "--pipeline", str(PIPELINE),
                     "--template", "cnn1d", "-o", str(tmp_path / "m")])  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0 and "not a dataset" in err and len(err.strip().splitlines()) == 1
