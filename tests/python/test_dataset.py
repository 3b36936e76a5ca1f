"""`dataset import / info / split`: every bad file refused on its own line with nothing
imported; CSV in physical units, WAV with a channel sidecar and .npz imported; splits by
session or condition that never leak and are reproducible; whole conditions held out."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from tinyml_tools import cli
from tinyml_tools.dataset import store
from tinyml_tools.replay import labels as labels_io
from tinyml_tools.replay import recording as recording_io
from tinyml_tools.replay.labels import LabeledEvent
from tinyml_tools.replay.recording import Recording

RATE = 100.0


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def write_csv(path: Path, values: np.ndarray, rate: float = RATE, header: str = "t,ax,ay") -> None:
    rows = [header] + [
        ",".join([f"{i / rate:.6f}", *(f"{v:.6g}" for v in row)]) for i, row in enumerate(values)
    ]
    path.write_text("\n".join(rows) + "\n")


def write_labels(path: Path, events: list[tuple[float, float, str]]) -> None:
    labels_io.write(path, [LabeledEvent(*e) for e in events])


def good_folder(root: Path, n: int = 6, sessions: int = 6) -> Path:
    root.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        name = f"rec{i}"
        recording_io.write(
            root / f"{name}.npz",
            Recording(
                rng.integers(-500, 500, (300, 2)).astype(np.int16),
                RATE,
                ("ax", "ay"),
                {"session": f"s{i % sessions}", "condition": {"door": ["wood", "steel"][i % 2]}},
            ),
        )
        write_labels(root / f"{name}.labels.csv", [(0.5, 0.8, "knock"), (1.5, 1.9, "knock")])
    return root


def test_bad_files_are_refused_one_line_each_and_nothing_is_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = good_folder(tmp_path / "src", n=2)
    (src / "badheader.csv").write_text("time,ax\n0,1\n0.01,2\n")
    write_labels(src / "badheader.labels.csv", [(0.0, 0.01, "knock")])
    uneven = np.zeros((5, 2))
    (src / "uneven.csv").write_text("t,ax,ay\n0,1,1\n0.01,1,1\n0.05,1,1\n0.06,1,1\n")
    write_labels(src / "uneven.labels.csv", [(0.0, 0.01, "knock")])
    write_csv(src / "late.csv", uneven)
    write_labels(src / "late.labels.csv", [(0.0, 9.0, "knock")])
    with wave.open(str(src / "eight.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(100)
        w.writeframes(bytes(50))
    write_labels(src / "eight.labels.csv", [])
    write_csv(src / "nolabels.csv", np.ones((20, 2)))
    dataset = tmp_path / "ds"
    code, _, err = run(capsys, "dataset", "import", str(dataset), str(src))
    assert code != 0
    lines = err.strip().splitlines()
    refused = [ln for ln in lines if ln.startswith("refused: ")]
    for name in ("badheader.csv", "uneven.csv", "late.labels.csv", "eight.wav", "nolabels.csv"):
        assert sum(name in ln for ln in refused) == 1, (name, err)
    assert len(refused) == 5
    assert "nothing imported" in lines[-1]
    assert not dataset.exists() or not any(dataset.rglob("*.npz"))
    assert not (dataset / store.INDEX).exists()


def test_csv_in_physical_units_with_a_sidecar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    counts = np.array([[100, -200], [300, 4000], [-32768, 32767], [0, 5]] * 10)
    write_csv(src / "door1.csv", counts * 0.0039)
    write_labels(src / "door1.labels.csv", [(0.1, 0.2, "knock")])
    meta = {"units": "g", "scale": 0.0039, "sensor": "ADXL343", "session": "monday",
            "condition": {"door": "oak", "room": "quiet"}, "sample_rate_hz": 100}  # fmt: skip
    (src / "door1.meta.json").write_text(json.dumps(meta))
    code, _, err = run(capsys, "dataset", "import", str(tmp_path / "ds"), str(src), "--json")
    assert code == 0, err
    ds = store.load(tmp_path / "ds")
    (entry,) = ds.entries
    assert entry.session == "monday" and entry.condition == {"door": "oak", "room": "quiet"}
    rec = ds.session(entry).recording
    assert np.array_equal(rec.samples, counts.astype(np.int16))
    assert rec.meta["sensor"] == "ADXL343"
    # the scale is stated wrong: the values do not fit the sensor's counts
    (src / "door1.meta.json").write_text(json.dumps(dict(meta, scale=0.00001)))
    code, _, err = run(capsys, "dataset", "import", str(tmp_path / "ds2"), str(src))
    assert code != 0 and "door1.csv" in err and "int16" in err


def test_wav_with_a_channel_sidecar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    src.mkdir()
    data = np.arange(-300, 300, dtype=np.int16).reshape(-1, 3)
    with wave.open(str(src / "w.wav"), "wb") as w:
        w.setnchannels(3)
        w.setsampwidth(2)
        w.setframerate(1600)
        w.writeframes(data.astype("<i2").tobytes())
    (src / "w.meta.json").write_text(json.dumps({"channels": ["ax", "ay", "az"]}))
    code, _, err = run(
        capsys, "dataset", "import", str(tmp_path / "ds"), str(src / "w.wav"), "--negative-only"
    )
    assert code == 0, err
    (entry,) = store.load(tmp_path / "ds").entries
    assert entry.channels == ["ax", "ay", "az"] and not entry.labelled
    (src / "w.meta.json").write_text(json.dumps({"channels": ["ax", "ay"]}))
    code, _, err = run(
        capsys, "dataset", "import", str(tmp_path / "ds3"), str(src / "w.wav"), "--negative-only"
    )
    assert code != 0 and "w.meta.json" in err


def split_json(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code, out, err = run(capsys, "dataset", "split", str(root), "--json", *args)
    assert code == 0, err
    return dict(json.loads(out))


def test_split_by_session_has_no_leakage_and_is_reproducible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = good_folder(tmp_path / "src", n=12, sessions=6)
    assert run(capsys, "dataset", "import", str(tmp_path / "a"), str(src))[0] == 0
    # the same files imported in another order
    files = sorted(src.glob("*.npz"), reverse=True)
    assert run(capsys, "dataset", "import", str(tmp_path / "b"), *map(str, files))[0] == 0
    one = split_json(tmp_path / "a", "--val", "0.3", "--seed", "3", capsys=capsys)
    two = split_json(tmp_path / "b", "--val", "0.3", "--seed", "3", capsys=capsys)
    parts = one["parts"]
    assert isinstance(parts, dict)
    assert {p: sorted(v["recordings"]) for p, v in parts.items()} == {
        p: sorted(v["recordings"])
        for p, v in two["parts"].items()  # type: ignore[attr-defined]
    }
    sessions = [set(v["sessions"]) for v in parts.values()]
    assert sessions[0] and sessions[1] and not sessions[0] & sessions[1]
    other = split_json(tmp_path / "a", "--val", "0.3", "--seed", "4", "--name", "s4",
                       capsys=capsys)  # fmt: skip
    assert set(other["parts"]) == {"train", "val"}  # type: ignore[arg-type]
    # the parts are folders replay takes
    index = tmp_path / "a" / "splits" / "default" / "val" / "index.json"
    entry = json.loads(index.read_text())["sessions"][0]
    assert (index.parent / entry["recording"]).resolve().is_file()


def test_holdout_sends_whole_conditions_to_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = good_folder(tmp_path / "src", n=12, sessions=12)
    assert run(capsys, "dataset", "import", str(tmp_path / "a"), str(src))[0] == 0
    data = split_json(tmp_path / "a", "--holdout", "door=steel", "--val", "0.25", capsys=capsys)
    ds = store.load(tmp_path / "a")
    door = {e.name: e.condition["door"] for e in ds.entries}
    parts = data["parts"]
    assert isinstance(parts, dict)
    assert {door[n] for n in parts["test"]["recordings"]} == {"steel"}
    assert {door[n] for p in ("train", "val") for n in parts[p]["recordings"]} == {"wood"}
    code, _, err = run(capsys, "dataset", "split", str(tmp_path / "a"), "--holdout", "door=glass")
    assert code != 0 and "door=glass" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "dataset", "split", str(tmp_path / "a"), "--val", "0.99")
    assert code != 0


def test_split_by_condition_keeps_conditions_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = good_folder(tmp_path / "src", n=12, sessions=12)
    assert run(capsys, "dataset", "import", str(tmp_path / "a"), str(src))[0] == 0
    data = split_json(tmp_path / "a", "--by", "condition:door", "--val", "0.3", capsys=capsys)
    ds = store.load(tmp_path / "a")
    door = {e.name: e.condition["door"] for e in ds.entries}
    parts = data["parts"]
    assert isinstance(parts, dict)
    doors = [{door[n] for n in v["recordings"]} for v in parts.values()]
    assert len(doors) == 2 and not doors[0] & doors[1]


def test_info_counts_and_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = good_folder(tmp_path / "src", n=4, sessions=2)
    write_csv(src / "fast.csv", np.zeros((50, 2)), rate=200.0)
    write_labels(src / "fast.labels.csv", [])
    assert run(capsys, "dataset", "import", str(tmp_path / "a"), str(src))[0] == 0
    code, out, err = run(capsys, "dataset", "info", str(tmp_path / "a"), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["classes"]["knock"]["events"] == 8
    assert data["recordings"] == 5
    assert abs(data["hours"] - (4 * 3.0 + 0.25) / 3600) < 1e-4
    problems = " ".join(data["problems"])
    assert "mixed sample rates" in problems and "fast" in problems
    assert "session" in problems and "knock" in problems
    assert Path(data["plot"]).is_file()


def test_reimporting_the_same_file_is_unchanged_and_a_different_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = good_folder(tmp_path / "src", n=2)
    assert run(capsys, "dataset", "import", str(tmp_path / "a"), str(src))[0] == 0
    code, out, _ = run(capsys, "dataset", "import", str(tmp_path / "a"), str(src), "--json")
    assert code == 0 and json.loads(out)["unchanged"] == ["rec0", "rec1"]
    other = tmp_path / "other"
    other.mkdir()
    write_csv(other / "rec0.csv", np.ones((30, 2)))
    write_labels(other / "rec0.labels.csv", [])
    before = (tmp_path / "a" / store.INDEX).read_bytes()
    code, _, err = run(capsys, "dataset", "import", str(tmp_path / "a"), str(other))
    assert code != 0 and "rec0" in err
    assert (tmp_path / "a" / store.INDEX).read_bytes() == before
