"""The TFLM tensor arena a model needs on a 32-bit Cortex-M with CMSIS-NN kernels.

head: activations and kernel scratch, placed like TFLM's GreedyMemoryPlanner (same lifetimes,
16-byte aligned sizes, largest first, first fit) -- or at the offsets of an embedded offline
plan. tail: persistent allocations, from the 32-bit sizes of TFLM's structs and of each
CMSIS-NN kernel's OpData (docs/model-pack.md lists them and where they come from). The
figure is the larger of head + tail and the peak while TFLM plans memory (its AllocationInfo
array and the planner's working arrays sit above the tail then). Checked against TFLM + CMSIS-NN
built for the emulated Cortex-M4F (docs/model-pack.md, "Arena").
"""

from __future__ import annotations

from dataclasses import dataclass

from . import schema
from .cmsis_nn_scratch import scratch_requests
from .metadata import Arena
from .tflite_model import Operator, TfliteModel

ALIGN = 16  # MicroArenaBufferAlignment()

# 32-bit sizes (arm-none-eabi, TFLM with TF_LITE_STATIC_MEMORY).
SIZEOF_EVAL_TENSOR = 12  # TfLiteEvalTensor
SIZEOF_NODE_AND_REGISTRATION = 32  # TfLiteNode (28) + registration pointer
SIZEOF_TFLITE_TENSOR = 32  # persistent TfLiteTensor of each model input/output
SIZEOF_IO_QUANTIZATION = 20  # TfLiteAffineQuantization (12) + zero_point TfLiteIntArray (8)
SIZEOF_ALLOCATION_INFO = 24  # AllocationInfo, temporary while planning
PLANNER_BYTES_PER_BUFFER = 40  # GreedyMemoryPlanner::per_buffer_size()
SIZEOF_SCRATCH_HANDLE = 4  # ScratchBufferHandle
# Allocator, planner and interpreter-context objects TFLM places in the tail whatever the model
# (MicroAllocator, GreedyMemoryPlanner, buffer allocators, SubgraphAllocations, MicroGraph):
# 73..107 bytes measured on the Cortex-M4F build for six models, rounded up.
TAIL_FIXED = 112
SIZEOF_SCRATCH_REQUEST = 12  # internal::ScratchBufferRequest, kept in the head while planning
MAX_SCRATCH_PER_OP = 12  # kMaxScratchBuffersPerOp: request slots TFLM keeps free in the head
SIZEOF_AFFINE_QUANTIZATION = 12  # TfLiteAffineQuantization (scale, zero_point, dimension)
PLANNING_SLACK = 32  # alignment of the temporary arrays; measured 28 on every model

# Persistent OpData of each kernel (TFLM kernels/cmsis_nn/*.cc and the reference kernels),
# 32-bit: op -> bytes. Ops not listed allocate at most OPDATA_DEFAULT.
OPDATA_BYTES: dict[int, int] = {
    schema.BuiltinOperator.FULLY_CONNECTED: 72,
    schema.BuiltinOperator.CONV_2D: 60,
    schema.BuiltinOperator.DEPTHWISE_CONV_2D: 60,
    schema.BuiltinOperator.AVERAGE_POOL_2D: 36,
    schema.BuiltinOperator.MAX_POOL_2D: 36,
    schema.BuiltinOperator.SOFTMAX: 64,
    schema.BuiltinOperator.MEAN: 44,
    schema.BuiltinOperator.ADD: 64,  # kernels/cmsis_nn/add.cc OpData (measured: knock)
    schema.BuiltinOperator.MUL: 48,  # OpDataMul (mul_common.cc)
    schema.BuiltinOperator.LOGISTIC: 16,  # OpDataLogistic (logistic.h; measured: calib_reduce_*)
    # measured on calib_ops_* (PAD, CONCATENATION, RELU or RELU6, TANH):
    schema.BuiltinOperator.TANH: 16,  # tanh.cc OpData, 4 ints
    schema.BuiltinOperator.PAD: 56,  # pad.cc OpData: PadParams + output zero point
    schema.BuiltinOperator.PADV2: 56,
    schema.BuiltinOperator.CONCATENATION: 24,  # ConcatenationParams
    schema.BuiltinOperator.RELU: 36,  # ReluOpData: ReluParams (ActivationParams + 4 ints)
    schema.BuiltinOperator.RELU6: 8,  # Relu6OpData: two int32
    schema.BuiltinOperator.RESHAPE: 0,
    schema.BuiltinOperator.SQUEEZE: 0,
    schema.BuiltinOperator.EXPAND_DIMS: 0,
}
OPDATA_DEFAULT = 96
# Builtin option structs (TfLiteXxxParams) the flatbuffer parser allocates per op, 32-bit with
# arm-none-eabi's short enums (TfLitePadding, TfLiteFusedActivation, TfLiteType are 1 byte).
PARAMS_BYTES: dict[int, int] = {
    schema.BuiltinOperator.FULLY_CONNECTED: 5,
    schema.BuiltinOperator.CONV_2D: 28,
    schema.BuiltinOperator.DEPTHWISE_CONV_2D: 28,
    schema.BuiltinOperator.AVERAGE_POOL_2D: 40,
    schema.BuiltinOperator.MAX_POOL_2D: 40,
    schema.BuiltinOperator.SOFTMAX: 4,
    schema.BuiltinOperator.RESHAPE: 36,
    schema.BuiltinOperator.MEAN: 1,
    schema.BuiltinOperator.ADD: 2,
    schema.BuiltinOperator.MUL: 1,
    schema.BuiltinOperator.LOGISTIC: 0,  # ParseLogistic allocates no options
    schema.BuiltinOperator.TANH: 0,
    schema.BuiltinOperator.PAD: 0,
    schema.BuiltinOperator.PADV2: 0,
    schema.BuiltinOperator.RELU: 0,
    schema.BuiltinOperator.RELU6: 0,
    schema.BuiltinOperator.CONCATENATION: 8,  # TfLiteConcatenationParams
}
PARAMS_DEFAULT = 40
# UNIDIRECTIONAL_SEQUENCE_LSTM (kernels/cmsis_nn): OpData (TFLM's OpDataLSTM + CMSIS-NN's
# cmsis_nn_lstm_params), then eight per-gate int32 (int64 for int16 activations) vectors of
# cell units (effective biases / kernel sums) from CMSIS_NN_PortOpData.
OPDATA_LSTM = 852  # measured: the tail of mnist_lstm and a synthetic LSTM, both exact
LSTM_GATE_VECTORS = 8
# While an LSTM's Prepare runs, LstmTensors holds a temporary TfLiteTensor (with quantization
# copied for the ones that have it) for each of its 24 inputs in the head. A floor: on every
# LSTM measured, head + tail set the arena, which bounds this at 1,164 B.
LSTM_PREPARE_TEMP = 1024
# int16 (16x8) models: one of four measured had 4 B more tail than the sum above (kernels'
# 16-bit paths keep a few more fields); one alignment unit keeps the figure safe.
INT16_TAIL_MARGIN = ALIGN
INT16_SOFTMAX_LUT = 2 * 513 * 2  # exp and 1/(1+x) tables of int16 softmax (softmax_common.cc)
TWICE_TEMP_OPS = {
    schema.BuiltinOperator.CONV_2D,
    schema.BuiltinOperator.DEPTHWISE_CONV_2D,
}
# LSTM models' tails measured 11 B above the sum below (cell units 8 and 32) or up to 5 B
# under it (20): one alignment unit keeps the figure safe.
LSTM_TAIL_MARGIN = ALIGN
PER_CHANNEL_OPS = {
    schema.BuiltinOperator.CONV_2D,
    schema.BuiltinOperator.DEPTHWISE_CONV_2D,
}


def align(n: int) -> int:
    return (n + ALIGN - 1) & ~(ALIGN - 1)


@dataclass(frozen=True)
class Buffer:
    """One block the planner places: a tensor's data or a kernel's scratch buffer."""

    name: str
    size: int  # aligned
    first: int
    last: int
    offline_offset: int | None = None


@dataclass(frozen=True)
class ArenaEstimate:
    total: int
    head: int
    tail: int
    lower_bound: int
    planning_peak: int
    offsets: tuple[int, ...]  # planner offset of each buffer of `buffers`
    buffers: tuple[Buffer, ...]

    @property
    def figures(self) -> Arena:
        return Arena(self.total, self.head, self.tail, self.lower_bound)

    def as_dict(self) -> dict[str, int]:
        return self.figures.as_dict()


def tensor_buffers(model: TfliteModel) -> list[Buffer]:
    """Non-persistent tensors and their lifetimes, as AllocationInfoBuilder marks them."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}

    def touch(index: int, scope: int, created: bool) -> None:
        if created:
            first.setdefault(index, scope)
        last[index] = scope

    for index in model.inputs:
        touch(index, 0, True)
        touch(index, 0, False)
    for i, op in enumerate(model.operators):
        scope = i + 1
        for index in op.outputs:
            if index >= 0:
                first.setdefault(index, scope)
        for index in (*op.inputs, *op.outputs):
            if index >= 0:
                last[index] = scope
    end = len(model.operators)
    for index in model.outputs:
        first.setdefault(index, end)
        last[index] = end
    buffers = []
    for index in sorted(first):
        tensor = model.tensors[index]
        if tensor.is_constant or tensor.is_variable or tensor.nbytes == 0:
            continue
        buffers.append(Buffer(f"tensor {index}", align(tensor.nbytes), first[index], last[index]))
    return buffers


def scratch_buffers(model: TfliteModel) -> list[Buffer]:
    out = []
    for i, op in enumerate(model.operators):
        for size in scratch_requests(model, op):
            out.append(Buffer(f"scratch of operator {i}", align(size), i + 1, i + 1))
    return out


def _overlap(a: Buffer, b: Buffer) -> bool:
    return not (a.first > b.last or a.last < b.first)


def first_fit(buffers: list[Buffer], order: list[int]) -> tuple[int, list[int]]:
    """Place offline buffers at their offsets, then the others in `order`, each at the lowest
    offset that does not overlap a placed buffer alive at the same time. (head, offsets)."""
    offsets = [-1] * len(buffers)
    placed: list[int] = []
    for i, b in enumerate(buffers):
        if b.offline_offset is not None:
            offsets[i] = b.offline_offset
            placed.append(i)
    for i in order:
        want = buffers[i]
        active = sorted((j for j in placed if _overlap(buffers[j], want)), key=lambda j: offsets[j])
        candidate = 0
        for j in active:
            if offsets[j] - candidate >= want.size:
                break
            candidate = max(candidate, offsets[j] + buffers[j].size)
        offsets[i] = candidate
        placed.append(i)
    head = max((offsets[i] + b.size for i, b in enumerate(buffers)), default=0)
    return head, offsets


def greedy_plan(buffers: list[Buffer]) -> tuple[int, list[int]]:
    """Offsets as TFLM's GreedyMemoryPlanner computes them; returns (head size, offsets)."""
    # Online buffers enter in reverse order, then a stable sort by size, largest first.
    online = [i for i in reversed(range(len(buffers))) if buffers[i].offline_offset is None]
    online.sort(key=lambda i: -buffers[i].size)
    return first_fit(buffers, online)


def lower_bound(buffers: list[Buffer]) -> int:
    """No plan of this schedule can use less: the most bytes alive at one op step."""
    steps = {s for b in buffers for s in (b.first, b.last)}
    return max((sum(b.size for b in buffers if b.first <= s <= b.last) for s in steps), default=0)


def _lstm_tail(model: TfliteModel, op: Operator) -> int:
    from .cmsis_nn_scratch import lstm_units

    try:
        _, units = lstm_units(model, op)
    except (ValueError, IndexError):
        return align(OPDATA_LSTM) + LSTM_TAIL_MARGIN
    wide = model.tensors[op.inputs[0]].type == schema.TensorType.INT16
    gates = LSTM_GATE_VECTORS * align((8 if wide else 4) * units)
    return align(OPDATA_LSTM) + gates + LSTM_TAIL_MARGIN


def _op_tail(model: TfliteModel, op: Operator) -> int:
    if op.code == schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM:
        return _lstm_tail(model, op) + PARAMS_BYTES.get(op.code, PARAMS_DEFAULT)
    bytes_ = align(OPDATA_BYTES.get(op.code, OPDATA_DEFAULT))
    if (
        op.code == schema.BuiltinOperator.SOFTMAX
        and op.inputs
        and model.tensors[op.inputs[0]].type == schema.TensorType.INT16
    ):
        bytes_ += 2 * align(INT16_SOFTMAX_LUT // 2)
    if op.code in PER_CHANNEL_OPS and op.outputs and model.tensors[op.outputs[0]].shape:
        channels = model.tensors[op.outputs[0]].shape[-1]
        bytes_ += 2 * align(4 * channels)  # per-channel multipliers and shifts
    elif (
        op.code == schema.BuiltinOperator.FULLY_CONNECTED
        and len(op.inputs) > 1
        and op.inputs[1] >= 0
    ):
        weights = model.tensors[op.inputs[1]]
        if len(weights.scales) > 1:
            bytes_ += 2 * align(4 * len(weights.scales))
    return bytes_ + PARAMS_BYTES.get(op.code, PARAMS_DEFAULT)


def tail_bytes(model: TfliteModel, n_scratch: int) -> int:
    io = len(model.inputs) + len(model.outputs)
    return (
        TAIL_FIXED
        + align(SIZEOF_EVAL_TENSOR * len(model.tensors))
        + align(SIZEOF_NODE_AND_REGISTRATION * len(model.operators))
        + io * (align(SIZEOF_TFLITE_TENSOR) + align(SIZEOF_IO_QUANTIZATION))
        + align(4 * len(model.inputs))
        + align(4 * len(model.outputs))
        + align(SIZEOF_SCRATCH_HANDLE * n_scratch)
        + sum(_op_tail(model, op) for op in model.operators)
        + sum(align(t.nbytes) for t in model.tensors if t.is_variable)
        + (INT16_TAIL_MARGIN if any(_int16_op(model, op) for op in model.operators) else 0)
    )


def _int16_op(model: TfliteModel, op: Operator) -> bool:
    return (
        bool(op.inputs)
        and op.inputs[0] >= 0
        and (model.tensors[op.inputs[0]].type == schema.TensorType.INT16)
    )


def _offline(offsets: list[int], buffer: Buffer) -> int | None:
    offset = offsets[int(buffer.name.split()[1])]
    return None if offset < 0 else offset


def _temp_tensor_bytes(model: TfliteModel, index: int) -> int:
    """A TfLiteTensor a kernel's Prepare holds in the head (AllocateTempTfLiteTensor), with
    its quantization (TfLiteAffineQuantization + a zero-point array of one int per channel)."""
    channels = len(model.tensors[index].scales)
    quant = SIZEOF_AFFINE_QUANTIZATION + 4 + 4 * channels if channels else 0
    return SIZEOF_TFLITE_TENSOR + quant


def prepare_peak(model: TfliteModel, tail: int, n_scratch: int) -> int:
    """The most the arena holds while one kernel's Prepare runs (before the plan exists):
    the persistent tail allocated by then, the scratch-request array in the head (TFLM keeps
    room for kMaxScratchBuffersPerOp more), and a temporary TfLiteTensor for each of the
    operator's inputs and outputs at once (what conv, FC and most kernels hold). The tail is
    taken as the final one less what is allocated only after the last Prepare (scratch
    handles, variables, the interpreter's input and output tensors): never less than TFLM's."""
    io = len(model.inputs) + len(model.outputs)
    later = (
        io * (align(SIZEOF_TFLITE_TENSOR) + align(SIZEOF_IO_QUANTIZATION))
        + align(4 * len(model.inputs))
        + align(4 * len(model.outputs))
        + align(SIZEOF_SCRATCH_HANDLE * n_scratch)
        + sum(align(t.nbytes) for t in model.tensors if t.is_variable)
    )
    persistent = max(tail - later, 0)
    peak = 0
    requests = 0
    for op in model.operators:
        temps = sum(_temp_tensor_bytes(model, i) for i in (*op.inputs, *op.outputs) if i >= 0)
        if op.code in TWICE_TEMP_OPS:
            # kernels/cmsis_nn/{conv,depthwise_conv}.cc take input, weights and output, then
            # Calculate*OpData* takes all four again; temporaries are freed only after Prepare.
            temps += sum(
                _temp_tensor_bytes(model, i) for i in (*op.inputs[:2], *op.outputs) if i >= 0
            )
        head = SIZEOF_SCRATCH_REQUEST * (requests + MAX_SCRATCH_PER_OP) + temps
        peak = max(peak, persistent + head)
        requests += len(scratch_requests(model, op))
    return peak


def estimate_arena(model: TfliteModel) -> ArenaEstimate:
    tensors = tensor_buffers(model)
    offline_offsets = model.offline_offsets()
    if offline_offsets is not None:
        tensors = [
            Buffer(b.name, b.size, b.first, b.last, _offline(offline_offsets, b)) for b in tensors
        ]
    buffers = tensors + scratch_buffers(model)
    head, offsets = greedy_plan(buffers)
    n_scratch = len(buffers) - len(tensors)
    tail = align(tail_bytes(model, n_scratch))
    planning = (
        tail
        + align(SIZEOF_ALLOCATION_INFO * (len(model.tensors) + n_scratch))
        + align(PLANNER_BYTES_PER_BUFFER * len(buffers))
        + align(SIZEOF_SCRATCH_REQUEST * n_scratch)
        + PLANNING_SLACK
    )
    # Kernels whose Prepare holds many temporary tensors at once (LSTM) need that much room in
    # the head before the plan exists, on top of the tail allocated so far.
    prepare = tail + max(
        (
            LSTM_PREPARE_TEMP
            for op in model.operators
            if op.code == schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM
        ),
        default=0,
    )
    total = align(max(head + tail, planning, prepare, prepare_peak(model, tail, n_scratch)))
    return ArenaEstimate(
        total=total,
        head=head,
        tail=total - head,
        lower_bound=lower_bound(buffers),
        planning_peak=planning,
        offsets=tuple(offsets),
        buffers=tuple(buffers),
    )
