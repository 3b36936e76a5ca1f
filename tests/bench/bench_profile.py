"""`west profile` figures: how well the cost model predicts what was measured, and the
examples' profiles.

profile.fit.<model>.error.percent: leave-one-model-out error of the instructions per inference
  of each real model (the fit never sees that model's own layers), signed; measured on the
  profile rig (TFLM + CMSIS-NN on the emulated Cortex-M4F, data/measured_m4f.json).
profile.fit.worst_error.percent: the largest |error| of those.
profile.fit.in_sample_worst_error.percent: the same with every model in the fit.
profile.validation.<model>.error.percent / .worst_error.percent: the committed fit on held-out
  architectures it never saw (profile_rig/validation_models.py, data/validation_m4f.json).
profile.features.<example>.error.percent: feature cost model vs the QEMU count of its pipeline.
profile.arena.<model>.over_smallest.bytes / .percent: model-pack's arena figure minus the
  smallest working arena measured on the rig (never negative: the figure is safe), for every
  measured model on disk with the measured SHA-256 (external, examples, committed synthetic).
profile.arena.worst_over_smallest.percent / .bytes: the largest of those (the target: 2 % or
  64 B, whichever is larger).
profile.<example>.inference.instructions / .window.instructions / .nrf52840.inference_ms /
  .nrf52840.cpu_duty.percent: the bundled detectors' profiles.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tinyml_tools.features.pipeline import load_pipeline
from tinyml_tools.modelpack.arena import estimate_arena
from tinyml_tools.modelpack.tflite_model import load_tflite
from tinyml_tools.paths import REPO_ROOT
from tinyml_tools.profile.boards import find_board
from tinyml_tools.profile.costmodel import MEASURED, load_cost_model
from tinyml_tools.profile.feature_cost import load_feature_model
from tinyml_tools.profile.fit import fit, leave_one_model_out, predict_rows, read_measurements
from tinyml_tools.profile.report import build_profile, pipeline_cost, read_model

VALIDATION = MEASURED.parent / "validation_m4f.json"
EXTERNAL = Path("/work/shared/external-models")
if not EXTERNAL.is_dir():
    EXTERNAL = REPO_ROOT.parent / "shared" / "external-models"
EXAMPLES = ("knock", "pump", "gesture")
# Synthetic models (LSTM, int16x8, each CMSIS-NN dispatch branch) committed for the arena check.
SYNTHETIC = REPO_ROOT / "tests" / "python" / "data" / "profile_models"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stem(name: str) -> str:
    return name.removesuffix(".tflite").replace(".", "_")


def run() -> dict[str, float]:
    figures: dict[str, float] = {}
    data = json.loads(MEASURED.read_text())
    models = read_measurements(data)
    scores = leave_one_model_out(models)
    for s in scores:
        figures[f"profile.fit.{_stem(s.model)}.error.percent"] = round(100 * s.error, 2)
    figures["profile.fit.worst_error.percent"] = round(100 * max(abs(s.error) for s in scores), 2)
    validation = read_measurements(json.loads(VALIDATION.read_text()))
    committed = load_cost_model()
    for m in validation:
        error = predict_rows(committed, m.rows) / m.invoke_instructions - 1
        figures[f"profile.validation.{_stem(m.model)}.error.percent"] = round(100 * error, 2)
    figures["profile.validation.worst_error.percent"] = max(
        abs(v) for k, v in figures.items() if k.startswith("profile.validation.")
    )
    full = fit(models)
    figures["profile.fit.in_sample_worst_error.percent"] = round(
        100
        * max(
            abs(predict_rows(full, m.rows) / m.invoke_instructions - 1) for m in models if m.real
        ),
        2,
    )
    feats = load_feature_model()
    measured_feats = {r["pipeline"]: r["instructions"] for r in feats.meta["measurements"]}
    for name in EXAMPLES:
        cfg = load_pipeline(REPO_ROOT / "models" / name / "pipeline.yaml")
        est = feats.window_instructions(cfg)
        real = measured_feats[f"example_{name}"]
        figures[f"profile.features.{name}.error.percent"] = round(100 * (est - real) / real, 2)
    for m in [*data["models"], *json.loads(VALIDATION.read_text())["models"]]:
        if "arena_smallest_bytes" not in m:
            continue
        candidates = [
            EXTERNAL / m["model"],
            SYNTHETIC / m["model"],
            *(REPO_ROOT / "models").glob(f"*/{m['model']}"),
        ]
        path = next((p for p in candidates if p.is_file() and _sha256(p) == m["sha256"]), None)
        if path is None:
            continue
        total = estimate_arena(load_tflite(path)).total
        smallest = int(m["arena_smallest_bytes"])
        figures[f"profile.arena.{_stem(m['model'])}.over_smallest.bytes"] = total - smallest
        figures[f"profile.arena.{_stem(m['model'])}.over_smallest.percent"] = round(
            100 * (total - smallest) / smallest, 2
        )
    arena = [k for k in figures if k.startswith("profile.arena.")]
    if arena:
        for unit in ("percent", "bytes"):
            figures[f"profile.arena.worst_over_smallest.{unit}"] = max(
                figures[k] for k in arena if k.endswith(unit)
            )
    cost = load_cost_model()
    board = find_board("nrf52840dk/nrf52840")
    for name in EXAMPLES:
        pkg = REPO_ROOT / "models" / name / f"{name}.pkg"
        pipe = pipeline_cost(load_pipeline(REPO_ROOT / "models" / name / "pipeline.yaml"), feats)
        prof = build_profile(pkg, read_model(pkg), cost, pipe, board)
        figures[f"profile.{name}.inference.instructions"] = round(prof.inference)
        figures[f"profile.{name}.window.instructions"] = round(prof.window or 0)
        figures[f"profile.{name}.nrf52840.inference_ms"] = round(prof.ms(prof.inference) or 0, 3)
        figures[f"profile.{name}.nrf52840.cpu_duty.percent"] = round(100 * (prof.duty or 0), 3)
    return figures
