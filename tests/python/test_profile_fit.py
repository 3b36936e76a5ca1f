"""The committed cost model against the committed rig measurements (TFLM + CMSIS-NN on the
emulated Cortex-M4F): stale features, the fit's honesty, and the arena figures' safety."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tinyml_tools.modelpack.arena import estimate_arena
from tinyml_tools.modelpack.tflite_model import load_tflite
from tinyml_tools.profile.costmodel import DEFAULT_MODEL, MEASURED, load_cost_model
from tinyml_tools.profile.features import layer_features
from tinyml_tools.profile.fit import fit, leave_one_model_out, predict_rows, read_measurements

DATA = json.loads(MEASURED.read_text())
# Held-out architectures (validation_models.py): measured on the same rig, never fitted on.
VALIDATION = json.loads((MEASURED.parent / "validation_m4f.json").read_text())
TARGET = 0.15  # the bound on instructions per inference


def _local(repo: Path, external: Path, name: str, sha256: str | None = None) -> Path | None:
    # The synthetic LSTM and int16x8 calibration models are committed (tests/python/data) so
    # the arena check covers them; calib_models.py makes them.
    # Examples retrained after they were measured keep their measured bytes there too: a
    # measurement is of exactly the model whose SHA-256 it records.
    here = repo / "tests" / "python" / "data" / "profile_models" / name
    for path in (external / name, here, *(repo / "models").glob(f"*/{name}")):
        if path.is_file() and (sha256 is None or _sha256(path) == sha256):
            return path
    return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_measurements_name_their_revisions() -> None:
    assert DATA["tflm"] and DATA["cmsis_nn"] and DATA["compiler"]
    assert len(DATA["models"]) >= 8


def test_stored_features_are_what_the_code_computes_today(
    repo: Path, external_models: Path
) -> None:
    """A change to features.py must come with re-measured (or re-featured) data."""
    checked = 0
    for entry in DATA["models"]:
        path = _local(repo, external_models, entry["model"], entry.get("sha256"))
        if path is None:
            continue
        fresh = layer_features(load_tflite(path))
        assert [f.as_dict() for f in fresh] == [n["features"] for n in entry["nodes"]], path
        checked += 1
    assert checked >= 8


def test_every_real_model_within_target_in_the_fit() -> None:
    models = read_measurements(DATA)
    committed = load_cost_model(DEFAULT_MODEL)
    for m in models:
        if m.real:
            error = predict_rows(committed, m.rows) / m.invoke_instructions - 1
            assert abs(error) <= TARGET, f"{m.model}: {error:+.1%}"


def test_real_models_within_target_left_out_of_the_fit() -> None:
    """Leave-one-model-out, the figure `make bench` reports."""
    models = read_measurements(DATA)
    scores = leave_one_model_out(models)
    assert len(scores) >= 8
    for s in scores:
        assert abs(s.error) <= TARGET, f"{s.model}: {s.error:+.1%}"


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
        path = _local(repo, external_models, entry["model"], entry.get("sha256"))
        if smallest is None or path is None:
            continue
        total = estimate_arena(load_tflite(path)).total
        assert total >= smallest, f"{entry['model']}: {total} < smallest working {smallest}"
        assert total - smallest <= max(64, 0.02 * smallest), (
            f"{entry['model']}: {total} vs {smallest}"
        )
        checked += 1
    assert checked >= 8


def test_every_dispatch_branch_has_coefficients_of_its_own() -> None:
    """Each CMSIS-NN kernel the estimate tells apart (docs/profile.md, "Which kernel runs") is
    fitted on its own measurements, none borrowed from a related kind."""
    committed = load_cost_model(DEFAULT_MODEL)
    branches = (
        "conv", "conv_1x1_fast", "conv_1x1", "conv_1xn", "conv_s16", "dw_3x3", "dw_opt",
        "dw_mult4", "dw", "dw_s16", "fc", "fc_conv", "avgpool", "maxpool", "add", "mul",
        "add_bcast", "mul_bcast", "mean", "softmax", "lstm", "clamp", "transcendental", "pad",
        "concat",
    )  # fmt: skip
    for kind in branches:
        assert committed.resolve(kind)[0] == kind, kind


def test_held_out_architectures_within_target() -> None:
    """MobileNet-, ResNet-, DS-CNN-shaped networks and an autoencoder the fit never saw."""
    committed = load_cost_model(DEFAULT_MODEL)
    models = read_measurements(VALIDATION)
    assert len(models) >= 4
    assert {m["sha256"] for m in VALIDATION["models"]}.isdisjoint(
        m["sha256"] for m in DATA["models"]
    )
    for m in models:
        error = predict_rows(committed, m.rows) / m.invoke_instructions - 1
        assert abs(error) <= TARGET, f"{m.model}: {error:+.1%}"


def test_held_out_architectures_arena_safe_and_tight(repo: Path, external_models: Path) -> None:
    checked = 0
    for entry in VALIDATION["models"]:
        path = _local(repo, external_models, entry["model"], entry["sha256"])
        if path is None:
            continue
        smallest = entry["arena_smallest_bytes"]
        total = estimate_arena(load_tflite(path)).total
        assert smallest <= total <= smallest + max(64, 0.02 * smallest), entry["model"]
        assert [f.as_dict() for f in layer_features(load_tflite(path))] == [
            n["features"] for n in entry["nodes"]
        ]
        checked += 1
    assert checked >= 3
