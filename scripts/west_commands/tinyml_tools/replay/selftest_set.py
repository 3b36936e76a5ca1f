"""The canned self-test set of an example (format: app/selftest/README.md), from its golden data.

A new firmware image confirms itself only when this set, run through its features and model,
gives every segment's expected class. The segments come from the example's committed golden
recordings, each just long enough for the model's input: ``window + (frames - 1) * hop``
samples. Knock segments end inside a labelled event; background segments lie away from every
(widened) labelled event: the quietest one, the one with the most trigger activity (a door
shut, a bump: the hard negative) and the quietest one of a noisy room (the nuisance). Among
candidates of a kind the one the model is surest of is taken, so a self-test failure on the
device means a broken build, not a borderline case.

Every segment is then verified from its bytes the way the firmware's
``app_classify_segment()`` (app/src/processing.c) evaluates it, and a set with any segment
giving another class is refused; nothing is written then.

    python -m tinyml_tools.replay.selftest_set --example knock -o app/selftest/knock.tmst
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..errors import InputError, TinymlError
from ..modelpack.package import write_atomically
from . import device, golden
from . import labels as labels_io
from . import model as model_io
from . import recording as recording_io
from . import settings as settings_io
from .dataset import INDEX
from .runner import DevicePipeline, check_compatible

MAGIC = b"TMST"
VERSION = 1
HEADER = struct.Struct("<4sHHHHI")
RECORD_HEAD = struct.Struct("<B3x")
EVENT_SEGMENTS = 3
# Every picked segment's class leads by at least this much (Q15), so an optimized kernel's
# last-bit differences on the device cannot flip it.
MIN_MARGIN_Q15 = 8192


@dataclass(frozen=True)
class Segment:
    """Axis-major int16 samples (axes x length) and the class the model must give."""

    samples: npt.NDArray[np.int16]
    expected: int
    origin: str  # where it came from, for messages


class SegmentClassifier:
    """``app_classify_segment()`` on the host: windows of the pipeline's hop from the segment's
    start, C features of each, the model on the last ``frames`` of them at the segment's end,
    argmax of the Q15 scores (the first of equal ones)."""

    def __init__(self, pipe: DevicePipeline) -> None:
        self.cfg = pipe.settings.pipeline
        self.frames = pipe.frames
        self.model = pipe.model
        self.features = device.pipeline(self.cfg)
        self.length = self.cfg.window_len + (self.frames - 1) * self.cfg.hop

    def frame_features(self, samples: npt.NDArray[np.int16]) -> list[npt.NDArray[np.int32]]:
        """Features of every hop-spaced window of axis-major ``samples``, oldest first."""
        n = samples.shape[1]
        return [
            self.features.run(
                np.ascontiguousarray(samples[:, s : s + self.cfg.window_len]).reshape(-1)
            )
            for s in range(0, n - self.cfg.window_len + 1, self.cfg.hop)
        ]

    def scores_q15(self, frames: list[npt.NDArray[np.int32]]) -> list[int]:
        out = self.model.run(np.stack(frames[-self.frames :]))
        return [device.q15(float(s)) for s in out]

    def classify(self, samples: npt.NDArray[np.int16]) -> tuple[int, list[int]]:
        """(top class, Q15 scores) at the end of one segment."""
        frames = self.frame_features(samples)
        if len(frames) < self.frames:
            raise TinymlError(
                f"segment of {samples.shape[1]} samples gives {len(frames)} feature frames; "
                f"the model needs {self.frames}"
            )
        scores = self.scores_q15(frames)
        return max(range(len(scores)), key=lambda c: (scores[c], -c)), scores


def encode(segments: list[Segment], sample_rate_hz: int) -> bytes:
    axes, length = segments[0].samples.shape
    out = [HEADER.pack(MAGIC, VERSION, axes, length, len(segments), sample_rate_hz)]
    for seg in segments:
        out.append(RECORD_HEAD.pack(seg.expected))
        out.append(seg.samples.astype("<i2").tobytes())
    return b"".join(out)


def verify(segments: list[Segment], classifier: SegmentClassifier, labels: tuple[str, ...]) -> None:
    """TinymlError naming the first segment that does not give its expected class."""
    for i, seg in enumerate(segments):
        top, scores = classifier.classify(seg.samples)
        if top != seg.expected:
            raise TinymlError(
                f"self-test segment {i} ({seg.origin}) gives {labels[top]} "
                f"(Q15 scores {scores}), expected {labels[seg.expected]}; set not written"
            )


@dataclass(frozen=True)
class _Candidate:
    session: str
    noisy: bool
    start: int  # first sample
    margin: int  # Q15 score of the class minus the best other one
    activity: int  # sum over axes of |x[n] - x[n-1]|, the delta trigger's measure
    cls: int  # class of the labelled event it ends in, 0 (background) outside every event


def _candidates(
    classifier: SegmentClassifier, pipe: DevicePipeline, example_dir: Path
) -> tuple[list[_Candidate], dict[str, npt.NDArray[np.int16]]]:
    golden_dir = example_dir / "golden"
    index = golden_dir / INDEX
    try:
        sessions = json.loads(index.read_text())["sessions"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(index, f"cannot read the golden index ({err})") from None
    cfg, hop, length = classifier.cfg, classifier.cfg.hop, classifier.length
    tolerance = pipe.settings.match_tolerance_s
    found: list[_Candidate] = []
    recordings: dict[str, npt.NDArray[np.int16]] = {}
    for entry in sessions:
        rec_path = golden_dir / entry["recording"]
        rec = recording_io.read(rec_path)
        columns = check_compatible(rec, rec_path, pipe.settings)
        samples = np.ascontiguousarray(rec.samples[:, columns].T)
        recordings[entry["name"]] = samples
        events = labels_io.read(golden_dir / entry["labels"])
        frames = classifier.frame_features(samples)
        diffs = np.abs(np.diff(samples.astype(np.int64), axis=1)).sum(axis=0)
        noisy = entry.get("condition", {}).get("room") == "noisy"
        rate = cfg.sample_rate_hz
        for k in range(len(frames) - classifier.frames + 1):
            start = k * hop
            t0, t1 = start / rate, (start + length) / rate
            scores = classifier.scores_q15(frames[k : k + classifier.frames])
            inside = [i for i, e in enumerate(events) if e.start <= t1 <= e.end]
            near = any(e.start - tolerance < t1 and t0 < e.end + tolerance for e in events)
            if not inside and near:
                continue
            cls = pipe.info.labels.index(events[inside[0]].label) if inside else 0
            others = max(s for c, s in enumerate(scores) if c != cls)
            found.append(
                _Candidate(
                    entry["name"],
                    noisy,
                    start,
                    scores[cls] - others,
                    int(diffs[start : start + length - 1].sum()),
                    cls,
                )
            )
    return found, recordings


def _pick(
    found: list[_Candidate], key: Callable[[_Candidate], tuple[float, ...]], taken: set[int]
) -> _Candidate:
    for cand in sorted(found, key=key):
        if cand.margin >= MIN_MARGIN_Q15 and id(cand) not in taken:
            taken.add(id(cand))
            return cand
    raise TinymlError("the golden data has no background segment the model classifies right")


def build(example: str) -> tuple[bytes, list[Segment]]:
    """The verified self-test set of ``example`` (``models/<example>``), encoded."""
    example_dir = golden.model_dir(example)
    package = example_dir / f"{example}.pkg"
    settings = settings_io.load(example_dir / settings_io.FILE_NAME)
    pipe = DevicePipeline(settings, model_io.load(package))
    classifier = SegmentClassifier(pipe)
    found, recordings = _candidates(classifier, pipe, example_dir)
    positives = sorted(
        (c for c in found if c.cls > 0 and c.margin >= MIN_MARGIN_Q15), key=lambda c: -c.margin
    )
    chosen: list[_Candidate] = []
    sessions_used: set[str] = set()
    for cand in positives:  # the surest knock of different recordings first
        if cand.session not in sessions_used and len(chosen) < EVENT_SEGMENTS:
            chosen.append(cand)
            sessions_used.add(cand.session)
    if len(chosen) < EVENT_SEGMENTS:
        raise TinymlError(f"the golden data of {example} has too few events the model finds")
    background = [c for c in found if c.cls == 0]
    taken: set[int] = set()
    chosen.append(_pick(background, lambda c: (c.activity, -c.margin), taken))
    chosen.append(_pick(background, lambda c: (-c.activity, -c.margin), taken))
    noisy = [c for c in background if c.noisy] or background
    chosen.append(_pick(noisy, lambda c: (c.activity, -c.margin), taken))
    segments = [
        Segment(
            np.ascontiguousarray(recordings[c.session][:, c.start : c.start + classifier.length]),
            c.cls,
            f"{c.session} from sample {c.start}",
        )
        for c in chosen
    ]
    verify(segments, classifier, pipe.info.labels)
    return encode(segments, settings.pipeline.sample_rate_hz), segments


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="knock", help="example under models/")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the .tmst to write")
    args = parser.parse_args(argv)
    try:
        data, segments = build(args.example)
        write_atomically(args.output, data)
    except TinymlError as err:
        print(f"selftest_set: error: {err}", file=sys.stderr)
        return 1
    for seg in segments:
        print(f"class {seg.expected}: {seg.origin}")
    print(f"{args.output}: {len(segments)} segments, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
