"""Recording stream: C encoder (host library) -> Python decoder, bit for bit; damage reported."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinyml_tools.cli import main
from tinyml_tools.fieldloop import pull, recstream
from tinyml_tools.native.recstream import Encoder, StreamInfo
from tinyml_tools.replay import recording as recording_io

RNG = np.random.default_rng(16)


def _samples(frames: int, channels: int) -> np.ndarray:
    data = RNG.integers(-32768, 32768, size=(frames, channels), dtype=np.int64)
    data[0, 0], data[-1, -1] = -32768, 32767  # the extremes survive
    return data.astype(np.int16)


def _info(channels: int, kind: int = recstream.KIND_WINDOW, pre: int = 0) -> StreamInfo:
    names = ("ax", "ay", "az", "g", "m", "p", "q", "r")[:channels]
    return StreamInfo(
        sample_rate_hz=1600.0,
        channel_names=names,
        fw_version=0x010203,
        model_version=0x000401,
        pipeline_id=0xA1B2C3D4,
        runtime_id=0x00020001,
        kind=kind,
        pre_trigger_frames=pre,
        trigger_class=1 if kind else 0xFFFF,
        timestamp_ms=987654,
        sensor="part=ADXL343;range_g=4;odr_hz=1600",
    )


@pytest.mark.parametrize(("frames", "channels"), [(1, 1), (64, 1), (1000, 3), (333, 8), (21, 3)])
def test_c_encoder_to_python_decoder_bit_exact(frames: int, channels: int) -> None:
    samples = _samples(frames, channels)
    lines = Encoder(first_seq=5).encode(_info(channels), samples)
    result = pull.assemble(lines)
    assert result.issues == []
    assert len(result.recordings) == 1
    got = result.recordings[0]
    assert got.recording.samples.dtype == np.int16
    assert np.array_equal(got.recording.samples, samples)
    assert got.info.channel_names == _info(channels).channel_names
    assert got.info.sample_rate_hz == 1600.0
    assert got.info.pipeline_id == 0xA1B2C3D4
    assert got.info.sensor == {"part": "ADXL343", "range_g": "4", "odr_hz": "1600"}
    assert got.seq == 5


def test_recordings_interleaved_with_console_noise() -> None:
    enc = Encoder(first_seq=100)
    a, b = _samples(200, 3), _samples(150, 1)
    lines = ["*** Booting Zephyr OS ***\n", "uart:~$ tinyml rec start\n"]
    lines += [f"[00:00:01.000] {line}" for line in enc.encode(_info(3, 1, 50), a)]
    lines += ["<inf> tinyml: event class=1\n"]
    lines += enc.encode(_info(1), b)
    result = pull.assemble(lines)
    assert result.issues == []
    assert [r.rec_id for r in result.recordings] == [0, 1]
    assert np.array_equal(result.recordings[0].recording.samples, a)
    assert np.array_equal(result.recordings[1].recording.samples, b)
    meta = pull.meta_for(result.recordings[0].info, "s", 0, 100)
    assert meta["trigger"] == {"t": 50 / 1600, "pre_trigger_samples": 50, "class_id": 1}
    assert meta["firmware"] == "1.2.3" and meta["model_version"] == "0.4.1"


def _two(lines_first: int = 100) -> list[str]:
    enc = Encoder()
    return enc.encode(_info(2), _samples(lines_first, 2)) + enc.encode(_info(2), _samples(90, 2))


def _damage(lines: list[str], index: int, how: str) -> list[str]:
    out = list(lines)
    line = out[index]
    if how == "drop":
        del out[index]
    elif how == "torn":
        out[index] = line[: len(line) // 2] + "\n"
    elif how == "flip":
        raw = bytearray(base64.b64decode(line[len(recstream.PREFIX) :].strip()))
        raw[12] ^= 0x01
        out[index] = recstream.PREFIX + base64.b64encode(bytes(raw)).decode() + "\n"
    elif how == "dup":
        out.insert(index, line)
    elif how == "garbage":
        out[index] = line[:20] + "\x07!" + line[22:]
    return out


@pytest.mark.parametrize("how", ["drop", "torn", "flip", "dup", "garbage"])
@pytest.mark.parametrize("index", [0, 2, 5])  # BEGIN, a DATA, the END of the first recording
def test_damage_is_reported_and_never_merged(how: str, index: int) -> None:
    lines = _two()
    assert pull.assemble(lines).issues == []
    result = pull.assemble(_damage(lines, index, how))
    assert result.issues, f"{how} at {index} went unnoticed"
    if how == "dup":  # an identical repeat is reported and dropped; the data is whole
        assert "repeated" in result.issues[0].message
        assert [r.rec_id for r in result.recordings] == [0, 1]
        return
    # Only the untouched second recording survives, intact.
    assert [r.rec_id for r in result.recordings] == [1]
    assert result.recordings[0].recording.samples.shape == (90, 2)


def test_short_recording_and_overruns_not_kept() -> None:
    from tinyml_tools.native.library import library

    enc = Encoder()
    lines = enc.encode(_info(1), _samples(100, 1), overruns=3)
    result = pull.assemble(lines)
    assert result.recordings == [] and "lost 3 samples" in result.issues[0].message
    assert library() is not None


def test_truncated_capture_reports_open_recording() -> None:
    lines = Encoder().encode(_info(1), _samples(300, 1))[:-2]
    result = pull.assemble(lines)
    assert result.recordings == []
    assert "ends before its END" in result.issues[-1].message


def test_pull_cli_writes_importable_recordings(tmp_path: Path) -> None:
    enc = Encoder(first_seq=40)
    a = _samples(400, 3)
    capture = tmp_path / "console.log"
    capture.write_text("".join(enc.encode(_info(3, 1, 100), a)))
    out = tmp_path / "pulled"
    assert main(["field", "pull", str(capture), "-o", str(out), "--negatives", "--json"]) == 0
    rec_path = out / "field-00000040.npz"
    rec = recording_io.read(rec_path)
    assert np.array_equal(rec.samples, a)
    side = json.loads((out / "field-00000040.meta.json").read_text())
    assert side["channels"] == ["ax", "ay", "az"] and side["sample_rate_hz"] == 1600.0
    assert side["sensor"]["part"] == "ADXL343" and side["pipeline_version"] == "0xa1b2c3d4"
    assert (out / "field-00000040.labels.csv").read_text().strip() == "start,end,class"
    # A second pull into the same folder refuses and leaves the files as they are.
    before = rec_path.read_bytes()
    assert main(["field", "pull", str(capture), "-o", str(out)]) == 1
    assert rec_path.read_bytes() == before


def test_pull_cli_csv_and_damage_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _two()
    capture = tmp_path / "console.log"
    capture.write_text("".join(_damage(lines, 3, "drop")))
    assert main(["field", "pull", str(capture), "-o", str(tmp_path / "o"), "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "frames 3..3 missing" in err
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "field-00000006.csv",
        "field-00000006.meta.json",
    ]
    rec = recording_io.read(tmp_path / "o" / "field-00000006.csv")
    assert rec.samples.shape == (90, 2) and rec.sample_rate_hz == 1600.0


def test_stream_cli_round_trip(tmp_path: Path, repo: Path) -> None:
    src = repo / "models" / "knock" / "golden" / "heldout_00.npz"
    original = recording_io.read(src)
    lines = tmp_path / "lines.txt"
    argv = ["field", "stream", str(src), "-o", str(lines), "--fw", "1.4.0", "--pipeline-id", "0x1f"]
    assert main(argv) == 0
    assert main(["field", "pull", str(lines), "-o", str(tmp_path / "p")]) == 0
    back = recording_io.read(tmp_path / "p" / "field-00000000.npz")
    assert np.array_equal(back.samples, original.samples)
    assert back.channels == original.channels
    assert back.meta["firmware"] == "1.4.0" and back.meta["pipeline_version"] == "0x0000001f"


def test_missing_capture_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["field", "pull", str(tmp_path / "nope.log"), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.log" in err[0]


def _clean_stream() -> tuple[list[str], list[np.ndarray]]:
    enc = Encoder(first_seq=1000)
    recs = [_samples(70, 2), _samples(40, 3), _samples(130, 1)]
    lines: list[str] = []
    for rec in recs:
        lines += enc.encode(_info(rec.shape[1]), rec)
    return lines, recs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_damage_never_yields_wrong_samples(data: st.DataObject) -> None:
    """Whatever happens to the capture, every recording pull keeps is one that went in, whole."""
    lines, recs = _clean_stream()
    text = "".join(lines)
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "swap"]))
        pos = data.draw(st.integers(0, max(0, len(text) - 1)))
        if op == "flip":
            char = data.draw(st.characters(min_codepoint=32, max_codepoint=126))
            text = text[:pos] + char + text[pos + 1 :]
        elif op == "cut":
            text = text[:pos] + text[pos + data.draw(st.integers(1, 300)) :]
        elif op == "insert":
            text = text[:pos] + data.draw(st.text(max_size=40)) + text[pos:]
        else:
            parts = text.splitlines(keepends=True)
            i = data.draw(st.integers(0, len(parts) - 1))
            j = data.draw(st.integers(0, len(parts) - 1))
            parts[i], parts[j] = parts[j], parts[i]
            text = "".join(parts)
    result = pull.assemble(text.splitlines(keepends=True))
    originals = {r.tobytes() for r in recs}
    for got in result.recordings:
        assert got.recording.samples.tobytes() in originals
    if len(result.recordings) < len(recs):
        assert result.issues, "a recording went missing without a report"


def test_replay_of_a_pulled_recording_matches_the_original(tmp_path: Path, repo: Path) -> None:
    """Record -> pull -> replay: the device pipeline sees exactly what it saw before."""
    from tinyml_tools.replay import session

    knock = repo / "models" / "knock"
    full = recording_io.read(knock / "golden" / "heldout_01.npz")
    src = tmp_path / "first8s.npz"  # two knocks, to keep the test short
    recording_io.write(
        src, recording_io.Recording(full.samples[:12800], full.sample_rate_hz, full.channels)
    )
    lines = tmp_path / "console.log"
    assert main(["field", "stream", str(src), "-o", str(lines), "--kind", "snippet"]) == 0
    assert main(["field", "pull", str(lines), "-o", str(tmp_path / "p")]) == 0
    pulled = tmp_path / "p" / "field-00000000.npz"
    before = session.run(src, knock / "knock.pkg").to_json()
    after = session.run(pulled, knock / "knock.pkg").to_json()

    # the same detections; only the recording's name differs (the pulled file is named by its id)
    def strip(events: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{k: v for k, v in e.items() if k != "recording"} for e in events]

    assert strip(after["events"]) == strip(before["events"]) and len(before["events"]) >= 2


def test_capture_without_frames_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capture = tmp_path / "boot.log"
    capture.write_bytes(b"*** Booting Zephyr OS ***\n\xff\xfe binary noise\n")
    assert main(["field", "pull", str(capture), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "boot.log" in err[0] and "no @TR1: lines" in err[0]
    assert not (tmp_path / "o").exists()
