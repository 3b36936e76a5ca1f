"""Can the firmware run this model? Every refusal names the offending operator or tensor."""

from __future__ import annotations

from dataclasses import dataclass

from . import schema
from .manifest import Manifest
from .op_hints import hint
from .tflite_model import Operator, Tensor, TfliteModel

_FLOAT_TYPES = {schema.TensorType.FLOAT32, schema.TensorType.FLOAT16, schema.TensorType.FLOAT64}
_INT_WEIGHT_TYPES = {schema.TensorType.INT8, schema.TensorType.UINT8, schema.TensorType.INT4}
# Ops whose job is to convert between float and integer at the model's edges.
_CONVERSION_OPS = {schema.BuiltinOperator.QUANTIZE, schema.BuiltinOperator.DEQUANTIZE}


@dataclass(frozen=True)
class CheckResult:
    problems: tuple[str, ...]

    @property
    def compatible(self) -> bool:
        return not self.problems


def _op_tensors(model: TfliteModel, op: Operator) -> list[Tensor]:
    return [model.tensors[i] for i in (*op.inputs, *op.outputs) if i >= 0]


def _float_problem(model: TfliteModel, op: Operator) -> str | None:
    """A float or hybrid computation in a non-conversion op, or None."""
    if op.code in _CONVERSION_OPS:
        return None
    tensors = _op_tensors(model, op)
    activations = [t for t in tensors if not t.is_constant]
    float_acts = [t for t in activations if t.type in _FLOAT_TYPES]
    if not float_acts:
        return None
    int_weights = [t for t in tensors if t.is_constant and t.type in _INT_WEIGHT_TYPES]
    act = float_acts[0]
    if int_weights:
        return (
            f"{op.label()}: hybrid model: {int_weights[0].type_name} weights "
            f"{int_weights[0].label()} with {act.type_name} activations {act.label()}; "
            "quantize fully to int8"
        )
    return (
        f"{op.label()}: float model: computes in {act.type_name} ({act.label()}); "
        "quantize fully to int8"
    )


def _manifest_problems(model: TfliteModel, op: Operator, manifest: Manifest) -> list[str]:
    entry = manifest.find(op.code)
    if entry is None:
        advice = hint(op.name)
        return [
            f"{op.label()}: operator not registered by the firmware ({manifest.path.name})"
            + (f"; hint: {advice}" if advice else "")
        ]
    if not entry.min_version <= op.version <= entry.max_version:
        return [
            f"{op.label()}: op version {op.version} not supported "
            f"(firmware registers {op.name} v{entry.min_version}..v{entry.max_version})"
        ]
    problems = []
    for tensor in _op_tensors(model, op):
        if not (entry.type_mask >> tensor.type) & 1:
            problems.append(
                f"{op.label()}: {tensor.label()} has type {tensor.type_name}; "
                f"{op.name} allows {', '.join(entry.types)}"
            )
    return problems


# No microcontroller this project targets addresses 2 GiB: a tensor that size is a mistake
# (a dimension gone wrong), not a model to size an arena for.
MAX_TENSOR_BYTES = 1 << 31


def _shape_problems(model: TfliteModel) -> list[str]:
    # TFLM runs every tensor at its static `shape`; a -1 in `shape_signature` is only harmless in
    # the leading (batch) dimension, where `shape` holds 1.
    used = {i for op in model.operators for i in (*op.inputs, *op.outputs) if i >= 0}
    used.update(model.inputs)
    used.update(model.outputs)
    problems = []
    for tensor in (model.tensors[i] for i in sorted(used)):
        signature = tensor.shape_signature or tensor.shape
        if any(d < 0 for d in signature[1:]) or any(d <= 0 for d in tensor.shape):
            shown = list(tensor.shape_signature or tensor.shape)
            problems.append(f"{tensor.label()}: dynamic shape {shown}; fix every dimension")
        elif tensor.nbytes >= MAX_TENSOR_BYTES:
            problems.append(
                f"{tensor.label()}: shape {list(tensor.shape)} needs {tensor.nbytes} bytes, "
                "more than a microcontroller can address"
            )
        elif tensor.type == schema.TensorType.FLOAT16:
            problems.append(f"{tensor.label()}: float16 tensor; TFLM has no float16 kernels")
    return problems


def check_model(model: TfliteModel, manifest: Manifest) -> CheckResult:
    problems: list[str] = []
    if model.subgraph_count != 1:
        problems.append(
            f"model has {model.subgraph_count} subgraphs (control flow); the firmware runs one"
        )
    for op in model.operators:
        if op.custom_code is not None:
            problems.append(f"{op.label()}: custom operator; the firmware registers none")
            continue
        float_problem = _float_problem(model, op)
        if float_problem is not None:
            problems.append(float_problem)
            continue
        problems.extend(_manifest_problems(model, op, manifest))
    problems.extend(_shape_problems(model))
    return CheckResult(tuple(problems))
