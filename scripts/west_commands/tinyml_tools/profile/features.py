"""What each operator of a model does, in the terms the cost model uses.

For every operator: its TFLM name, the CMSIS-NN (or TFLM reference) kernel the Cortex-M4
build runs for it (the same choice as CMSIS-NN's ``arm_*_wrapper_*`` functions and TFLM's
``kernels/cmsis_nn``), shapes and types, constant parameters, MACs, and the counts the cost
model multiplies by its coefficients (elements, im2col elements, output channels, ...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..modelpack import schema
from ..modelpack.cmsis_nn_scratch import _padding
from ..modelpack.tflite_model import Operator, TfliteModel

OP = schema.BuiltinOperator
COPY_OPS = {"RESHAPE", "SQUEEZE", "EXPAND_DIMS"}
ELEMENTWISE_OPS = {
    "QUANTIZE",
    "DEQUANTIZE",
    "LOGISTIC",
    "TANH",
    "RELU",
    "RELU6",
    "HARD_SWISH",
    "LEAKY_RELU",
    "SUB",
    "MAXIMUM",
    "MINIMUM",
    "PRELU",
    "ABS",
    "RSQRT",
    "SQUARED_DIFFERENCE",
}


@dataclass(frozen=True)
class LayerFeatures:
    index: int
    op: str
    kernel: str  # cost-model kind: conv, conv_1x1_fast, dw_3x3, fc, add, ... (suffix _s16)
    input_shapes: tuple[tuple[int, ...], ...]  # non-constant inputs
    input_types: tuple[str, ...]
    output_shapes: tuple[tuple[int, ...], ...]
    output_types: tuple[str, ...]
    params: int  # elements of the constant inputs (weights, bias, ...)
    macs: int
    counts: dict[str, float] = field(default_factory=dict)  # the cost model's variables

    def as_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "kernel": self.kernel,
            "input_shapes": [list(s) for s in self.input_shapes],
            "input_types": list(self.input_types),
            "output_shapes": [list(s) for s in self.output_shapes],
            "output_types": list(self.output_types),
            "params": self.params,
            "macs": self.macs,
            "counts": dict(self.counts),
        }


def _shape(model: TfliteModel, index: int) -> tuple[int, ...]:
    return model.tensors[index].shape if index >= 0 else ()


def _elems(shape: tuple[int, ...]) -> int:
    return math.prod(shape) if shape else 1


def _opt(options: Any, name: str, default: int = 1) -> int:
    return int(getattr(options, name, default) or default)


def _conv(model: TfliteModel, op: Operator) -> tuple[str, int, dict[str, float]]:
    _, in_h, in_w, cin = _shape(model, op.inputs[0])
    cout, k_h, k_w, k_c = _shape(model, op.inputs[1])
    out = _shape(model, op.outputs[0])
    pixels = _elems(out[:-1])
    pad_h, pad_w = _padding(op.options, in_h, in_w, k_h, k_w)
    stride_w = _opt(op.options, "strideW")
    dil = (_opt(op.options, "dilationHFactor"), _opt(op.options, "dilationWFactor"))
    patch = k_h * k_w * k_c
    macs = pixels * cout * patch
    counts: dict[str, float] = {
        "calls": 1,
        "macs": macs,
        "out": pixels * cout,
        "pixels": pixels,
        "out_ch": cout,
        "im2col": pixels * patch,
    }
    if pad_h == 0 and pad_w == 0 and k_h == 1 and k_w == 1 and dil == (1, 1) and cin == k_c:
        stride_h = _opt(op.options, "strideH")
        kind = "conv_1x1_fast" if stride_w == 1 and stride_h == 1 else "conv_1x1"
    elif in_h == 1 and dil[1] == 1 and k_h == 1 and (stride_w * cin) % 4 == 0 and cin == k_c:
        kind = "conv_1xn"
    else:
        kind = "conv"
    # arm_nn_mat_mult_kernel_s8_s16 handles two output channels and two pixels per pass.
    counts["odd"] = pixels * (cout % 2) * patch + (pixels % 2) * cout * patch
    return kind, macs, counts


def _depthwise(model: TfliteModel, op: Operator) -> tuple[str, int, dict[str, float]]:
    n, in_h, in_w, cin = _shape(model, op.inputs[0])
    _, k_h, k_w, cout = _shape(model, op.inputs[1])
    out = _shape(model, op.outputs[0])
    pixels = _elems(out[:-1])
    macs = pixels * cout * k_h * k_w
    mult = cout // cin if cin else 1
    dil = (_opt(op.options, "dilationHFactor"), _opt(op.options, "dilationWFactor"))
    pad_h, pad_w = _padding(op.options, in_h, in_w, k_h, k_w)
    if mult == 1 and n == 1 and dil == (1, 1):
        kind = "dw_3x3" if (k_h, k_w) == (3, 3) and pad_h <= 1 and pad_w <= 1 else "dw_opt"
    else:
        kind = "dw"
    counts: dict[str, float] = {
        "calls": 1,
        "macs": macs,
        "out": pixels * cout,
        "pixels": pixels,
        "out_ch": cout,
        "in": _elems(_shape(model, op.inputs[0])),
    }
    return kind, macs, counts


def _fully_connected(model: TfliteModel, op: Operator) -> tuple[str, int, dict[str, float]]:
    units, depth = _shape(model, op.inputs[1])[-2:]
    out = _elems(_shape(model, op.outputs[0]))
    rows = out // units if units else 1
    macs = rows * units * depth
    counts: dict[str, float] = {"calls": 1, "macs": macs, "out": out, "in": rows * depth}
    counts["rows"] = rows
    return "fc", macs, counts


def _pool(model: TfliteModel, op: Operator, kind: str) -> tuple[str, int, dict[str, float]]:
    out = _elems(_shape(model, op.outputs[0]))
    window = _opt(op.options, "filterHeight") * _opt(op.options, "filterWidth")
    return kind, 0, {"calls": 1, "out": out, "window": out * window}


def _lstm(model: TfliteModel, op: Operator) -> tuple[str, int, dict[str, float]]:
    x = _shape(model, op.inputs[0])
    time_major = bool(getattr(op.options, "timeMajor", False))
    steps, batch = (x[0], x[1]) if time_major else (x[1], x[0])
    n_input = x[-1]
    n_cell = _shape(model, op.inputs[1])[0]  # input-to-input (or -forget) weights [cell, input]
    if op.inputs[1] < 0:
        n_cell = _shape(model, op.inputs[2])[0]
    n_output = _shape(model, op.inputs[5])[-1] if op.inputs[5] >= 0 else n_cell
    macs = steps * batch * 4 * n_cell * (n_input + n_output)
    cells = steps * batch * n_cell
    return "lstm", macs, {"calls": 1, "macs": macs, "steps": steps * batch, "cells": cells}


def _classify(model: TfliteModel, op: Operator) -> tuple[str, int, dict[str, float]]:
    name = op.name
    try:
        if op.code == OP.CONV_2D:
            return _conv(model, op)
        if op.code == OP.DEPTHWISE_CONV_2D:
            return _depthwise(model, op)
        if op.code == OP.FULLY_CONNECTED:
            return _fully_connected(model, op)
        if op.code == OP.AVERAGE_POOL_2D:
            return _pool(model, op, "avgpool")
        if op.code == OP.MAX_POOL_2D:
            return _pool(model, op, "maxpool")
        if op.code == OP.UNIDIRECTIONAL_SEQUENCE_LSTM:
            return _lstm(model, op)
    except (ValueError, IndexError):
        pass  # a malformed operator is costed as "other" below
    out = _elems(_shape(model, op.outputs[0])) if op.outputs else 0
    inp = _elems(_shape(model, op.inputs[0])) if op.inputs else 0
    counts: dict[str, float] = {"calls": 1, "out": out, "in": inp}
    if name in COPY_OPS:
        return "copy", 0, {"calls": 1, "bytes": model.tensors[op.outputs[0]].nbytes}
    if name in ("ADD", "MUL"):
        shapes = {_shape(model, i) for i in op.inputs if i >= 0}
        return (name.lower() if len(shapes) == 1 else f"{name.lower()}_bcast"), 0, counts
    if name == "SOFTMAX":
        shape = _shape(model, op.outputs[0])
        counts["rows"] = out // shape[-1] if shape and shape[-1] else 1
        return "softmax", 0, counts
    if name in ("MEAN", "SUM", "REDUCE_MAX"):
        return "mean", 0, counts
    if name in ELEMENTWISE_OPS:
        return "elementwise", 0, counts
    return "other", 0, counts


def layer_features(model: TfliteModel) -> list[LayerFeatures]:
    layers = []
    for op in model.operators:
        kind, macs, counts = _classify(model, op)
        live = [i for i in op.inputs if i >= 0 and not model.tensors[i].is_constant]
        const = [i for i in op.inputs if i >= 0 and model.tensors[i].is_constant]
        in_type = model.tensors[live[0]].type_name if live else ""
        if in_type == "int16" and kind not in ("copy", "other"):
            kind += "_s16"
        elif in_type == "float32" and kind != "copy":
            kind = "float"
            counts = {"calls": 1, "macs": float(macs), "out": counts.get("out", 0.0)}
        layers.append(
            LayerFeatures(
                index=op.index,
                op=op.name if op.custom_code is None else f"CUSTOM:{op.custom_code}",
                kernel=kind,
                input_shapes=tuple(_shape(model, i) for i in live),
                input_types=tuple(model.tensors[i].type_name for i in live),
                output_shapes=tuple(_shape(model, i) for i in op.outputs if i >= 0),
                output_types=tuple(model.tensors[i].type_name for i in op.outputs if i >= 0),
                params=sum(_elems(_shape(model, i)) for i in const),
                macs=int(macs),
                counts={k: float(v) for k, v in counts.items()},
            )
        )
    return layers
