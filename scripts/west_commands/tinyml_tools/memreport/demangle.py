"""C++ names for people and for category rules: Itanium names through c++filt, in one call."""

from __future__ import annotations

import shutil
import subprocess

from .attribute import Piece, PieceKind

_TOOLS = ("arm-none-eabi-c++filt", "c++filt")


def demangle(pieces: list[Piece]) -> bool:
    """Demangle the symbol pieces in place; False when names stayed mangled (no c++filt)."""
    mangled = [p for p in pieces if p.kind is PieceKind.SYMBOL and p.name.startswith("_Z")]
    if not mangled:
        return True
    tool = next((t for t in _TOOLS if shutil.which(t)), None)
    if tool is None:
        return False
    proc = subprocess.run(
        [tool],
        input="\n".join(p.name for p in mangled) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    names = proc.stdout.splitlines()
    if proc.returncode != 0 or len(names) != len(mangled):
        return False
    for piece, name in zip(mangled, names, strict=True):
        piece.name = name
    return True
