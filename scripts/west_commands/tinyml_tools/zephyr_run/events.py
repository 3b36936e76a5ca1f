"""What the emulated device printed, and the same recording through `west replay`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import TinymlError
from ..replay import device as replay_device
from ..replay import recording as recording_io
from ..replay import session

EVENT = re.compile(r"event: t_ms=(\d+) class=(\d+) score_q15=(-?\d+)")
COST = re.compile(
    r"cost \((\w+)\): windows=(\d+) inferences=(\d+) features=(\d+) inference=(\d+) "
    r"invoke=(\d+) decisions=(\d+) window_total=(\d+)"
)
DONE = r"canned recording done: (\d+) frames, (\d+) overflows"


@dataclass(frozen=True)
class Event:
    t_ms: int
    class_id: int
    score_q15: int


@dataclass(frozen=True)
class Cost:
    unit: str
    windows: int
    inferences: int
    features: int
    inference: int
    invoke: int
    decisions: int
    window_total: int


def device_events(lines: list[str]) -> list[Event]:
    found = (EVENT.search(line) for line in lines)
    return [Event(int(m[1]), int(m[2]), int(m[3])) for m in found if m]


def device_cost(lines: list[str]) -> Cost:
    for line in reversed(lines):
        m = COST.search(line)
        if m:
            return Cost(m[1], *(int(v) for v in m.groups()[1:]))
    raise TinymlError("the device printed no cost line")


def replay_events(rec_path: Path, package: Path, block: int, work: Path) -> list[Event]:
    """`west replay` of the frames the device saw: whole capture blocks from sample 0."""
    rec = recording_io.read(rec_path)
    whole = rec.samples.shape[0] - rec.samples.shape[0] % block
    played = work / f"{rec_path.stem}.played.npz"
    recording_io.write(
        played,
        recording_io.Recording(
            np.ascontiguousarray(rec.samples[:whole]), rec.sample_rate_hz, rec.channels, rec.meta
        ),
    )
    run = session.run(played, package, settings_path=session.default_settings_path(package))
    labels = list(run.model.labels)
    return [
        Event(round(d.t * 1000), labels.index(d.label), replay_device.q15(d.score))
        for s in run.sessions
        for d in s.result.detections
    ]


def compare(device: list[Event], replay: list[Event]) -> list[str]:
    """One line per difference; empty when the two agree one for one."""
    problems = []
    for i in range(max(len(device), len(replay))):
        dev = device[i] if i < len(device) else None
        rep = replay[i] if i < len(replay) else None
        if dev != rep:
            problems.append(f"event {i}: device {dev}, replay {rep}")
    return problems
