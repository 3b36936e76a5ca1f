"""Event labels: ``start,end,class`` rows (seconds) in a CSV with that header.

Everything outside a labelled interval is negative data ("background"). The generators write
one labels file per recording; ``replay --labels`` reads it to score detections.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

HEADER = ("start", "end", "class")


@dataclass(frozen=True)
class LabeledEvent:
    start: float
    end: float
    label: str

    @property
    def seconds(self) -> float:
        return self.end - self.start


def read(path: str | Path) -> list[LabeledEvent]:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such labels file")
    try:
        with path.open(newline="") as fh:
            rows = [row for row in csv.reader(fh) if row]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(path, f"cannot read labels ({err})") from None
    if not rows or tuple(c.strip() for c in rows[0]) != HEADER:
        raise InputError(path, "labels need the header row 'start,end,class'")
    events = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != 3:
            raise InputError(path, f"line {line}: expected 3 fields, got {len(row)}")
        try:
            start, end = float(row[0]), float(row[1])
        except ValueError:
            raise InputError(path, f"line {line}: start and end must be seconds") from None
        if not 0 <= start < end:
            raise InputError(path, f"line {line}: needs 0 <= start < end")
        label = row[2].strip()
        if not label:
            raise InputError(path, f"line {line}: empty class")
        events.append(LabeledEvent(start, end, label))
    return sorted(events, key=lambda e: e.start)


def check_classes(path: Path, events: list[LabeledEvent], classes: tuple[str, ...]) -> None:
    """Every labelled class is one the model has: a class it cannot say would score as a
    missed event (recall 0) and hide the mistake."""
    unknown = sorted({e.label for e in events} - set(classes))
    if unknown:
        raise InputError(
            path,
            f"class {', '.join(repr(c) for c in unknown)} is not one of the model's classes "
            f"({', '.join(classes)})",
        )


def write(path: str | Path, events: list[LabeledEvent]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for event in sorted(events, key=lambda e: e.start):
                writer.writerow([f"{event.start:.4f}", f"{event.end:.4f}", event.label])
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
