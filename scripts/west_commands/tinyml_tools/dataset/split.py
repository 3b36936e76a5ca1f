"""Split a dataset into train / val / test by session or by condition, never by window.

Recordings are grouped first: recordings of one session are always one group, and with
``by="condition"`` (or ``condition:KEY``) recordings sharing the condition (or the tag KEY) join
the group too, so no session and no condition straddles two parts. Whole groups then go to
val and test, drawn with a seeded generator from the groups sorted by name (so the result does
not depend on import order), until each part holds its share of the hours. ``holdout`` sends
every recording with a given condition tag (``door=steel``) to test: conditions training and
validation never see. Each part is written as a folder with an index.json that ``replay`` and
``train`` take.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from . import store
from .store import Dataset, Entry

PARTS = ("train", "val", "test")


@dataclass(frozen=True)
class SplitSpec:
    name: str = "default"
    by: str = "session"  # session | condition | condition:KEY
    val: float = 0.2  # share of the hours (after the holdout)
    test: float = 0.0
    holdout: tuple[tuple[str, str], ...] = ()  # (tag, value): whole conditions to test
    seed: int = 0

    def problems(self) -> list[str]:
        out = []
        if not (self.by in ("session", "condition") or self.by.startswith("condition:")):
            out.append(f"--by {self.by}: use session, condition or condition:TAG")
        if not (0 <= self.val < 1 and 0 <= self.test < 1 and self.val + self.test < 1):
            out.append("--val and --test are shares of the hours: each 0..1, together below 1")
        if not self.name or not set(self.name) <= set("abcdefghijklmnopqrstuvwxyz0123456789_-"):
            out.append(f"split name '{self.name}': lower-case letters, digits, '_' or '-'")
        return out


@dataclass
class SplitResult:
    spec: SplitSpec
    folder: Path
    parts: dict[str, list[Entry]] = field(default_factory=dict)
    group_of: dict[str, str] = field(default_factory=dict)  # recording -> group

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.spec.name,
            "by": self.spec.by,
            "val": self.spec.val,
            "test": self.spec.test,
            "holdout": [f"{k}={v}" for k, v in self.spec.holdout],
            "seed": self.spec.seed,
            "parts": {
                part: {
                    "recordings": [e.name for e in entries],
                    "hours": round(sum(e.seconds for e in entries) / 3600, 4),
                    "events": sum(sum(e.events.values()) for e in entries),
                    "sessions": sorted({e.session for e in entries}),
                }
                for part, entries in self.parts.items()
            },
        }


def _group_key(entry: Entry, by: str) -> str | None:
    if by == "session":
        return None
    if by == "condition":
        return entry.condition_text()
    tag = by.split(":", 1)[1]
    return entry.condition.get(tag, "(no tag)")


def groups(entries: list[Entry], by: str) -> dict[str, str]:
    """recording name -> group name; a session and (by condition) a condition is one group."""
    parent = {e.name: e.name for e in entries}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first: dict[tuple[str, str], str] = {}
    for e in entries:
        keys = [("session", e.session)]
        cond = _group_key(e, by)
        if cond is not None:
            keys.append(("condition", cond))
        for key in keys:
            if key in first:
                union(first[key], e.name)
            else:
                first[key] = e.name
    named: dict[str, str] = {}
    for e in entries:
        root = find(e.name)
        label = e.session if by == "session" else _group_key(e, by) or e.session
        named.setdefault(root, label)
    return {e.name: named[find(e.name)] for e in entries}


def _held_out(entry: Entry, holdout: tuple[tuple[str, str], ...]) -> bool:
    return any(entry.condition.get(k) == v for k, v in holdout)


def split(dataset: Dataset, spec: SplitSpec) -> SplitResult:
    problems = spec.problems()
    if problems:
        raise InputError(dataset.root, "; ".join(problems))
    if not dataset.entries:
        raise InputError(dataset.index_path, "the dataset is empty")
    for key, value in spec.holdout:
        if not any(e.condition.get(key) == value for e in dataset.entries):
            raise InputError(dataset.index_path, f"no recording has condition {key}={value}")
    held = [e for e in dataset.entries if _held_out(e, spec.holdout)]
    rest = [e for e in dataset.entries if not _held_out(e, spec.holdout)]
    held_sessions = {e.session for e in held}
    straddle = sorted({e.session for e in rest} & held_sessions)
    if straddle:
        raise InputError(
            dataset.index_path,
            f"session(s) {', '.join(straddle[:3])} hold both held-out and other conditions; "
            "a session cannot straddle splits",
        )
    group_of = groups(dataset.entries, spec.by)
    names = sorted({group_of[e.name] for e in rest})
    hours = {g: sum(e.seconds for e in rest if group_of[e.name] == g) for g in names}
    order = [names[i] for i in np.random.default_rng(spec.seed).permutation(len(names))]
    total = sum(hours.values())
    want = {"val": spec.val * total, "test": spec.test * total}
    assign: dict[str, str] = {}
    filled = {"val": 0.0, "test": 0.0}
    for g in order:
        part = next((p for p in ("val", "test") if want[p] > 0 and filled[p] < want[p]), "train")
        assign[g] = part
        if part != "train":
            filled[part] += hours[g]
    needed = [p for p in ("train", "val", "test") if p == "train" or want.get(p, 0) > 0]
    empty = [p for p in needed if p not in assign.values()]
    if empty:
        raise InputError(
            dataset.index_path,
            f"{len(names)} group(s) by {spec.by} cannot fill {', '.join(needed)} "
            f"({', '.join(empty)} would be empty): record more sessions or lower --val/--test",
        )
    result = SplitResult(spec, dataset.root / store.SPLITS / spec.name, group_of=group_of)
    parts: dict[str, list[Entry]] = {p: [] for p in PARTS}
    for e in rest:
        parts[assign[group_of[e.name]]].append(e)
    parts["test"].extend(held)
    result.parts = {p: entries for p, entries in parts.items() if entries}
    _check_no_leak(result)
    _write(dataset, result)
    return result


def _check_no_leak(result: SplitResult) -> None:
    seen: dict[str, str] = {}
    for part, entries in result.parts.items():
        for e in entries:
            for key in (f"session {e.session}", f"group {result.group_of[e.name]}"):
                if seen.setdefault(key, part) != part:
                    raise AssertionError(f"{key} in {seen[key]} and {part}")


def _write(dataset: Dataset, result: SplitResult) -> None:
    for part in PARTS:
        index = result.folder / part / "index.json"
        if part not in result.parts:
            index.unlink(missing_ok=True)
            continue
        up = "../../../"
        sessions = [
            {
                "name": e.name,
                "recording": up + e.recording,
                "labels": up + e.labels,
                "seconds": e.seconds,
                "session": e.session,
                "condition": e.condition,
            }
            for e in result.parts[part]
        ]
        store.write_json(
            index,
            {"example": dataset.root.name, "split": part, "sessions": sessions},
        )
    store.write_json(result.folder / "split.json", result.to_json())


def load_part(dataset: Dataset, split_name: str, part: str) -> list[Entry]:
    """The entries of one part of a split made earlier."""
    index = dataset.root / store.SPLITS / split_name / part / "index.json"
    if not index.is_file():
        raise InputError(
            index, f"no '{part}' part in split '{split_name}' (run 'dataset split' first)"
        )
    try:
        names = [s["name"] for s in json.loads(index.read_text())["sessions"]]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(index, f"malformed split index ({err})") from None
    out = []
    for name in names:
        entry = dataset.find(name)
        if entry is None:
            raise InputError(index, f"names '{name}', which the dataset does not hold")
        out.append(entry)
    return out
