"""The frame every example data generator shares: seeds, sensor front end, metadata (sensor
settings, conditions, generator version, feature pipeline ID), splits and the command line.
An example supplies the physics (``physics(condition, seconds, rng)`` returning the physical
signal and its labels) and how to describe a condition."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..features.pipeline import load_pipeline, pipeline_id
from .dataset import write_split
from .labels import LabeledEvent
from .recording import Recording
from .synth import FloatArray, SensorSettings, Session, to_counts


@dataclass(frozen=True)
class Generator:
    example: str
    version: str
    sensor: SensorSettings
    splits: Mapping[str, Sequence[Any]]  # split name -> conditions (each has temperature_c)
    seed_base: Mapping[str, int]
    physics: Callable[[Any, float, np.random.Generator], tuple[FloatArray, list[LabeledEvent]]]
    # describe(condition) -> (summary for the index, full detail for the metadata)
    describe: Callable[[Any], tuple[dict[str, Any], dict[str, Any]]]
    default_seconds: float
    pipeline: Path  # the feature pipeline the data are meant for; its ID goes into the metadata

    def session(self, condition: Any, seconds: float, seed: int, name: str) -> Session:
        """One recording: the physics, then the sensor (drift, noise, int16 counts)."""
        rng = np.random.default_rng(seed)
        physical, events = self.physics(condition, seconds, rng)
        counts = to_counts(physical, self.sensor, condition.temperature_c, rng)
        summary, detail = self.describe(condition)
        meta = {
            "example": self.example,
            "generator_version": self.version,
            "seed": seed,
            "sensor": self.sensor.describe(),
            "pipeline": {
                "config": self.pipeline.name,
                "id": f"0x{pipeline_id(load_pipeline(self.pipeline)):08x}",
            },
            "condition": summary,
            "condition_detail": detail,
        }
        channels = tuple(c.name for c in self.sensor.channels)
        return Session(name, Recording(counts, self.sensor.odr_hz, channels, meta), events)

    def sessions(self, split: str, seconds: float) -> list[Session]:
        base = self.seed_base[split]
        return [
            self.session(cond, seconds, base + i, f"{split}_{i:02d}")
            for i, cond in enumerate(self.splits[split])
        ]

    def main(self, argv: Sequence[str] | None, description: str) -> int:
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument("--split", choices=sorted(self.splits), required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument(
            "--seconds", type=float, default=self.default_seconds, help="length of each session"
        )
        args = parser.parse_args(argv)
        write_split(args.out, self.example, args.split, self.sessions(args.split, args.seconds))
        return 0
