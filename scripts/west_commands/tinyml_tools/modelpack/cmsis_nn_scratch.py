"""Scratch buffers the CMSIS-NN kernels request on a Cortex-M4/M7/M33 (DSP, no MVE).

Each function mirrors the ``arm_*_get_buffer_size`` function of CMSIS-NN that TFLM's
``kernels/cmsis_nn/*.cc`` Prepare calls, for the int8 case and the ``ARM_MATH_DSP`` build:

- CONV_2D: ``arm_convolve_wrapper_s8_get_buffer_size_dsp``: 0 for a 1x1 conv without padding,
  stride 1 (``arm_convolve_1x1_s8_fast``, GCC build), else
  ``arm_convolve_s8_get_buffer_size`` = 2 * align4(kw * kh * cin) * sizeof(int16).
- DEPTHWISE_CONV_2D: ``arm_depthwise_conv_wrapper_s8_get_buffer_size_dsp``: 0 unless
  cin == cout, batch 1 and no dilation; then 0 for 3x3 with padding <= 1, else
  cin * kw * kh * sizeof(int16).
- AVERAGE_POOL_2D: ``arm_avgpool_s8_get_buffer_size_dsp`` = channels * sizeof(int32).
- FULLY_CONNECTED: ``arm_fully_connected_s8_get_buffer_size_dsp`` = 0.
- MEAN and SUM (TFLM's reference ``reduce_common.cc`` PrepareMeanOrSumHelper, no CMSIS-NN
  kernel): for int8 and int16 inputs one int32 accumulator per output element; none for float.
- REDUCE_MAX (PrepareMaxHelper): an int per input dimension, then an int per reduced axis.

int16 activations (16x8 models): CONV_2D ``arm_convolve_wrapper_s16_get_buffer_size`` =
2 * cin * kw * kh * sizeof(int16), 1x1 included; DEPTHWISE_CONV_2D none (TFLM requests a buffer
for int8 inputs only); AVERAGE_POOL_2D ``arm_avgpool_s16_get_buffer_size`` = channels * 4.
FULLY_CONNECTED int8 whose output has more than 2 dimensions and a depth divisible by 4 runs as
a 1x1 convolution: with per-tensor weights TFLM requests 2 * output depth * sizeof(int32) for
the faked per-channel multipliers. UNIDIRECTIONAL_SEQUENCE_LSTM (``kernels/cmsis_nn``): three
int16 buffers of batch * cell units for an int16 cell state (four otherwise).
"""

from __future__ import annotations

import math
from typing import Any

from . import schema
from .tflite_model import Operator, TfliteModel

_SAME = 0  # schema Padding.SAME


def _dims(model: TfliteModel, index: int) -> tuple[int, ...]:
    return model.tensors[index].shape if index >= 0 else ()


def _opt(options: Any, name: str) -> int:
    """An integer builtin option; TFLM's defaults (1) when the model leaves it out."""
    return int(getattr(options, name, 1) or 1)


def _padding(options: Any, in_h: int, in_w: int, k_h: int, k_w: int) -> tuple[int, int]:
    if getattr(options, "padding", _SAME) != _SAME:
        return 0, 0
    pads = []
    for size, k, stride, dil in (
        (in_h, k_h, max(1, _opt(options, "strideH")), _opt(options, "dilationHFactor")),
        (in_w, k_w, max(1, _opt(options, "strideW")), _opt(options, "dilationWFactor")),
    ):
        out = (size + stride - 1) // stride
        total = max(0, (out - 1) * stride + (k - 1) * dil + 1 - size)
        pads.append(total // 2)
    return pads[0], pads[1]


def _align4(n: int) -> int:
    return (n + 3) & ~3


def scratch_requests(model: TfliteModel, op: Operator) -> list[int]:
    """Bytes of each scratch buffer the kernel of ``op`` requests, in request order.

    An operator without the tensors its kernel expects (which TFLM's Prepare would reject)
    requests nothing here."""
    try:
        return _requests(model, op)
    except (ValueError, IndexError):
        return []


def _type(model: TfliteModel, index: int) -> int:
    return model.tensors[index].type if index >= 0 else -1


def lstm_units(model: TfliteModel, op: Operator) -> tuple[int, int]:
    """(batch, cell units) of an UNIDIRECTIONAL_SEQUENCE_LSTM, from its cell state tensor."""
    cell = _dims(model, op.inputs[19]) if len(op.inputs) > 19 else ()
    if len(cell) < 2:
        raise ValueError("LSTM without a 2-D cell state")
    return cell[0], cell[1]


def _requests(model: TfliteModel, op: Operator) -> list[int]:
    if op.code == schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM:
        batch, units = lstm_units(model, op)
        cell_type = _type(model, op.inputs[19])
        elem = 2 if cell_type == schema.TensorType.INT16 else 4
        count = 3 if cell_type == schema.TensorType.INT16 else 4
        return [batch * units * elem] * count
    if op.code in (schema.BuiltinOperator.MEAN, schema.BuiltinOperator.SUM):
        if _type(model, op.inputs[0]) not in (schema.TensorType.INT8, schema.TensorType.INT16):
            return []
        return [4 * math.prod(_dims(model, op.outputs[0]))]
    if op.code == schema.BuiltinOperator.REDUCE_MAX:
        rank = len(_dims(model, op.inputs[0]))
        axes = math.prod(_dims(model, op.inputs[1])) if _dims(model, op.inputs[1]) else 1
        return [4 * rank, 4 * axes]
    size = _single_scratch(model, op)
    return [size] if size > 0 else []


def _single_scratch(model: TfliteModel, op: Operator) -> int:
    code = op.code
    int16 = _type(model, op.inputs[0]) == schema.TensorType.INT16
    if code == schema.BuiltinOperator.FULLY_CONNECTED:
        return _fc_scratch(model, op)
    if code == schema.BuiltinOperator.CONV_2D:
        n, in_h, in_w, cin = _dims(model, op.inputs[0])
        _, k_h, k_w, _ = _dims(model, op.inputs[1])
        if int16:
            bias = _type(model, op.inputs[2]) if len(op.inputs) > 2 else -1
            if bias in (schema.TensorType.INT64, -1):
                return 2 * cin * k_w * k_h * 2
            return 0  # int32 bias: TFLM's reference kernel, no buffer
        pad_h, pad_w = _padding(op.options, in_h, in_w, k_h, k_w)
        if k_h == 1 and k_w == 1 and pad_h == 0 and pad_w == 0:
            return 0  # 1x1: arm_convolve_1x1_s8(_fast) needs no buffer in the GCC/DSP build
        return 2 * _align4(k_w * k_h * cin) * 2
    if code == schema.BuiltinOperator.DEPTHWISE_CONV_2D:
        if int16:
            return 0
        n, in_h, in_w, cin = _dims(model, op.inputs[0])
        _, k_h, k_w, cout = _dims(model, op.inputs[1])
        opts = op.options
        dilated = _opt(opts, "dilationHFactor") != 1 or _opt(opts, "dilationWFactor") != 1
        if cin != cout or n != 1 or dilated:
            return 0
        pad_h, pad_w = _padding(opts, in_h, in_w, k_h, k_w)
        if k_h == 3 and k_w == 3 and pad_h <= 1 and pad_w <= 1:
            return 0
        return cin * k_w * k_h * 2
    if code == schema.BuiltinOperator.AVERAGE_POOL_2D:
        return _dims(model, op.outputs[0])[-1] * 4
    return 0


def _fc_scratch(model: TfliteModel, op: Operator) -> int:
    if _type(model, op.inputs[0]) != schema.TensorType.INT8:
        return 0
    weights = model.tensors[op.inputs[1]]
    depth = weights.shape[-1] if weights.shape else 0
    out_rank = len(_dims(model, op.outputs[0]))
    if out_rank > 2 and depth % 4 == 0 and len(weights.scales) <= 1:
        return 2 * weights.shape[0] * 4
    return 0
