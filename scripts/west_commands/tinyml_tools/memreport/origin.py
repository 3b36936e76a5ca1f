"""Source file and module names from what the linker or DWARF calls an object."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath

_ARCHIVE_RE = re.compile(r"^(?P<archive>.*\.a)\((?P<member>[^)]*)\)$")
_CMAKE_OBJ_RE = re.compile(r"(?:^|/)CMakeFiles/(?P<target>[^/]+)\.dir/(?P<rest>.+)$")


@lru_cache(maxsize=4096)
def from_linker_object(obj: str) -> tuple[str, str]:
    """``"lib/libfoo.a(bar.c.obj)"`` -> ``("bar.c", "libfoo.a")``; a CMake object
    ``"CMakeFiles/app.dir/src/main.c.obj"`` -> ``("src/main.c", "app")``."""
    match = _ARCHIVE_RE.match(obj)
    if match:
        return _strip_obj(match.group("member")), PurePosixPath(match.group("archive")).name
    match = _CMAKE_OBJ_RE.search(obj)
    if match:
        return _strip_obj(match.group("rest")), match.group("target").removesuffix(".elf")
    path = PurePosixPath(obj)
    return _strip_obj(path.name), path.parent.name or "(objects)"


@lru_cache(maxsize=4096)
def from_source_path(path: str) -> tuple[str, str]:
    """A DWARF compile unit name -> (file, module = its directory's name)."""
    pure = PurePosixPath(path)
    return path, pure.parent.name or "(sources)"


def _strip_obj(name: str) -> str:
    for suffix in (".obj", ".o"):
        if name.endswith(suffix):
            stripped = name[: -len(suffix)]
            # "main.c.obj" -> "main.c"; "lib_a-memcpy.o" stays an object name
            return stripped if "." in PurePosixPath(stripped).name else name
    return name
