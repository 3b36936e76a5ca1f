"""Small TFLite models written with the schema's object API, for model-pack tests.

No test lives here: the helpers build exactly the defects each refusal test needs (a custom op,
an unsupported op version, a float or hybrid op, a dynamic shape) without TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import flatbuffers
import numpy as np

from tinyml_tools.modelpack import schema
from tinyml_tools.modelpack.schema import tfl

INT8 = schema.TensorType.INT8
INT32 = schema.TensorType.INT32
INT16 = schema.TensorType.INT16
FLOAT32 = schema.TensorType.FLOAT32


@dataclass
class Graph:
    """A one-subgraph model under construction."""

    tensors: list[tfl.TensorT] = field(default_factory=list)
    buffers: list[tfl.BufferT] = field(default_factory=lambda: [tfl.BufferT()])
    opcodes: list[tfl.OperatorCodeT] = field(default_factory=list)
    operators: list[tfl.OperatorT] = field(default_factory=list)

    def tensor(
        self,
        shape: list[int],
        type_: int = INT8,
        data: np.ndarray | None = None,
        signature: list[int] | None = None,
        name: str = "",
        scale: float = 0.05,
    ) -> int:
        t = tfl.TensorT()
        t.shape = shape
        t.shapeSignature = signature
        t.type = type_
        t.name = name or f"t{len(self.tensors)}"
        if type_ in (INT8, INT16, INT32):
            q = tfl.QuantizationParametersT()
            q.scale = [scale]
            q.zeroPoint = [0]
            t.quantization = q
        t.buffer = 0
        if data is not None:
            buf = tfl.BufferT()
            buf.data = np.frombuffer(np.ascontiguousarray(data).tobytes(), dtype=np.uint8)
            self.buffers.append(buf)
            t.buffer = len(self.buffers) - 1
        self.tensors.append(t)
        return len(self.tensors) - 1

    def op(
        self,
        code: int,
        inputs: list[int],
        outputs: list[int],
        version: int = 1,
        custom: str | None = None,
        options: tuple[int, object] | None = None,
    ) -> None:
        for i, oc in enumerate(self.opcodes):
            if oc.builtinCode == code and oc.version == version and oc.customCode == custom:
                index = i
                break
        else:
            oc = tfl.OperatorCodeT()
            oc.builtinCode = code
            oc.deprecatedBuiltinCode = min(code, 127)
            oc.version = version
            oc.customCode = custom
            self.opcodes.append(oc)
            index = len(self.opcodes) - 1
        op = tfl.OperatorT()
        op.opcodeIndex = index
        op.inputs = inputs
        op.outputs = outputs
        if options is not None:
            op.builtinOptionsType, op.builtinOptions = options
        self.operators.append(op)

    def fully_connected(
        self, x: int, units: int, type_: int = INT8, weights_type: int = INT8, version: int = 4
    ) -> int:
        n = self.tensors[x].shape[-1]
        rng = np.random.default_rng(units * 1000 + n)
        wdtype = np.float32 if weights_type == FLOAT32 else np.int8
        weights = self.tensor(
            [units, n], weights_type, rng.integers(-20, 20, (units, n)).astype(wdtype)
        )
        bias_type = FLOAT32 if type_ == FLOAT32 else INT32
        bias = self.tensor(
            [units],
            bias_type,
            np.zeros(units, np.float32 if type_ == FLOAT32 else np.int32),
            scale=0.05 * 0.05,
        )
        out = self.tensor([1, units], type_)
        opts = tfl.FullyConnectedOptionsT()
        self.op(
            schema.BuiltinOperator.FULLY_CONNECTED,
            [x, weights, bias],
            [out],
            version,
            options=(tfl.BuiltinOptions.FullyConnectedOptions, opts),
        )
        return out

    def add(self, a: int, b: int) -> int:
        out = self.tensor(list(self.tensors[a].shape), self.tensors[a].type)
        self.op(
            schema.BuiltinOperator.ADD,
            [a, b],
            [out],
            1,
            options=(tfl.BuiltinOptions.AddOptions, tfl.AddOptionsT()),
        )
        return out

    def finish(self, inputs: list[int], outputs: list[int]) -> bytes:
        sub = tfl.SubGraphT()
        sub.tensors = self.tensors
        sub.operators = self.operators
        sub.inputs = inputs
        sub.outputs = outputs
        sub.name = "main"
        model = tfl.ModelT()
        model.version = 3
        model.operatorCodes = self.opcodes
        model.subgraphs = [sub]
        model.buffers = self.buffers
        model.description = "model-pack test model"
        builder = flatbuffers.Builder(1024)
        builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())


def mlp(units: tuple[int, ...] = (16, 4), type_: int = INT8, weights_type: int = INT8) -> bytes:
    """A dense int8 classifier: input [1, 8] -> FC ... -> [1, units[-1]]."""
    g = Graph()
    x = g.tensor([1, 8], type_, name="input")
    first = x
    for u in units:
        x = g.fully_connected(x, u, type_, weights_type)
    return g.finish([first], [x])


def gap_model() -> bytes:
    """A branching int8 graph where TFLM's largest-first planner needs 512 B of activations but
    480 B suffice (found by a seeded search over small graphs)."""
    g = Graph()
    x0 = g.tensor([1, 48], name="input")
    x1 = g.fully_connected(x0, 32)
    g.fully_connected(x1, 192)  # a side output nobody reads
    x3 = g.fully_connected(x1, 160)
    b = g.fully_connected(x1, 160)
    out = g.fully_connected(g.add(x3, b), 4)
    return g.finish([x0], [out])
