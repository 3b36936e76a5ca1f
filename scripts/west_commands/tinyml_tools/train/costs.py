"""Cost of each template on a pipeline, without training: parameters (Keras), MACs per
inference (from the int8 flatbuffer) and the TFLM arena (the packer's estimate for Cortex-M
with CMSIS-NN). Weights are untrained; none of the three depends on their values."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..features.pipeline import load_pipeline
from ..modelpack.arena import estimate_arena
from ..modelpack.tflite_model import load_tflite
from .export import export
from .macs import model_cost
from .templates import AUTOENCODER, TEMPLATES, Norm


@dataclass(frozen=True)
class TemplateCost:
    parameters: int
    macs: int
    arena_bytes: int
    int8_bytes: int


def template_costs(pipeline: Path, frames: int, n_classes: int) -> dict[str, TemplateCost]:
    from ..replay.training import keras

    cfg = load_pipeline(pipeline)
    n = cfg.feature_count
    norm = Norm(np.full(n, 1e-3, np.float32), np.zeros(n, np.float32))
    rep = np.random.default_rng(0).normal(0, 1000, (64, frames, n)).astype(np.float32)
    out: dict[str, TemplateCost] = {}
    k = keras()
    for name, template in TEMPLATES.items():
        n_out = frames * n if template.kind == AUTOENCODER else n_classes
        model = template.build(k, (frames, n), n_out, norm, None)
        with tempfile.TemporaryDirectory() as tmp:
            int8, flt = Path(tmp) / "m.tflite", Path(tmp) / "f.tflite"
            params = export(template, model, (frames, n), n_out, norm, False, rep, int8, flt)
            cost = model_cost(int8)
            arena = estimate_arena(load_tflite(int8)).figures.total
            out[name] = TemplateCost(params, cost.macs, int(arena), int8.stat().st_size)
    return out
