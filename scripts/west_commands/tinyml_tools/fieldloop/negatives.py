"""Hold-to-report, host side: flagged false triggers back into the dataset as negatives.

Two outputs from a list of event summaries:

- a false-trigger list (CSV ``time_s,class_id,class,score,seq,firmware,model_version,
  pipeline_id,drift_score``), one row per flagged event, to review and to count per release;
- for recordings pulled with ``field pull`` (a snippet's sidecar carries the device time of its
  trigger), a header-only ``<stem>.labels.csv`` for every snippet whose trigger is a flagged
  event: the whole snippet is background, so ``dataset import`` takes it as a negative.
  An existing labels file is never overwritten.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..replay import labels as labels_io
from .events import Q15_MAX, EventSummary
from .recstream import version_text

COLUMNS = (
    "time_s",
    "class_id",
    "class",
    "score",
    "seq",
    "firmware",
    "model_version",
    "pipeline_id",
    "drift_score",
)


@dataclass(frozen=True)
class Matched:
    recording: Path
    labels: Path
    event_seq: int
    written: bool  # False: a labels file was already there (left as it is)


def flagged(summaries: Sequence[EventSummary]) -> list[EventSummary]:
    return [s for s in summaries if s.false_trigger]


def write_list(path: Path, summaries: Sequence[EventSummary], labels: Sequence[str] = ()) -> int:
    """Write the false-trigger list; returns the row count."""
    rows = flagged(summaries)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            for s in rows:
                writer.writerow(
                    [
                        s.time_s,
                        s.class_id,
                        labels[s.class_id] if s.class_id < len(labels) else "",
                        f"{s.score_q15 / Q15_MAX:.4f}",
                        s.seq,
                        version_text(s.fw_version),
                        version_text(s.model_version),
                        f"0x{s.pipeline_id:08x}",
                        f"{s.drift_q8 / 256.0:.4f}",
                    ]
                )
        tmp.replace(path)
    except OSError as err:
        raise InputError(path, f"cannot write ({err.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return len(rows)


def _trigger_ms(side: Path) -> int | None:
    try:
        meta = json.loads(side.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(side, f"not valid JSON ({err})") from None
    if not isinstance(meta, dict) or meta.get("source") != "recstream":
        return None
    if meta.get("kind") != "snippet" or not isinstance(meta.get("timestamp_ms"), int):
        return None
    return int(meta["timestamp_ms"])


def label_snippets(
    folder: Path, summaries: Sequence[EventSummary], tolerance_s: float = 1.0
) -> list[Matched]:
    """Mark pulled snippets whose trigger is a flagged event as negatives."""
    if not folder.is_dir():
        raise InputError(folder, "no such folder of pulled recordings")
    events = flagged(summaries)
    out: list[Matched] = []
    for side in sorted(folder.glob("*.meta.json")):
        trigger = _trigger_ms(side)
        if trigger is None:
            continue
        match = min(events, key=lambda e: abs(e.time_s * 1000 - trigger), default=None)
        if match is None or abs(match.time_s * 1000 - trigger) > tolerance_s * 1000:
            continue
        stem = side.name[: -len(".meta.json")]
        recs = [folder / f"{stem}{ext}" for ext in (".npz", ".csv", ".wav")]
        recs = [p for p in recs if p.is_file()]
        if not recs:
            continue
        labels = folder / f"{stem}.labels.csv"
        written = not labels.exists()
        if written:
            labels_io.write(labels, [])
        out.append(Matched(recs[0], labels, match.seq, written))
    return out
