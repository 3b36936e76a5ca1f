"""Add recordings to a dataset, all or nothing: every file is read and checked first; when one
is refused (each refusal names its file and the problem), nothing is written."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..replay import labels as labels_io
from ..replay import recording as recording_io
from ..replay.recording import Recording
from . import store
from .sources import SUFFIXES, Source, read_source
from .store import Dataset, Entry

_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


@dataclass(frozen=True)
class ImportOptions:
    defaults: dict[str, Any] = field(default_factory=dict)  # metadata for every file
    negative_only: bool = False  # recordings without a labels file hold no events
    classes: tuple[str, ...] | None = None  # the only classes labels may name


@dataclass
class ImportResult:
    dataset: Dataset
    added: list[Entry] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # already imported, same samples
    refused: list[InputError] = field(default_factory=list)
    considered: int = 0  # recording files read (good and refused)


def expand(paths: Sequence[Path]) -> list[Path]:
    """Recording files named directly, and those inside named folders (recursively), sorted;
    labels and metadata sidecars are not recordings."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not p.name.endswith((".labels.csv", ".meta.json"))
            ]
            if not found:
                raise InputError(path, f"holds no recordings ({', '.join(SUFFIXES)})")
            out.extend(found)
        else:
            out.append(path)
    return out


def _check_source(src: Source, options: ImportOptions) -> None:
    if not src.name or not set(src.name) <= _NAME_CHARS:
        raise InputError(
            src.path, "file name must be letters, digits, '_' or '-' before the first dot"
        )
    if src.events is None and not options.negative_only:
        raise InputError(
            src.path,
            f"no labels file ({src.name}.labels.csv); add one, or import negative-only "
            "recordings with --negative-only",
        )
    if options.classes is not None:
        for event in src.events or []:
            if event.label not in options.classes:
                raise InputError(
                    src.path.with_name(src.name + ".labels.csv"),
                    f"class '{event.label}' is not one of {', '.join(options.classes)}",
                )
    if len(set(src.recording.channels)) != len(src.recording.channels):
        raise InputError(src.path, "repeats a channel name")


def _entry(src: Source) -> Entry:
    session = src.meta.session or src.name
    return store.make_entry(
        src.name,
        src.recording,
        src.events or [],
        src.events is not None,
        session,
        src.meta.condition,
        str(src.path),
    )


def import_files(root: Path, paths: Sequence[Path], options: ImportOptions) -> ImportResult:
    dataset = store.load(root, must_exist=False)
    result = ImportResult(dataset)
    accepted: list[tuple[Source, Entry]] = []
    names: dict[str, Path] = {}
    for path in expand(paths):
        result.considered += 1
        try:
            src = read_source(path, options.defaults)
            _check_source(src, options)
            entry = _entry(src)
            if src.name in names:
                raise InputError(path, f"same name as {names[src.name]} (names must be unique)")
            names[src.name] = path
            old = dataset.find(src.name)
            if old is not None and old.sha256 == entry.sha256:
                result.unchanged.append(src.name)
                continue
            if old is not None:
                raise InputError(
                    path, f"the dataset already holds a different recording named '{src.name}'"
                )
        except InputError as err:
            result.refused.append(err)
            continue
        accepted.append((src, entry))
    if result.refused or not accepted:
        return result
    _write(dataset, accepted)
    result.added = [e for _, e in accepted]
    return result


def _write(dataset: Dataset, accepted: list[tuple[Source, Entry]]) -> None:
    """Stage every file, then move them in, then write the index (the index is the truth: a
    crash before it leaves files no index names, never an index naming missing files)."""
    root = dataset.root
    staging = root / f".staging-{os.getpid()}"
    final = root / store.RECORDINGS
    staging.mkdir(parents=True, exist_ok=True)
    try:
        for src, entry in accepted:
            meta = dict(
                src.recording.meta,
                session=entry.session,
                condition=entry.condition,
                source=entry.source,
            )
            rec = Recording(
                src.recording.samples, src.recording.sample_rate_hz, src.recording.channels, meta
            )
            recording_io.write(staging / f"{entry.name}.npz", rec)
            labels_io.write(staging / f"{entry.name}.labels.csv", src.events or [])
        final.mkdir(parents=True, exist_ok=True)
        for item in sorted(staging.iterdir()):
            item.replace(final / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    dataset.entries.extend(e for _, e in accepted)
    dataset.save()
