"""The fitted cost model: instructions of one operator on the Cortex-M4F (TFLM + CMSIS-NN).

Each kernel kind (features.py) has coefficients for a few counts (calls, MACs, output
elements, im2col elements, ...): instructions = sum(coefficient x count). The coefficients are
fitted (fit.py) on per-operator instruction counts measured under QEMU (tests/bench/profile_rig)
and committed in data/cost_m4f.json with the TFLM and CMSIS-NN revisions they were measured on.
A kind without measurements of its own borrows a related kind's coefficients (FALLBACK); the
table marks such layers as extrapolated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .features import LayerFeatures

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_MODEL = DATA_DIR / "cost_m4f.json"
MEASURED = DATA_DIR / "measured_m4f.json"

# The counts each kernel kind's cost is linear in (its first entry is always "calls").
VARIABLES: dict[str, tuple[str, ...]] = {
    "conv": ("calls", "macs", "im2col", "kpos", "out", "odd", "col_tail"),
    "conv_1x1_fast": ("calls", "macs", "out", "odd", "col_tail", "wsum", "odd_out"),
    "conv_1x1": ("calls", "macs", "out", "mm_calls", "wsum", "col_tail", "odd"),
    "conv_1xn": ("calls", "macs", "im2col", "kpos", "out", "odd", "col_tail"),
    "dw_3x3": ("calls", "taps", "out", "pixels", "rem_taps", "tpos"),
    "dw_opt": ("calls", "macs", "out", "pixels", "kpos"),
    "dw_mult4": ("calls", "taps", "out", "pixels", "rows", "tpos"),
    "dw": ("calls", "taps", "out", "rows", "dilated_out"),
    "fc": ("calls", "macs", "out", "in"),
    "fc_conv": ("calls", "macs", "out", "wsum", "units", "odd", "col_tail"),
    "avgpool": ("calls", "window", "out", "kpos"),
    "maxpool": ("calls", "window", "out", "kpos"),
    "add": ("calls", "out"),
    "mul": ("calls", "out"),
    "add_bcast": ("calls", "out"),
    "mul_bcast": ("calls", "out"),
    "softmax": ("calls", "out"),
    "mean": ("calls", "in_rank", "out", "in"),
    "copy": ("calls", "bytes"),
    "lstm": ("calls", "macs", "steps", "cells"),
    "elementwise": ("calls", "out"),
    "clamp": ("calls", "out"),
    "requantize": ("calls", "out"),
    "transcendental": ("calls", "out"),
    "pad": ("calls", "out", "in"),
    "concat": ("calls", "out"),
    "float": ("calls", "macs", "out"),
    "other": ("calls", "in", "out"),
}
# A kind with no coefficients of its own uses the first of these that has some.
FALLBACK: dict[str, tuple[str, ...]] = {
    "conv_1x1": ("conv_1x1_fast", "conv"),
    "conv_1x1_fast": ("conv",),
    "conv_1xn": ("conv",),
    "dw_opt": ("dw_3x3",),
    "dw_3x3": ("dw_opt",),
    "dw_mult4": ("dw",),
    "dw": ("dw_mult4",),
    "fc_conv": ("conv_1x1_fast", "fc"),
    "add_bcast": ("add", "elementwise"),
    "mul_bcast": ("mul", "elementwise"),
    "add": ("elementwise",),
    "mul": ("elementwise",),
    "maxpool": ("avgpool",),
    "avgpool": ("maxpool",),
    "mean": ("other",),
    "elementwise": ("other",),
    "clamp": ("elementwise",),
    "requantize": ("elementwise",),
    "transcendental": ("elementwise",),
    "pad": ("other",),
    "concat": ("other",),
}


# Kinds that share most of their code; a family's coefficients are fitted on all its kinds'
# rows and stand in for a kind measured on too few models.
FAMILY: dict[str, str] = {
    "conv": "conv",
    "conv_1x1_fast": "conv",
    "conv_1x1": "conv",
    "conv_1xn": "conv",
    "fc_conv": "conv",
    "dw_3x3": "dw",
    "dw_opt": "dw",
    "dw_mult4": "dwgen",
    "dw": "dwgen",
    "add": "eltwise",
    "mul": "eltwise",
    "add_bcast": "eltwise",
    "mul_bcast": "eltwise",
    "elementwise": "eltwise",
    "avgpool": "pool",
    "maxpool": "pool",
}
FAMILY_VARIABLES: dict[str, tuple[str, ...]] = {
    "conv": ("calls", "macs", "out"),
    "dw": ("calls", "out", "pixels"),
    "dwgen": ("calls", "taps", "out"),
    "eltwise": ("calls", "out"),
    "pool": ("calls", "window", "out"),
}


def family_key(kind: str) -> str | None:
    base = kind.removesuffix("_s16")
    fam = FAMILY.get(base)
    if fam is None:
        return None
    return f"family:{fam}" + ("_s16" if kind.endswith("_s16") else "")


def variables(kind: str) -> tuple[str, ...]:
    if kind.startswith("family:"):
        return FAMILY_VARIABLES[kind.removeprefix("family:").removesuffix("_s16")]
    base = kind.removesuffix("_s16")
    return VARIABLES.get(base, VARIABLES["other"])


@dataclass(frozen=True)
class CostModel:
    """Coefficients per kernel kind plus the per-inference and per-node framework overhead."""

    coefficients: dict[str, dict[str, float]]
    invoke_fixed: float  # instructions of Invoke() itself, per inference
    invoke_per_node: float  # interpreter loop and ResetTempAllocations, per node
    meta: dict[str, Any]

    def resolve(self, kind: str) -> tuple[str, dict[str, float]]:
        """The kind whose coefficients cost ``kind`` (itself, a fallback, or "other")."""
        chain = [kind]
        fam = family_key(kind)
        if fam is not None:
            chain.append(fam)
        if kind.endswith("_s16"):
            base = kind.removesuffix("_s16")
            chain += [f"{k}_s16" for k in FALLBACK.get(base, ())] + [base]
            fam = family_key(base)
            if fam is not None:
                chain.append(fam)
        chain += list(FALLBACK.get(kind.removesuffix("_s16"), ()))
        chain.append("other")
        for name in chain:
            if name in self.coefficients:
                return name, self.coefficients[name]
        return "other", {}

    def layer_cost(self, layer: LayerFeatures) -> tuple[float, str]:
        used, coefs = self.resolve(layer.kernel)
        names = variables(used)
        cost = sum(coefs.get(v, 0.0) * layer.counts.get(v, 0.0) for v in names)
        return max(cost, 0.0) + self.invoke_per_node, used

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.meta,
            "invoke_fixed": self.invoke_fixed,
            "invoke_per_node": self.invoke_per_node,
            "coefficients": self.coefficients,
        }


def from_dict(data: dict[str, Any], source: str | Path = "cost model") -> CostModel:
    try:
        coefs = {
            str(kind): {str(k): float(v) for k, v in values.items()}
            for kind, values in data["coefficients"].items()
        }
        fixed = float(data["invoke_fixed"])
        per_node = float(data["invoke_per_node"])
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise InputError(source, f"not a cost model ({err})") from None
    meta = {
        k: v
        for k, v in data.items()
        if k not in ("coefficients", "invoke_fixed", "invoke_per_node")
    }
    return CostModel(coefs, fixed, per_node, meta)


def load_cost_model(path: Path = DEFAULT_MODEL) -> CostModel:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(path, "no such cost model") from None
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(path, f"unreadable cost model ({err})") from None
    if not isinstance(data, dict):
        raise InputError(path, "not a cost model (expected a JSON object)")
    return from_dict(data, path)
