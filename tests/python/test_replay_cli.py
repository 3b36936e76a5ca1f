"""``tinyml replay`` / ``west replay``: one command from a recording to what the device did."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinyml_tools import cli
from tinyml_tools.replay import labels, recording

KNOCK = Path(__file__).resolve().parents[2] / "models" / "knock"


@pytest.fixture(scope="module")
def field_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The first 12 s of a golden knock session as a field recording: a CSV and its labels."""
    folder = tmp_path_factory.mktemp("field")
    rec = recording.read(KNOCK / "golden" / "heldout_00.npz")
    rec.samples = rec.samples[: int(12 * rec.sample_rate_hz)]
    rec.meta = {}
    csv_path = folder / "door.csv"
    recording.write(csv_path, rec)
    events = [e for e in labels.read(KNOCK / "golden" / "heldout_00.labels.csv") if e.end < 12]
    assert events, "the golden session should knock in its first 12 s"
    label_path = folder / "door_labels.csv"
    labels.write(label_path, events)
    return csv_path, label_path


def test_json_interface(
    field_csv: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path, label_path = field_csv
    code = cli.main(
        ["replay", str(csv_path), "--model", str(KNOCK / "knock.pkg"),
         "--labels", str(label_path), "--json", "--report", str(tmp_path / "report")]
    )  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["metrics"]) >= {
        "precision", "recall", "false_triggers_per_hour", "latency_ms_median"
    }  # fmt: skip
    assert data["events"], "the knocks in the recording should be reported"
    for event in data["events"]:
        assert set(event) == {"recording", "t", "class", "score", "outcome", "label"}
        assert event["recording"] == "door"
        assert event["outcome"] in ("matched", "wrong class", "false trigger")
        assert event["class"] == "knock" and 0.0 <= event["score"] <= 1.0
        assert 0 <= event["t"] <= 12
    assert data["metrics"]["recall"] > 0
    html = (tmp_path / "report" / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 2  # timeline + confusion, self-contained
    assert (
        json.loads((tmp_path / "report" / "replay.json").read_text())["events"] == (data["events"])
    )


def test_same_recording_as_wav_gives_the_same_events(
    field_csv: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path, _ = field_csv
    wav_path = tmp_path / "door.wav"
    rec = recording.read(csv_path)
    recording.write(wav_path, rec)
    (tmp_path / "door.meta.json").write_text(json.dumps({"channels": list(rec.channels)}))
    outputs = []
    for path in (csv_path, wav_path):
        assert cli.main(["replay", str(path), "--model", str(KNOCK / "knock.pkg"), "--json"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0]["events"] == outputs[1]["events"]
    assert outputs[0]["metrics"] is None  # no labels given, none beside the recording


def test_wrong_channels_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pump.csv"
    rows = "\n".join(f"{i / 1600:.6f},{i % 7}" for i in range(400))
    path.write_text("t,current\n" + rows + "\n")
    code = cli.main(["replay", str(path), "--model", str(KNOCK / "knock.pkg")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"tinyml: error: {path}: has no channel(s) ax, ay, az")
    assert err.count("\n") == 1


def test_wrong_rate_and_bad_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "slow.csv"
    rows = "\n".join(f"{i / 100:.6f},1,2,3" for i in range(400))
    path.write_text("t,ax,ay,az\n" + rows + "\n")
    assert cli.main(["replay", str(path), "--model", str(KNOCK / "knock.pkg")]) == 1
    assert "sampled at 100 Hz; the pipeline expects 1600 Hz" in capsys.readouterr().err
    broken = tmp_path / "knock.pkg"
    data = bytearray((KNOCK / "knock.pkg").read_bytes())
    data[300] ^= 0xFF
    broken.write_bytes(bytes(data))
    (tmp_path / "detector.yaml").write_text(
        (KNOCK / "detector.yaml").read_text().replace("pipeline.yaml", str(KNOCK / "pipeline.yaml"))
    )
    assert cli.main(["replay", str(path), "--model", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "SHA-256 mismatch" in err and err.count("\n") == 1


def test_west_replay_prints_the_json(field_csv: tuple[Path, Path], repo: Path) -> None:
    csv_path, label_path = field_csv
    west = Path(sys.executable).parent / "west"
    proc = subprocess.run(
        [str(west), "replay", str(csv_path), "--model", "models/knock/knock.pkg",
         "--labels", str(label_path), "--json"],
        cwd=repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {"events", "metrics"} <= set(data)
    assert np.isfinite(data["metrics"]["false_triggers_per_hour"])


def test_pump_drift_shows_a_sensor_misconfigured_in_the_field(tmp_path: Path) -> None:
    """The accelerometer set to +-2 g instead of +-8 g (4x the counts) drifts the features far
    from the training baseline; the same recording as recorded stays below the alarm."""
    from tinyml_tools.replay import session

    pump = KNOCK.parent / "pump"
    rec = recording.read(pump / "golden" / "heldout_01.npz")
    recording.write(tmp_path / "as_recorded.npz", rec)
    scaled = np.clip(rec.samples.astype(np.int32) * [4, 4, 4, 1], -32768, 32767)
    rec.samples = scaled.astype(np.int16)
    recording.write(tmp_path / "wrong_range.npz", rec)
    drift = {}
    for name in ("as_recorded", "wrong_range"):
        data = session.run(tmp_path / f"{name}.npz", pump / "pump.pkg").to_json()["drift"]
        assert data is not None and data["alarm"] > 0
        drift[name] = data["recordings"][0]
    assert not drift["as_recorded"]["alarmed"]
    assert drift["wrong_range"]["alarmed"]
    assert drift["wrong_range"]["final"] > 2 * drift["as_recorded"]["final"]
