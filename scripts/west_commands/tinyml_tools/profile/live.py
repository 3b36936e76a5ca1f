"""Arena bytes in use while each operator runs, from the same plan as model-pack's arena figure.

The planner (modelpack/arena.py) gives every non-persistent buffer (activations, kernel
scratch) a lifetime in operator steps and an offset. While operator i runs (step i + 1), the
buffers alive are those whose lifetime covers that step: `live` is the sum of their sizes,
`extent` the highest byte they reach. The operator with the largest extent sets the head of the
arena (the peak layer); the persistent tail is there for every operator.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..modelpack.arena import ArenaEstimate


@dataclass(frozen=True)
class LiveMemory:
    live: tuple[int, ...]  # per operator: bytes of the buffers alive
    extent: tuple[int, ...]  # per operator: highest planned byte in use
    peak: int  # index of the operator whose extent is the head
    tail: int  # persistent bytes (present throughout)
    total: int  # the arena model-pack sizes


def live_memory(arena: ArenaEstimate, n_ops: int) -> LiveMemory:
    live = []
    extent = []
    for i in range(n_ops):
        step = i + 1
        alive = [
            (arena.offsets[j], b.size)
            for j, b in enumerate(arena.buffers)
            if b.first <= step <= b.last
        ]
        live.append(sum(size for _, size in alive))
        extent.append(max((off + size for off, size in alive), default=0))
    peak = max(range(n_ops), key=lambda i: (extent[i], live[i]), default=0)
    return LiveMemory(tuple(live), tuple(extent), peak, arena.tail, arena.total)
