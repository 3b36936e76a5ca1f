"""A .tflite flatbuffer read into plain dataclasses (the installed TFLite schema module parses).

Everything the checks and the arena planner need, nothing else. A file that is not a complete,
self-consistent TFLite flatbuffer raises InputError naming the file and the defect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from . import schema
from .files import read_input

FILE_IDENTIFIER = b"TFL3"
OFFLINE_PLAN_METADATA = "OfflineMemoryAllocation"


@dataclass(frozen=True)
class Tensor:
    index: int
    name: str
    type: int
    shape: tuple[int, ...]
    shape_signature: tuple[int, ...]
    buffer: int
    is_constant: bool  # backed by data in the flatbuffer
    is_variable: bool
    scales: tuple[float, ...]
    zero_points: tuple[int, ...]

    @property
    def type_name(self) -> str:
        return schema.type_name(self.type)

    @property
    def nbytes(self) -> int:
        elem = schema.TYPE_SIZES.get(self.type, 1)
        return math.prod(self.shape) * elem if self.shape else elem

    def label(self) -> str:
        return f"tensor #{self.index} '{self.name}'"


@dataclass(frozen=True)
class Operator:
    index: int
    code: int  # BuiltinOperator
    version: int
    custom_code: str | None
    inputs: tuple[int, ...]  # -1 = optional input left out
    outputs: tuple[int, ...]
    intermediates: tuple[int, ...]
    options: Any  # the schema's builtin options object (for kernel scratch sizes)

    @property
    def name(self) -> str:
        return schema.op_name(self.code)

    @property
    def spec(self) -> str:
        return f"{self.name}:v{self.version}"

    def label(self) -> str:
        if self.custom_code is not None:
            return f"operator #{self.index} CUSTOM '{self.custom_code}'"
        return f"operator #{self.index} {self.spec}"


@dataclass(frozen=True)
class TfliteModel:
    path: Path
    data: bytes
    tensors: tuple[Tensor, ...]
    operators: tuple[Operator, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    subgraph_count: int
    metadata_names: tuple[str, ...]
    model_t: Any  # schema ModelT, for rewriting (offline memory plan)

    def offline_offsets(self) -> list[int] | None:
        """Per-tensor offsets of an embedded OfflineMemoryAllocation plan (-1 online), or None."""
        for meta in self.model_t.metadata or []:
            if _decode(meta.name) == OFFLINE_PLAN_METADATA:
                raw = bytes(np.asarray(self.model_t.buffers[meta.buffer].data, dtype=np.uint8))
                words = np.frombuffer(raw, dtype="<i4")
                return [int(w) for w in words[3 : 3 + int(words[2])]]
        return None

    def op_specs(self) -> list[str]:
        seen: dict[str, None] = {}
        for op in self.operators:
            seen.setdefault(op.spec if op.custom_code is None else f"CUSTOM:{op.custom_code}")
        return list(seen)


def _as_tuple(values: Any) -> tuple[int, ...]:
    if values is None:
        return ()
    return tuple(int(v) for v in values)


def _decode(raw: Any) -> str:
    if raw is None:
        return ""
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def load_tflite(path: str | Path, data: bytes | None = None) -> TfliteModel:
    file = Path(path)
    if data is None:
        data = read_input(file)
    if len(data) < 16 or data[4:8] != FILE_IDENTIFIER:
        raise InputError(file, "not a TFLite model (no 'TFL3' flatbuffer identifier)")
    root = int.from_bytes(data[:4], "little")
    if root + 4 > len(data):
        raise InputError(file, "truncated TFLite model (root table beyond the end of the file)")
    try:
        model_t = schema.ModelT.InitFromPackedBuf(data, 0)
        return _from_model_t(file, data, model_t)
    except InputError:
        raise
    except Exception as err:  # the flatbuffer reader fails in many ways on corrupt input
        raise InputError(
            file, f"corrupt or truncated TFLite model ({type(err).__name__})"
        ) from None


def _from_model_t(file: Path, data: bytes, model_t: Any) -> TfliteModel:
    subgraphs = model_t.subgraphs or []
    if not subgraphs:
        raise InputError(file, "corrupt TFLite model: no subgraph")
    sub = subgraphs[0]
    buffers = model_t.buffers or []
    opcodes = model_t.operatorCodes or []
    tensors: list[Tensor] = []
    for i, t in enumerate(sub.tensors or []):
        if not 0 <= t.buffer < max(len(buffers), 1):
            raise InputError(file, f"corrupt TFLite model: tensor #{i} names buffer {t.buffer}")
        if schema.type_name(int(t.type)).startswith("type") or not 0 <= t.type < 32:
            raise InputError(file, f"corrupt TFLite model: tensor #{i} has unknown type {t.type}")
        buf = buffers[t.buffer] if buffers else None
        has_data = buf is not None and (
            (buf.data is not None and len(buf.data) > 0) or (buf.size or 0) > 0
        )
        quant = t.quantization
        tensors.append(
            Tensor(
                index=i,
                name=_decode(t.name),
                type=int(t.type),
                shape=_as_tuple(t.shape),
                shape_signature=_as_tuple(t.shapeSignature),
                buffer=int(t.buffer),
                is_constant=bool(has_data),
                is_variable=bool(t.isVariable),
                scales=tuple(
                    float(s) for s in (quant.scale if quant and quant.scale is not None else [])
                ),
                zero_points=_as_tuple(quant.zeroPoint if quant else None),
            )
        )
    operators: list[Operator] = []
    for i, op in enumerate(sub.operators or []):
        if not 0 <= op.opcodeIndex < len(opcodes):
            raise InputError(file, f"corrupt TFLite model: operator #{i} has no operator code")
        code_t = opcodes[op.opcodeIndex]
        code = max(int(code_t.builtinCode), int(code_t.deprecatedBuiltinCode))
        custom = _decode(code_t.customCode) if code == schema.BuiltinOperator.CUSTOM else None
        ins, outs = _as_tuple(op.inputs), _as_tuple(op.outputs)
        for idx in (*ins, *outs):
            if not -1 <= idx < len(tensors):
                raise InputError(file, f"corrupt TFLite model: operator #{i} uses tensor {idx}")
        operators.append(
            Operator(
                index=i,
                code=code,
                version=int(code_t.version),
                custom_code=custom,
                inputs=ins,
                outputs=outs,
                intermediates=_as_tuple(op.intermediates),
                options=op.builtinOptions,
            )
        )
    inputs, outputs = _as_tuple(sub.inputs), _as_tuple(sub.outputs)
    for idx in (*inputs, *outputs):
        if not 0 <= idx < len(tensors):
            raise InputError(file, f"corrupt TFLite model: subgraph input/output {idx}")
    metadata = tuple(_decode(m.name) for m in (model_t.metadata or []))
    return TfliteModel(
        path=file,
        data=data,
        tensors=tuple(tensors),
        operators=tuple(operators),
        inputs=inputs,
        outputs=outputs,
        subgraph_count=len(subgraphs),
        metadata_names=metadata,
        model_t=model_t,
    )
