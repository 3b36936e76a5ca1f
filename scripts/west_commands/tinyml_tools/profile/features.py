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
# TFLM's per-element kernels by what one element costs: a clamp, a requantization, a
# fixed-point transcendental; padding and concatenation copy rows.
CLAMP_OPS = {"RELU", "RELU6", "RELU_N1_TO_1"}
REQUANTIZE_OPS = {"QUANTIZE", "DEQUANTIZE"}
TRANSCENDENTAL_OPS = {"LOGISTIC", "TANH"}
ROW_COPY_OPS = {"PAD": "pad", "PADV2": "pad", "CONCATENATION": "concat"}
ELEMENTWISE_OPS = {
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
        # arm_convolve_s8's im2col copies (or pads) one kernel position at a time
        "kpos": pixels * k_h * k_w,
    }
    # arm_convolve_wrapper_s8's branches; int16 activations always run arm_convolve_s16.
    if model.tensors[op.inputs[0]].type_name == "int16":
        kind = "conv"
    elif pad_h == 0 and pad_w == 0 and k_h == 1 and k_w == 1 and dil == (1, 1) and cin == k_c:
        stride_h = _opt(op.options, "strideH")
        kind = "conv_1x1_fast" if stride_w == 1 and stride_h == 1 else "conv_1x1"
    elif in_h == 1 and dil[1] == 1 and k_h == 1 and (stride_w * cin) % 4 == 0 and cin == k_c:
        kind = "conv_1xn"
    else:
        kind = "conv"
    if kind == "conv_1x1":
        # arm_convolve_1x1_s8: one matrix multiply per output row (its own weight sums)
        calls = out[0] * out[1]
        _matmul_counts(counts, out[2], cout, patch, calls)
    else:
        _matmul_counts(counts, pixels, cout, patch)
    return kind, macs, counts


def _matmul_counts(
    counts: dict[str, float], pixels: int, cout: int, patch: int, calls: int = 1
) -> None:
    """The loops of CMSIS-NN's matrix kernels (arm_nn_mat_mult_nt_t_s8,
    arm_nn_mat_mult_kernel_s8_s16): two output channels by two pixels per pass over the patch
    in blocks of 4 (and 16), the rest of the patch one column at a time (`col_tail`), an odd
    channel or pixel on its own (`odd`); first a sum of each channel's weights (`wsum`)."""
    counts["odd"] = calls * (pixels * (cout % 2) * patch + (pixels % 2) * cout * patch)
    counts["col_tail"] = calls * pixels * cout * (patch % 4)
    counts["wsum"] = calls * cout * patch
    counts["mm_calls"] = calls
    # the outputs of an odd last pixel, computed row by row in the leftover path
    counts["odd_out"] = calls * (pixels % 2) * cout


def _valid_taps(size: int, out: int, k: int, stride: int, pad: int, dil: int) -> int:
    """Kernel taps inside the input along one axis, summed over the output positions: what a
    kernel that skips padding (CMSIS-NN's 3x3, multiplier-of-4 and generic depthwise) visits."""
    total = 0
    for o in range(out):
        base = o * stride - pad
        total += sum(1 for t in range(k) if 0 <= base + t * dil < size)
    return total


def _depthwise(model: TfliteModel, op: Operator) -> tuple[str, int, dict[str, float]]:
    """The kernel arm_depthwise_conv_wrapper_s8 picks on a DSP core (no MVE): multiplier 1,
    batch 1, no dilation: 3x3 with padding <= 1 (arm_depthwise_conv_3x3_s8) or the optimised
    one (arm_depthwise_conv_s8_opt, im2col of the whole kernel, padding included); otherwise
    arm_depthwise_conv_s8: its multiplier-of-4 loop (4 output channels per pass) or the generic
    loop (one). The last three skip padded taps (`taps`: kernel taps inside the input, per
    output channel; `rows`: kernel rows visited, per output channel). int16 activations: TFLM
    calls arm_depthwise_conv_s16 whatever the shapes: its multiplier-of-4 or generic loop."""
    n, in_h, in_w, cin = _shape(model, op.inputs[0])
    _, k_h, k_w, cout = _shape(model, op.inputs[1])
    out = _shape(model, op.outputs[0])
    pixels = _elems(out[:-1])
    macs = pixels * cout * k_h * k_w
    mult = cout // cin if cin else 1
    dil = (_opt(op.options, "dilationHFactor"), _opt(op.options, "dilationWFactor"))
    stride = (_opt(op.options, "strideH"), _opt(op.options, "strideW"))
    pad_h, pad_w = _padding(op.options, in_h, in_w, k_h, k_w)
    out_h, out_w = out[1], out[2]
    taps_y = _valid_taps(in_h, out_h, k_h, stride[0], pad_h, dil[0])
    taps_x = _valid_taps(in_w, out_w, k_w, stride[1], pad_w, dil[1])
    int16 = model.tensors[op.inputs[0]].type_name == "int16"
    if mult % 4 == 0 and n == 1 and dil == (1, 1) and (int16 or mult > 1):
        kind = "dw_mult4"
    elif int16:
        kind = "dw"
    elif mult == 1 and n == 1 and dil == (1, 1):
        kind = "dw_3x3" if (k_h, k_w) == (3, 3) and pad_h <= 1 and pad_w <= 1 else "dw_opt"
    else:
        kind = "dw"
    positions = n * taps_y * taps_x  # kernel positions inside the input, over all pixels
    counts: dict[str, float] = {
        "calls": 1,
        "macs": macs,
        "out": pixels * cout,
        "pixels": pixels,
        "out_ch": cout,
        "in": _elems(_shape(model, op.inputs[0])),
        "taps": positions * cout,
        "rows": n * taps_y * out_w * cout,
        # per kernel position, whatever the channels (the optimised kernel's im2col loop)
        "kpos": pixels * k_h * k_w,
        "tpos": positions,
        # the 3x3 and optimised kernels run channels in blocks of 4, then one at a time
        "rem_taps": positions * (cout % 4),
        # the generic loop divides by the dilation for every output element's bounds
        "dilated_out": pixels * cout if dil != (1, 1) else 0,
    }
    return kind, macs, counts


def _fully_connected(model: TfliteModel, op: Operator) -> tuple[str, int, dict[str, float]]:
    units, depth = _shape(model, op.inputs[1])[-2:]
    out = _elems(_shape(model, op.outputs[0]))
    rows = out // units if units else 1
    macs = rows * units * depth
    counts: dict[str, float] = {"calls": 1, "macs": macs, "out": out, "in": rows * depth}
    counts["rows"] = rows
    # kernels/cmsis_nn/fully_connected.cc: an int8 layer with a 3-D (or wider) output and a
    # depth divisible by 4 runs as arm_convolve_1x1_s8_fast (one "pixel" per row).
    out_rank = len(_shape(model, op.outputs[0]))
    int8 = model.tensors[op.inputs[0]].type_name == "int8"
    if int8 and out_rank > 2 and depth % 4 == 0:
        _matmul_counts(counts, rows, units, depth)
        # TFLM fills a per-channel multiplier and shift per unit first (per-tensor weights)
        counts["units"] = units
        return "fc_conv", macs, counts
    return "fc", macs, counts


def _pool(model: TfliteModel, op: Operator, kind: str) -> tuple[str, int, dict[str, float]]:
    """arm_avgpool_s8 / arm_max_pool_s8: per output pixel and kernel position, a pass over
    the channels (`window` elements in all, `kpos` passes)."""
    shape = _shape(model, op.outputs[0])
    out = _elems(shape)
    pixels = _elems(shape[:-1]) if shape else 1
    window = _opt(op.options, "filterHeight") * _opt(op.options, "filterWidth")
    counts: dict[str, float] = {
        "calls": 1,
        "out": out,
        "window": out * window,
        "kpos": pixels * window,
    }
    return kind, 0, counts


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
        # TFLM's reference reduction steps a multi-dimensional index per input element.
        counts["in_rank"] = inp * len(_shape(model, op.inputs[0]))
        return "mean", 0, counts
    if name in CLAMP_OPS:
        return "clamp", 0, counts
    if name in REQUANTIZE_OPS:
        return "requantize", 0, counts
    if name in TRANSCENDENTAL_OPS:
        return "transcendental", 0, counts
    if name in ROW_COPY_OPS:
        return ROW_COPY_OPS[name], 0, counts
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
