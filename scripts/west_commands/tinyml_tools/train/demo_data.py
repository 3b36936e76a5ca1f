"""The knock example's recordings as a user brings them: one CSV per session in physical
units (g), a ``.labels.csv`` and a ``.meta.json`` sidecar (sensor part, full scale, ODR,
mounting, session and condition tags, units and scale) each. ``make demo`` imports them."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..replay import labels as labels_io
from ..replay.synth import Session
from .recipe import HELDOUT_TAG, Recipe, generator


def write_csv_session(folder: Path, session: Session, part: str) -> Path:
    rec = session.recording
    sensor: dict[str, Any] = dict(rec.meta.get("sensor", {}))
    channels = sensor.get("channels", [])
    per_unit = float(channels[0]["counts_per_unit"]) if channels else 1.0
    unit = str(channels[0]["unit"]) if channels else "counts"
    condition = dict(rec.meta.get("condition", {}))
    condition[HELDOUT_TAG[0]] = HELDOUT_TAG[1] if part == "heldout" else "train"
    meta = {
        "sensor": str(sensor.get("part", "unknown")),
        "full_scale": 4,
        "sample_rate_hz": rec.sample_rate_hz,
        "mounting": str(condition.get("mounting", "")),
        "firmware": "logger 1.0 (simulated)",
        "pipeline_version": str(rec.meta.get("pipeline", {}).get("id", "")),
        "session": session.name,
        "condition": condition,
        "units": unit,
        "scale": 1.0 / per_unit,
    }
    path = folder / f"{session.name}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["t", *rec.channels])
        rate = rec.sample_rate_hz
        for i, row in enumerate(rec.samples.tolist()):
            writer.writerow([f"{i / rate:.6f}", *(f"{v / per_unit:.8f}" for v in row)])
    (folder / f"{session.name}.meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    labels_io.write(folder / f"{session.name}.labels.csv", session.labels)
    return path


def write_user_folder(recipe: Recipe, folder: Path, heldout_seconds: float) -> int:
    """Every training and held-out session of the recipe as CSV files; how many."""
    gen = generator(recipe.example)
    count = 0
    for part, seconds in (("train", recipe.session_seconds), ("heldout", heldout_seconds)):
        for s in gen.sessions(part, seconds):
            write_csv_session(folder, s, part)
            count += 1
    return count
