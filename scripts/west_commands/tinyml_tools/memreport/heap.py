"""Allocators linked into an image: the design promises no allocation after init, so any
``malloc``/``k_malloc``/``operator new`` that made it past --gc-sections is worth a line."""

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
