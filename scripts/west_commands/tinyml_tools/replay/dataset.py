"""A dataset split on disk: one recording + labels file per session, and an index.

Layout of a split folder::

    index.json                  {"example", "split", "sessions": [{"name", "recording",
                                 "labels", "seconds", "condition"}]}
    <session>.npz               the recording (meta: sensor settings, condition, pipeline)
    <session>.labels.csv        start,end,class

Labels are event intervals; training cuts them into short windows (see ``window_labels``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InputError
from . import labels as labels_io
from . import recording as recording_io
from .labels import LabeledEvent
from .synth import Session

INDEX = "index.json"


def write_split(folder: Path, example: str, split: str, sessions: Sequence[Session]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, Any]] = []
    for session in sessions:
        rec_path = folder / f"{session.name}.npz"
        lab_path = folder / f"{session.name}.labels.csv"
        recording_io.write(rec_path, session.recording)
        labels_io.write(lab_path, session.labels)
        entries.append(
            {
                "name": session.name,
                "recording": rec_path.name,
                "labels": lab_path.name,
                "seconds": round(session.recording.seconds, 3),
                "condition": session.recording.meta.get("condition", {}),
            }
        )
    index = folder / INDEX
    index.write_text(
        json.dumps({"example": example, "split": split, "sessions": entries}, indent=2) + "\n"
    )
    return index


def load_split(folder: Path) -> list[Session]:
    index = folder / INDEX
    if not index.is_file():
        raise InputError(index, "no dataset index (generate the split first)")
    try:
        data = json.loads(index.read_text())
        entries = data["sessions"]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as err:
        raise InputError(index, f"malformed dataset index ({err})") from None
    return [
        Session(
            e["name"],
            recording_io.read(folder / e["recording"]),
            labels_io.read(folder / e["labels"]),
        )
        for e in entries
    ]


def window_labels(
    events: Sequence[LabeledEvent],
    window_ends_s: npt.NDArray[np.float64],
    window_s: float,
    classes: Sequence[str],
    min_overlap: float,
) -> npt.NDArray[np.int64]:
    """Class index of each window: an event's class when the window covers at least
    ``min_overlap`` of the event (or the event covers that share of the window), else 0
    (the background class, ``classes[0]``); -1 for windows that touch an event only a little,
    which training leaves out rather than teach either answer."""
    out = np.zeros(window_ends_s.shape[0], dtype=np.int64)
    starts = window_ends_s - window_s
    for event in events:
        overlap = np.clip(
            np.minimum(window_ends_s, event.end) - np.maximum(starts, event.start), 0.0, None
        )
        share = overlap / min(window_s, event.seconds)
        cls = classes.index(event.label)
        out[(share > 0) & (out == 0)] = -1
        out[share >= min_overlap] = cls
    return out
