"""The committed canned self-test set (app/selftest/knock.tmst) and its generator.

The file is read here with a reader of its own, written from app/selftest/README.md, and every
segment is replayed through the replay tool's device pipeline (C features, TFLM): a model or
feature change that breaks the firmware's self-test fails here first.
"""

from __future__ import annotations

import dataclasses
import struct
from pathlib import Path

import numpy as np
import pytest

from tinyml_tools.errors import TinymlError
from tinyml_tools.replay import device, recording, selftest_set
from tinyml_tools.replay import model as model_io
from tinyml_tools.replay import settings as settings_io
from tinyml_tools.replay.runner import DevicePipeline
from tinyml_tools.replay.settings import TriggerMode, TriggerSettings


@dataclasses.dataclass
class ReadSet:
    axes: int
    length: int
    rate: int
    expected: list[int]
    reserved: list[bytes]
    samples: list[np.ndarray]  # (axes, length) int16 each


def read_set(data: bytes) -> ReadSet:
    assert data[:4] == b"TMST"
    version, axes, length, count, rate = struct.unpack_from("<HHHHI", data, 4)
    assert version == 1
    assert axes > 0 and length > 0 and count > 0
    record = 4 + 2 * axes * length
    assert len(data) == 16 + count * record, "file length does not match its header"
    expected, reserved, samples = [], [], []
    for i in range(count):
        at = 16 + i * record
        expected.append(data[at])
        reserved.append(data[at + 1 : at + 4])
        raw = np.frombuffer(data, dtype="<i2", count=axes * length, offset=at + 4)
        samples.append(raw.reshape(axes, length).astype(np.int16))
    return ReadSet(axes, length, rate, expected, reserved, samples)


@pytest.fixture(scope="module")
def knock(repo: Path) -> DevicePipeline:
    example = repo / "models" / "knock"
    settings = settings_io.load(example / "detector.yaml")
    # The self-test runs the model at the segment's end whatever the trigger says.
    always = dataclasses.replace(settings, trigger=TriggerSettings(TriggerMode.NONE, 0, 0))
    return DevicePipeline(always, model_io.load(example / "knock.pkg"))


@pytest.fixture(scope="module")
def committed(repo: Path) -> bytes:
    return (repo / "app" / "selftest" / "knock.tmst").read_bytes()


def test_committed_set_matches_the_knock_pipeline(committed: bytes, knock: DevicePipeline) -> None:
    cfg = knock.settings.pipeline
    st = read_set(committed)
    assert len(committed) < 32 * 1024
    assert st.axes == cfg.axes
    assert st.rate == cfg.sample_rate_hz
    assert st.length >= cfg.window_len
    assert (st.length - cfg.window_len) // cfg.hop + 1 >= knock.frames
    assert all(r == b"\0\0\0" for r in st.reserved)
    labels = knock.info.labels
    assert all(0 <= e < len(labels) for e in st.expected)
    assert {labels[e] for e in st.expected} == {"background", "knock"}


def test_every_segment_gives_its_expected_class(committed: bytes, knock: DevicePipeline) -> None:
    st = read_set(committed)
    channels = knock.settings.channels
    for i, (expected, samples) in enumerate(zip(st.expected, st.samples, strict=True)):
        rec = recording.Recording(np.ascontiguousarray(samples.T), float(st.rate), channels)
        result = knock.replay(rec, Path(f"segment{i}"))
        # The last model run is at the segment's end, on the frames of this segment only.
        assert result.run_times_s[-1] == pytest.approx(st.length / st.rate)
        scores = [device.q15(float(s)) for s in result.scores[-1]]
        assert int(np.argmax(scores)) == expected, f"segment {i}: Q15 scores {scores}"


def test_generator_reproduces_the_committed_bytes(committed: bytes, tmp_path: Path) -> None:
    out = tmp_path / "knock.tmst"
    assert selftest_set.main(["--example", "knock", "-o", str(out)]) == 0
    assert out.read_bytes() == committed


def test_a_wrong_label_is_refused(committed: bytes, knock: DevicePipeline) -> None:
    st = read_set(committed)
    classifier = selftest_set.SegmentClassifier(knock)
    right = [
        selftest_set.Segment(s, e, f"#{i}")
        for i, (s, e) in enumerate(zip(st.samples, st.expected, strict=True))
    ]
    selftest_set.verify(right, classifier, knock.info.labels)
    wrong = right[:]
    wrong[0] = dataclasses.replace(right[0], expected=1 - right[0].expected)
    with pytest.raises(TinymlError) as err:
        selftest_set.verify(wrong, classifier, knock.info.labels)
    assert "\n" not in str(err.value)
    assert "segment 0" in str(err.value) and "set not written" in str(err.value)


def test_a_failing_set_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model that classifies a segment wrong: one-line error, the old file is kept."""
    classify = selftest_set.SegmentClassifier.classify

    def flipped(self: selftest_set.SegmentClassifier, samples: np.ndarray) -> tuple[int, list[int]]:
        top, scores = classify(self, samples)
        return 1 - top, scores

    monkeypatch.setattr(selftest_set.SegmentClassifier, "classify", flipped)
    out = tmp_path / "knock.tmst"
    out.write_bytes(b"old")
    assert selftest_set.main(["--example", "knock", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "expected" in err
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["knock.tmst"]
