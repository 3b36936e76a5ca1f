"""Cost figures of an int8 model from its flatbuffer: parameters (constant tensor elements) and
multiply-accumulates per inference (convolutions and fully connected layers by their weight
shapes; elementwise ops count one per output element)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..modelpack.tflite_model import load_tflite

_WEIGHTED = {"FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D"}
_ELEMENTWISE = {"ADD", "MUL", "LOGISTIC", "TANH", "RELU", "RELU6", "SOFTMAX", "MEAN"}


@dataclass(frozen=True)
class ModelCost:
    parameters: int
    macs: int


def model_cost(path: Path, data: bytes | None = None) -> ModelCost:
    model = load_tflite(path, data)
    params = sum(
        math.prod(t.shape) for t in model.tensors if t.is_constant and t.type in (9, 2)
    )  # int8 weights, int32 biases
    macs = 0
    for op in model.operators:
        name = op.name
        if name in _WEIGHTED:
            weights = model.tensors[op.inputs[1]]
            out = model.tensors[op.outputs[0]]
            if name == "FULLY_CONNECTED":
                rows = math.prod(out.shape[:-1]) if len(out.shape) > 1 else 1
                macs += rows * math.prod(weights.shape)
            else:
                spatial = math.prod(out.shape[1:-1]) if len(out.shape) > 2 else 1
                macs += spatial * math.prod(weights.shape)
        elif name in _ELEMENTWISE:
            macs += math.prod(model.tensors[op.outputs[0]].shape)
    return ModelCost(int(params), int(macs))
