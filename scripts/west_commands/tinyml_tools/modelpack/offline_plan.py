"""Close the gap between TFLM's greedy plan and the lower bound with an offline memory plan.

TFLM's GreedyMemoryPlanner places buffers largest first; for some schedules another order
packs tighter. We try a few deterministic orders (and seeded shuffles), keep the smallest head
that TFLM would really produce (activations at our offsets, kernel scratch still placed by
TFLM around them), and if it beats the greedy head, embed it as TFLM's
``OfflineMemoryAllocation`` metadata: a buffer of int32 [version 1, subgraph 0, tensor count,
one offset per tensor (-1 = planned online)].
"""

from __future__ import annotations

import random
from collections.abc import Callable

import flatbuffers  # type: ignore[import-untyped]
import numpy as np

from . import schema
from .arena import ArenaEstimate, Buffer, estimate_arena, first_fit, greedy_plan
from .tflite_model import OFFLINE_PLAN_METADATA, TfliteModel, load_tflite

SHUFFLES = 64
ONLINE = -1


class _AlignedBuilder(flatbuffers.Builder):  # type: ignore[misc]
    """Keeps every vector 16-byte aligned, as the TFLite schema's force_align asks for buffers."""

    def StartVector(self, elemSize: int, numElems: int, alignment: int) -> int:
        return int(super().StartVector(elemSize, numElems, max(alignment, 16)))


def _orders(buffers: list[Buffer]) -> list[list[int]]:
    ids = list(range(len(buffers)))
    keys: list[Callable[[int], tuple[int, ...]]] = [
        lambda i: (-buffers[i].size,),
        lambda i: (buffers[i].first, -buffers[i].size),
        lambda i: (-(buffers[i].last - buffers[i].first), -buffers[i].size),
        lambda i: (-buffers[i].size * (buffers[i].last - buffers[i].first + 1),),
    ]
    orders = [sorted(ids, key=key) for key in keys]
    rng = random.Random(0)  # seeded: the same model always gets the same plan
    for _ in range(SHUFFLES):
        shuffled = ids[:]
        rng.shuffle(shuffled)
        orders.append(shuffled)
    return orders


def with_offline_plan(model: TfliteModel, tensor_offsets: dict[int, int]) -> TfliteModel:
    """The model with an OfflineMemoryAllocation metadata buffer (re-packed, 16-byte aligned)."""
    model_t = schema.ModelT.InitFromPackedBuf(model.data, 0)
    model_t.metadata = [
        m
        for m in (model_t.metadata or [])
        if m.name not in (OFFLINE_PLAN_METADATA.encode(), OFFLINE_PLAN_METADATA)
    ]
    offsets = [tensor_offsets.get(i, ONLINE) for i in range(len(model.tensors))]
    words = np.array([1, 0, len(offsets), *offsets], dtype="<i4")
    buffer = schema.BufferT()
    buffer.data = np.frombuffer(words.tobytes(), dtype=np.uint8)
    model_t.buffers.append(buffer)
    meta = schema.MetadataT()
    meta.name = OFFLINE_PLAN_METADATA
    meta.buffer = len(model_t.buffers) - 1
    model_t.metadata.append(meta)
    builder = _AlignedBuilder(len(model.data) + 1024)
    builder.Finish(model_t.Pack(builder), file_identifier=b"TFL3")
    return load_tflite(model.path, bytes(builder.Output()))


def plan_offline(
    model: TfliteModel, greedy: ArenaEstimate
) -> tuple[TfliteModel, ArenaEstimate] | None:
    """A model whose embedded plan beats TFLM's greedy head, or None when greedy is optimal."""
    if greedy.head <= greedy.lower_bound or OFFLINE_PLAN_METADATA in model.metadata_names:
        return None
    buffers = list(greedy.buffers)
    tensor_ids = [i for i, b in enumerate(buffers) if b.name.startswith("tensor ")]
    best_head = greedy.head
    best: dict[int, int] | None = None
    for order in _orders(buffers):
        _, offsets = first_fit(buffers, order)
        # What TFLM does with it: tensors fixed at our offsets, scratch placed online.
        trial = [
            Buffer(b.name, b.size, b.first, b.last, offsets[i] if i in tensor_ids else None)
            for i, b in enumerate(buffers)
        ]
        head, _ = greedy_plan(trial)
        if head < best_head:
            best_head = head
            best = {int(buffers[i].name.split()[1]): offsets[i] for i in tensor_ids}
        if best_head <= greedy.lower_bound:
            break
    if best is None:
        return None
    planned = with_offline_plan(model, best)
    arena = estimate_arena(planned)
    return planned, arena
