"""Fitting the cost model to measured per-operator instructions, and scoring it honestly.

Rows are the per-node measurements of the profile rig (data/measured_m4f.json). Per kernel kind
the coefficients are a non-negative least-squares fit of instructions on the kind's counts,
each row weighted by 1/measured so small and large operators count alike (the error that
matters is relative). The framework overhead (Invoke() minus the sum of its nodes) is fitted
across models as a constant plus a per-node term.

`leave_one_model_out` refits without one model's rows at a time and predicts that model's
instructions per inference: the figure `make bench` reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import nnls  # type: ignore[import-untyped]

from .costmodel import CostModel, family_key, variables
from .features import LayerFeatures

MIN_ROWS = 2  # a kind is fitted on its own with at least this many rows...
MIN_MODELS = 3  # ...from at least this many models (else its family stands in)


@dataclass(frozen=True)
class Row:
    model: str
    node: int
    kernel: str
    counts: dict[str, float]
    instructions: float


@dataclass(frozen=True)
class ModelMeasurement:
    model: str
    sha256: str
    invoke_instructions: float
    rows: tuple[Row, ...]
    real: bool  # a quantized model users ship (scored), not a calibration network


def read_measurements(data: dict[str, Any]) -> list[ModelMeasurement]:
    out = []
    for m in data["models"]:
        rows = tuple(
            Row(
                m["model"],
                int(n["node"]),
                str(n["features"]["kernel"]),
                {k: float(v) for k, v in n["features"]["counts"].items()},
                float(n["instructions"]),
            )
            for n in m["nodes"]
        )
        # Scored: the int8 (and int16x8) models users ship; not the synthetic calibration
        # networks, not float models (no CMSIS-NN, outside what the manifest accepts).
        real = not str(m["model"]).startswith("calib_") and all(r.kernel != "float" for r in rows)
        out.append(
            ModelMeasurement(m["model"], m["sha256"], float(m["invoke_instructions"]), rows, real)
        )
    return out


def relative_nnls(
    names: Sequence[str], counts: Sequence[dict[str, float]], measured: Sequence[float]
) -> dict[str, float]:
    """Non-negative coefficients minimising the squared relative error of sum(coef x count)."""
    a = np.array([[c.get(v, 0.0) for v in names] for c in counts], dtype=float)
    b = np.array(measured, dtype=float)
    w = 1.0 / np.maximum(b, 1.0)
    # Counts that are zero on every row carry no information: leave them out of the fit.
    keep = [i for i in range(len(names)) if np.any(a[:, i] != 0.0)]
    if not keep:
        return {}
    scale = np.maximum(np.abs(a[:, keep]).max(axis=0), 1.0)
    x, _ = nnls(a[:, keep] * w[:, None] / scale, b * w)
    coefs = {names[i]: float(x[j] / scale[j]) for j, i in enumerate(keep)}
    return {k: v for k, v in coefs.items() if v != 0.0}


ROWS_PER_VARIABLE = 2  # a kind's counts are fitted only with this many rows per count...


def _fit_kind(kind: str, rows: Sequence[Row]) -> dict[str, float]:
    names = variables(kind)
    if not kind.startswith("family:"):
        # ...else its leading counts (calls, then the dominant one, then the finer ones, in
        # VARIABLES order), at least two: robust with few rows, complete with enough.
        names = names[: max(2, min(len(names), len(rows) // ROWS_PER_VARIABLE))]
    return relative_nnls(names, [r.counts for r in rows], [r.instructions for r in rows])


def _overhead(models: Iterable[ModelMeasurement]) -> tuple[float, float]:
    xs, ys = [], []
    for m in models:
        xs.append([1.0, float(len(m.rows))])
        ys.append(m.invoke_instructions - sum(r.instructions for r in m.rows))
    if not xs:
        return 0.0, 0.0
    x, _ = nnls(np.array(xs), np.array(ys))
    return float(x[0]), float(x[1])


# Kinds whose cost depends on the values: arm_softmax_s8 computes exp() only for the logits
# near the largest, so a trained model's peaked outputs cost a fraction of an untrained
# calibration network's flat ones. Fitted on the trained (real) models' rows when there are
# enough of them.
DATA_DEPENDENT = {"softmax", "softmax_s16"}


def _trained_rows_suffice(models: Sequence[ModelMeasurement], kind: str) -> bool:
    return len({m.sha256 for m in models if m.real for r in m.rows if r.kernel == kind}) >= (
        MIN_MODELS
    )


def fit(models: Sequence[ModelMeasurement], meta: dict[str, Any] | None = None) -> CostModel:
    by_kind: dict[str, list[Row]] = {}
    trained_only = {k for k in DATA_DEPENDENT if _trained_rows_suffice(models, k)}
    for m in models:
        for r in m.rows:
            if r.kernel in trained_only and not m.real:
                continue
            by_kind.setdefault(r.kernel, []).append(r)
            fam = family_key(r.kernel)
            if fam is not None:
                by_kind.setdefault(fam, []).append(r)
    coefs = {
        k: _fit_kind(k, rows)
        for k, rows in sorted(by_kind.items())
        if len(rows) >= MIN_ROWS
        and (len({r.model for r in rows}) >= MIN_MODELS or family_key(k) is None)
    }
    fixed, per_node = _overhead(models)
    return CostModel(coefs, fixed, per_node, dict(meta or {}))


def predict_rows(model: CostModel, rows: Sequence[Row]) -> float:
    total = model.invoke_fixed
    for r in rows:
        layer = LayerFeatures(r.node, "", r.kernel, (), (), (), (), 0, 0, r.counts)
        total += model.layer_cost(layer)[0]
    return total


@dataclass(frozen=True)
class Score:
    model: str
    measured: float
    estimated: float

    @property
    def error(self) -> float:
        return (self.estimated - self.measured) / self.measured


def leave_one_model_out(models: Sequence[ModelMeasurement]) -> list[Score]:
    """For every real model: fit on everything else, predict its instructions per inference."""
    scores = []
    for held in models:
        if not held.real:
            continue
        rest = [m for m in models if m.sha256 != held.sha256]
        cm = fit(rest)
        scores.append(Score(held.model, held.invoke_instructions, predict_rows(cm, held.rows)))
    return scores
