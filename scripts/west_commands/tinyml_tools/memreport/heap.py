"""Allocators linked into an image: the design promises no allocation after init, so any
``malloc``/``k_malloc``/``operator new`` that made it past --gc-sections is worth a line.

Linked allocator code is not yet allocation: Zephyr links its C library's malloc whole-archive
(with ``CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE=0`` it is a stub that returns NULL), and the kernel's
queue code keeps ``k_heap_aligned_alloc`` for ``k_queue_alloc_append``. Such an image can still
prove that no allocator has memory to hand out: no ``k_heap`` object in its iterable section,
no libc malloc heap (``z_malloc_heap``), no sbrk-based C library heap. `heap_memory` tells."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .elfimage import ElfImage

ALLOCATORS = re.compile(
    r"^(malloc|calloc|realloc|_malloc_r|_calloc_r|_realloc_r|_sbrk|_sbrk_r|sbrk|"
    r"k_malloc|k_calloc|k_realloc|k_aligned_alloc|k_heap_alloc|k_heap_aligned_alloc|"
    r"sys_heap_alloc|sys_heap_aligned_alloc|sys_heap_realloc|pvPortMalloc|heap_caps_malloc|"
    r"_Znwj|_Znaj|_Znwm|_Znam|_ZnwjRKSt9nothrow_t|_ZnajRKSt9nothrow_t)$"
)


# What a C library or RTOS allocator draws from, when present (names of the memory, not code).
SBRK_HEAP = re.compile(r"^(_sbrk|_sbrk_r|sbrk|__malloc_av_|__malloc_sbrk_base)$")
FOREIGN_HEAP = re.compile(r"^(pvPortMalloc|heap_caps_malloc|ucHeap)$")
ZEPHYR_LIBC_HEAP = {"z_malloc_heap", "malloc_arena"}


@dataclass(frozen=True)
class HeapMemory:
    """Whether the image proves its allocators have no memory, and the finding in words."""

    proven_empty: bool
    finding: str


@dataclass(frozen=True)
class Allocator:
    name: str
    addr: int
    size: int


def find_allocators(image: ElfImage) -> list[Allocator]:
    seen: dict[str, Allocator] = {}
    for sym in image.symbols:
        if sym.is_func and ALLOCATORS.match(sym.name) and sym.name not in seen:
            seen[sym.name] = Allocator(sym.name, sym.addr, sym.size)
    return sorted(seen.values(), key=lambda a: a.name)


def heap_memory(image: ElfImage) -> HeapMemory:
    """What the allocators of a Zephyr image could draw from (proven empty only when every
    source of heap memory is known absent; any other image is 'not proven')."""
    by_name = {sym.name: sym for sym in image.symbols}
    start, end = by_name.get("_k_heap_list_start"), by_name.get("_k_heap_list_end")
    if start is None or end is None:
        return HeapMemory(False, "not a Zephyr image (no k_heap section): heap memory unknown")
    found: list[str] = []
    if end.addr != start.addr:
        found.append(f"k_heap objects ({end.addr - start.addr} B of descriptors)")
    found += sorted(name for name in ZEPHYR_LIBC_HEAP if name in by_name)
    found += sorted(name for name in by_name if SBRK_HEAP.match(name) or FOREIGN_HEAP.match(name))
    if found:
        return HeapMemory(False, "heap memory: " + ", ".join(found))
    return HeapMemory(
        True,
        "no heap memory to draw from (no k_heap object, no libc malloc arena, no sbrk heap): "
        "every call fails",
    )
