"""The dataset folder on disk::

    DATASET/
      dataset.json                   the index (below)
      recordings/<name>.npz          each recording in the project's format, with its metadata
      recordings/<name>.labels.csv   its events (start,end,class); empty for negative-only data
      splits/<split>/split.json      how a split was made and which recording went where
      splits/<split>/<part>/index.json   train / val / test: a folder replay and train take

``dataset.json``: ``{"format": "tinyml-dataset", "version": 1, "recordings": [entry...]}``
with each entry's name, files, seconds, sample rate, channels, session, condition tags, the
source file it came from and the SHA-256 of its samples. Writes are atomic (a temporary file
renamed into place).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..replay import labels as labels_io
from ..replay import recording as recording_io
from ..replay.labels import LabeledEvent
from ..replay.recording import Recording
from ..replay.synth import Session

INDEX = "dataset.json"
FORMAT = "tinyml-dataset"
VERSION = 1
RECORDINGS = "recordings"
SPLITS = "splits"


@dataclass(frozen=True)
class Entry:
    name: str
    recording: str  # relative to the dataset folder
    labels: str
    seconds: float
    sample_rate_hz: float
    channels: list[str]
    session: str
    condition: dict[str, str]
    labelled: bool  # False: imported as negative-only data (no events)
    events: dict[str, int]  # events per class
    event_seconds: dict[str, float]
    source: str
    sha256: str

    def condition_text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(self.condition.items())) or "(none)"


@dataclass
class Dataset:
    root: Path
    entries: list[Entry] = field(default_factory=list)

    @property
    def index_path(self) -> Path:
        return self.root / INDEX

    def find(self, name: str) -> Entry | None:
        return next((e for e in self.entries if e.name == name), None)

    def session(self, entry: Entry) -> Session:
        """The recording and labels of one entry (read and checked)."""
        rec = recording_io.read(self.root / entry.recording)
        return Session(entry.name, rec, labels_io.read(self.root / entry.labels))

    def save(self) -> None:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "recordings": [asdict(e) for e in self.entries],
        }
        write_json(self.index_path, data)


def samples_digest(rec: Recording) -> str:
    h = hashlib.sha256(rec.samples.astype("<i2").tobytes())
    h.update(repr((rec.sample_rate_hz, rec.channels)).encode())
    return h.hexdigest()


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def make_entry(
    name: str,
    rec: Recording,
    events: list[LabeledEvent],
    labelled: bool,
    session: str,
    condition: dict[str, str],
    source: str,
) -> Entry:
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for e in events:
        counts[e.label] = counts.get(e.label, 0) + 1
        seconds[e.label] = round(seconds.get(e.label, 0.0) + e.seconds, 4)
    return Entry(
        name=name,
        recording=f"{RECORDINGS}/{name}.npz",
        labels=f"{RECORDINGS}/{name}.labels.csv",
        seconds=round(rec.seconds, 4),
        sample_rate_hz=rec.sample_rate_hz,
        channels=list(rec.channels),
        session=session,
        condition=dict(sorted(condition.items())),
        labelled=labelled,
        events=dict(sorted(counts.items())),
        event_seconds=dict(sorted(seconds.items())),
        source=source,
        sha256=samples_digest(rec),
    )


def _entry(raw: Any, where: Path) -> Entry:
    try:
        return Entry(
            name=str(raw["name"]),
            recording=str(raw["recording"]),
            labels=str(raw["labels"]),
            seconds=float(raw["seconds"]),
            sample_rate_hz=float(raw["sample_rate_hz"]),
            channels=[str(c) for c in raw["channels"]],
            session=str(raw["session"]),
            condition={str(k): str(v) for k, v in raw["condition"].items()},
            labelled=bool(raw["labelled"]),
            events={str(k): int(v) for k, v in raw["events"].items()},
            event_seconds={str(k): float(v) for k, v in raw["event_seconds"].items()},
            source=str(raw["source"]),
            sha256=str(raw["sha256"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise InputError(where, f"malformed recording entry ({err!r})") from None


def load(root: Path, must_exist: bool = True) -> Dataset:
    """The dataset in ``root``; an empty one when it does not exist and ``must_exist`` is off."""
    index = root / INDEX
    if not index.is_file():
        if must_exist:
            raise InputError(root, f"not a dataset (no {INDEX}; run 'dataset import' first)")
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise InputError(root, f"exists and is not a dataset (no {INDEX}); pick a new folder")
        return Dataset(root)
    try:
        data = json.loads(index.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(index, f"not valid JSON ({err})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(index, f"not a {FORMAT} index")
    if data.get("version") != VERSION:
        raise InputError(index, f"dataset version {data.get('version')}, this tool reads {VERSION}")
    raw = data.get("recordings")
    if not isinstance(raw, list):
        raise InputError(index, "'recordings' must be a list")
    return Dataset(root, [_entry(r, index) for r in raw])
