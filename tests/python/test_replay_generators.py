"""The example data generators: deterministic, labelled, documented, and with a held-out split
whose conditions training never sees."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from tinyml_tools.features.pipeline import load_pipeline, pipeline_id

MODELS = Path(__file__).resolve().parents[2] / "models"
EXAMPLES = ("knock", "pump", "gesture")


def generator(example: str) -> ModuleType:
    path = MODELS / example / "generate.py"
    spec = importlib.util.spec_from_file_location(f"generate_{example}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def _parts(condition: Any) -> set[tuple[str, str]]:
    """(field, value) of a condition, nested parts by name (a door, a mounting, a user)."""
    out = set()
    for f in fields(condition):
        value = getattr(condition, f.name)
        out.add((f.name, value.name if is_dataclass(value) else repr(value)))
    return out


@pytest.mark.parametrize("example", EXAMPLES)
def test_deterministic_labelled_and_documented(example: str) -> None:
    gen = generator(example)
    cond = gen.HELDOUT[0]
    a = gen.GENERATOR.session(cond, 12.0, 77, "a")
    b = gen.GENERATOR.session(cond, 12.0, 77, "b")
    c = gen.GENERATOR.session(cond, 12.0, 78, "c")
    np.testing.assert_array_equal(a.recording.samples, b.recording.samples)
    assert a.labels == b.labels
    assert not np.array_equal(a.recording.samples, c.recording.samples)
    rec = a.recording
    assert rec.samples.dtype == np.int16
    assert rec.samples.shape == (int(12.0 * rec.sample_rate_hz), len(rec.channels))
    assert all(0 <= e.start < e.end <= 12.0 and e.label in gen.CLASSES for e in a.labels)
    meta = rec.meta
    assert meta["generator_version"] == gen.GENERATOR_VERSION
    assert meta["sensor"]["odr_hz"] == rec.sample_rate_hz
    assert [c["name"] for c in meta["sensor"]["channels"]] == list(rec.channels)
    cfg = load_pipeline(MODELS / example / "pipeline.yaml")
    assert meta["pipeline"]["id"] == f"0x{pipeline_id(cfg):08x}"
    assert cfg.sample_rate_hz == rec.sample_rate_hz
    assert meta["condition"]["temperature_c"] == cond.temperature_c


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_heldout_condition_has_something_training_never_saw(example: str) -> None:
    gen = generator(example)
    seen = set().union(*(_parts(c) for c in gen.TRAIN))
    for cond in gen.HELDOUT:
        unseen = _parts(cond) - seen
        assert unseen, f"held-out condition {asdict(cond)} is fully covered by training"
    assert gen.SPLITS["train"] is gen.TRAIN and gen.SPLITS["heldout"] is gen.HELDOUT


@pytest.mark.parametrize("example", EXAMPLES)
def test_golden_set_is_the_heldout_split(example: str) -> None:
    """The committed golden recordings are what the generator makes for the held-out split."""
    gen = generator(example)
    from tinyml_tools.replay.dataset import load_split

    golden = load_split(MODELS / example / "golden")
    assert len(golden) == len(gen.HELDOUT)
    first = golden[0]
    again = gen.GENERATOR.session(
        gen.HELDOUT[0], first.recording.seconds, gen.GENERATOR.seed_base["heldout"], "x"
    )
    np.testing.assert_array_equal(first.recording.samples, again.recording.samples)
    assert first.labels == sorted(again.labels, key=lambda e: e.start)
    assert sum(p.stat().st_size for p in (MODELS / example / "golden").iterdir()) < 400_000
