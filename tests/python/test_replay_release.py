"""replay items of issue 15: honest figures, the event table, per-class recall."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tinyml_tools import cli
from tinyml_tools.replay import labels as labels_io
from tinyml_tools.replay import recording as recording_io

KNOCK = Path(__file__).resolve().parents[2] / "models" / "knock"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def door(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """12 s of a golden knock session and its labels."""
    folder = tmp_path_factory.mktemp("door")
    rec = recording_io.read(KNOCK / "golden" / "heldout_00.npz")
    rec.samples = rec.samples[: int(12 * rec.sample_rate_hz)]
    rec.meta = {}
    path = folder / "door.csv"
    recording_io.write(path, rec)
    events = [e for e in labels_io.read(KNOCK / "golden" / "heldout_00.labels.csv") if e.end < 12]
    labels = folder / "door.labels.csv"
    labels_io.write(labels, events)
    return path, labels


@pytest.fixture(scope="module")
def silence(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """3 s of a still sensor, labelled with one knock the device cannot have seen."""
    folder = tmp_path_factory.mktemp("quiet")
    rec = recording_io.read(KNOCK / "golden" / "heldout_00.npz")
    rec.samples = np.zeros((int(3 * rec.sample_rate_hz), rec.samples.shape[1]), np.int16)
    rec.meta = {}
    path = folder / "still.csv"
    recording_io.write(path, rec)
    labels = folder / "still.labels.csv"
    labels_io.write(labels, [labels_io.LabeledEvent(1.0, 1.3, "knock")])
    return path, labels


def test_precision_without_detections_is_undefined_not_perfect(
    silence: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path, labels = silence
    args = ["replay", str(path), "--model", str(KNOCK / "knock.pkg"), "--labels", str(labels)]
    code, out, _ = run(capsys, *args, "--json")
    metrics = json.loads(out)["metrics"]
    assert code == 0 and metrics["detections"] == 0
    assert metrics["precision"] is None and metrics["recall"] == 0.0
    assert metrics["undefined"] == ["precision is undefined: the device reported no event"]
    code, out, _ = run(capsys, *args)
    assert "undefined (no detections)" in out and "1.000" not in out


def test_event_table_names_the_recording_and_the_outcome_and_recall_per_class(
    door: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path, labels = door
    args = ["replay", str(path), "--model", str(KNOCK / "knock.pkg"), "--labels", str(labels)]
    code, out, _ = run(capsys, *args, "--json")
    data = json.loads(out)
    assert code == 0 and data["events"]
    events = labels_io.read(labels)
    for event in data["events"]:
        assert event["recording"] == "door"
        inside = [e for e in events if e.start - 0.4 <= event["t"] <= e.end + 0.4]
        expected = "matched" if inside else "false trigger"
        assert event["outcome"] == expected and event["label"] == (
            inside[0].label if inside else None
        )
    code, out, _ = run(capsys, *args)
    assert "recording" in out and "door" in out and "matched a 'knock' label" in out
    assert "recall per class" in out
    recall = data["metrics"]["per_class_recall"]["knock"]
    assert f"{recall:.3f}" in out.split("recall per class")[1]


def test_without_labels_the_table_says_so(
    door: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = door
    bare = path.with_name("nolabels.csv")
    bare.write_bytes(path.read_bytes())
    code, out, _ = run(capsys, "replay", str(bare), "--model", str(KNOCK / "knock.pkg"), "--json")
    data = json.loads(out)
    assert code == 0 and data["metrics"] is None
    assert all(e["outcome"] is None and e["label"] is None for e in data["events"])


def test_labels_of_a_class_the_model_lacks_are_refused_before_replaying(
    door: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = door
    labels = tmp_path / "wrong.csv"
    labels.write_text("start,end,class\n1.0,1.2,knock\n2.0,2.2,doorbell\n")
    code, out, err = run(capsys, "replay", str(path), "--model", str(KNOCK / "knock.pkg"),
                         "--labels", str(labels))  # fmt: skip
    assert code == 1 and out == ""
    assert err.strip() == (
        f"tinyml: error: {labels}: class 'doorbell' is not one of the model's classes "
        "(background, knock)"
    )


def test_report_files_get_ordinary_permissions(
    door: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, labels = door
    report = tmp_path / "report"
    code, _, _ = run(capsys, "replay", str(path), "--model", str(KNOCK / "knock.pkg"),
                     "--labels", str(labels), "--report", str(report), "--json")  # fmt: skip
    assert code == 0
    files = sorted(p.name for p in report.iterdir())
    assert files == ["confusion.png", "replay.json", "report.html", "timeline_door.png"]
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in report.iterdir())
