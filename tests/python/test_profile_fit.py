"""The committed cost model against the committed rig measurements (TFLM + CMSIS-NN on the
emulated Cortex-M4F): stale features, the fit's honesty, and the arena figures' safety."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tinyml_tools.modelpack.arena import estimate_arena
from tinyml_tools.modelpack.tflite_model import load_tflite
from tinyml_tools.profile.costmodel import DEFAULT_MODEL, MEASURED, load_cost_model
from tinyml_tools.profile.features import layer_features
from tinyml_tools.profile.fit import fit, leave_one_model_out, predict_rows, read_measurements

DATA = json.loads(MEASURED.read_text())
TARGET = 0.15  # the bound on instructions per inference


def _local(repo: Path, external: Path, name: str) -> Path | None:
    for path in (external / name, *(repo / "models").glob(f"*/{name}")):
        if path.is_file():
            return path
    return None


def test_measurements_name_their_revisions() -> None:
    assert DATA["tflm"] and DATA["cmsis_nn"] and DATA["compiler"]
    assert len(DATA["models"]) >= 8


def test_stored_features_are_what_the_code_computes_today(
    repo: Path, external_models: Path
) -> None:
    """A change to features.py must come with re-measured (or re-featured) data."""
    checked = 0
    for entry in DATA["models"]:
        path = _local(repo, external_models, entry["model"])
        if path is None:
            continue
        fresh = layer_features(load_tflite(path))
        assert [f.as_dict() for f in fresh] == [n["features"] for n in entry["nodes"]], path
        checked += 1
    assert checked >= 8


def test_every_real_model_within_target_left_out_of_the_fit() -> None:
    scores = leave_one_model_out(read_measurements(DATA))
    assert len(scores) >= 8
    worst = max(scores, key=lambda s: abs(s.error))
    assert abs(worst.error) <= TARGET, f"{worst.model}: {worst.error:+.1%}"


def test_committed_coefficients_are_the_fit_of_the_committed_data() -> None:
    models = read_measurements(DATA)
    refit = fit(models)
    committed = load_cost_model(DEFAULT_MODEL)
    for m in models:
        assert predict_rows(committed, m.rows) == pytest.approx(predict_rows(refit, m.rows))


def test_arena_figure_is_safe_and_tight_on_every_measured_model(
    repo: Path, external_models: Path
) -> None:
    """Never below the smallest arena that worked on the target; at most 2 % or 64 B above."""
    checked = 0
    for entry in DATA["models"]:
        smallest = entry.get("arena_smallest_bytes")
        path = _local(repo, external_models, entry["model"])
        if smallest is None or path is None:
            continue
        total = estimate_arena(load_tflite(path)).total
        assert total >= smallest, f"{entry['model']}: {total} < smallest working {smallest}"
        assert total - smallest <= max(64, 0.02 * smallest), (
            f"{entry['model']}: {total} vs {smallest}"
        )
        checked += 1
    assert checked >= 8
