"""Recording and label files: every format round-trips, every malformed input is one clear
InputError naming the file."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from tinyml_tools.errors import InputError
from tinyml_tools.replay import labels, recording
from tinyml_tools.replay.labels import LabeledEvent
from tinyml_tools.replay.recording import Recording


def _rec() -> Recording:
    rng = np.random.default_rng(0)
    samples = rng.integers(-30000, 30000, size=(400, 3)).astype(np.int16)
    return Recording(samples, 800.0, ("ax", "ay", "az"), {"sensor": {"odr_hz": 800}})


@pytest.mark.parametrize("suffix", [".csv", ".wav", ".npz"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    rec = _rec()
    path = tmp_path / f"r{suffix}"
    recording.write(path, rec)
    back = recording.read(path)
    np.testing.assert_array_equal(back.samples, rec.samples)
    assert back.sample_rate_hz == pytest.approx(800.0)
    assert back.channels == rec.channels
    assert back.meta["sensor"] == {"odr_hz": 800}
    assert not list(tmp_path.glob("*.tmp"))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty file"),
        ("time,ax\n0,1\n0.1,2\n", "header must be 't'"),
        ("t,ax,ax\n0,1,1\n", "repeats a column"),
        ("t,ax\n0,1\n0.1\n", "line 3 has 1 fields"),
        ("t,ax\n0,1\n0.1,abc\n", "line 3 holds a value that is not a number"),
        ("t,ax\n0,1\n0.1,2\n0.05,3\n", "does not increase at line 4"),
        ("t,ax\n0,1\n0.1,2\n0.5,3\n", "not evenly spaced"),
        ("t,ax\n0,1\n0.1,40000\n", "outside the int16 range"),
        ("t,ax\n0,1\n", "at least two samples"),
    ],
)
def test_bad_csv_is_one_line_naming_the_file(tmp_path: Path, text: str, problem: str) -> None:
    path = _write(tmp_path, "bad.csv", text)
    with pytest.raises(InputError) as err:
        recording.read(path)
    message = str(err.value)
    assert message.startswith(str(path))
    assert problem in message
    assert "\n" not in message


def test_csv_sample_rate_from_timestamps(tmp_path: Path) -> None:
    rows = "\n".join(f"{i / 200:.5f},{i},{-i}" for i in range(50))
    rec = recording.read(_write(tmp_path, "r.csv", "t,gx,gy\n" + rows + "\n"))
    assert rec.sample_rate_hz == pytest.approx(200.0)
    assert rec.channels == ("gx", "gy")
    assert rec.samples[10].tolist() == [10, -10]


def test_bad_wav_and_npz(tmp_path: Path) -> None:
    path = tmp_path / "eight.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(bytes(100))
    with pytest.raises(InputError, match="8-bit; expected 16-bit"):
        recording.read(path)
    with pytest.raises(InputError, match="not a readable PCM WAV"):
        recording.read(_write(tmp_path, "junk.wav", "not a wav"))
    with pytest.raises(InputError, match="not a tinyml recording"):
        recording.read(_write(tmp_path, "junk.npz", "not a zip"))
    np.savez(tmp_path / "partial.npz", samples=np.zeros((3, 1), np.int16))
    with pytest.raises(InputError, match="missing array"):
        recording.read(tmp_path / "partial.npz")
    with pytest.raises(InputError, match="unknown recording format"):
        recording.read(_write(tmp_path, "r.txt", "x"))
    with pytest.raises(InputError, match="no such file"):
        recording.read(tmp_path / "absent.csv")


def test_labels_round_trip_and_errors(tmp_path: Path) -> None:
    events = [LabeledEvent(2.0, 2.5, "knock"), LabeledEvent(0.5, 1.0, "knock")]
    path = tmp_path / "l.labels.csv"
    labels.write(path, events)
    assert labels.read(path) == sorted(events, key=lambda e: e.start)
    for text, problem in [
        ("begin,end,class\n", "header row"),
        ("start,end,class\n1,2\n", "expected 3 fields"),
        ("start,end,class\n2,1,knock\n", "0 <= start < end"),
        ("start,end,class\na,1,knock\n", "must be seconds"),
        ("start,end,class\n0,1, \n", "empty class"),
    ]:
        with pytest.raises(InputError, match=problem):
            labels.read(_write(tmp_path, "bad.labels.csv", text))
