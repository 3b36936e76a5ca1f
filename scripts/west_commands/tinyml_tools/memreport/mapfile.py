"""The GNU ld map file: memory regions and which object file every input section came from.

Only two parts are read: "Memory Configuration" (region name, origin, length) and, from
"Linker script and memory map", every input section line (name, address, size, object) and
``*fill*`` line. Long section names put address, size and object on the next line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError


@dataclass(frozen=True)
class MapRegion:
    name: str
    origin: int
    length: int
    attributes: str


@dataclass(frozen=True)
class InputPiece:
    """One input section (or linker fill) placed in the output at ``addr``."""

    addr: int
    size: int
    section: str  # input section name, "*fill*" for linker padding
    obj: str  # object file as ld names it, "archive.a(member.o)" for archive members
    out_section: str  # the output section it was placed in


@dataclass
class LinkerMap:
    path: Path
    regions: list[MapRegion]
    pieces: list[InputPiece]  # sorted by address, size > 0


_REGION_RE = re.compile(r"^(\S+)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)(?:\s+(\S+))?\s*$")
_NOT_SECTIONS = ("LOAD", "START", "END", "OUTPUT", "Linker", "Cross", "Memory", "OVERLAY")


def parse_map(path: Path) -> LinkerMap:
    try:
        text = path.read_text(errors="replace")
    except OSError as err:
        raise InputError(path, f"cannot read map file: {err.strerror or err}") from None
    mem_at = text.find("Memory Configuration")
    script_at = text.find("Linker script and memory map")
    if mem_at < 0 or script_at < 0:
        raise InputError(path, "not a GNU ld map file (no 'Memory Configuration' section)")
    regions = _parse_regions(text[mem_at:script_at])
    pieces = _parse_pieces(text[script_at:])
    return LinkerMap(path, regions, pieces)


def _parse_regions(block: str) -> list[MapRegion]:
    regions: list[MapRegion] = []
    for line in block.splitlines()[1:]:
        match = _REGION_RE.match(line)
        if not match or match.group(1) == "*default*":
            continue
        name, origin, length, attrs = match.groups()
        regions.append(MapRegion(name, int(origin, 16), int(length, 16), attrs or ""))
    return regions


def _parse_pieces(block: str) -> list[InputPiece]:
    pieces: list[InputPiece] = []
    out_section = ""
    pending: str | None = None  # an input section name whose address is on the next line
    for line in block.splitlines()[1:]:
        if not line.strip():
            pending = None
            continue
        if line[0] != " ":
            word = line.split(None, 1)[0]
            if word not in _NOT_SECTIONS:
                out_section = word
            pending = None
            continue
        parts = line.split(None, 3)
        if pending is not None:
            if len(parts) >= 2 and _is_hex(parts[0]) and _is_hex(parts[1]):
                obj = parts[2] if len(parts) >= 3 else ""
                if len(parts) == 4:
                    obj = f"{obj} {parts[3]}"
                _add(pieces, out_section, pending, parts[0], parts[1], obj)
                pending = None
                continue
            pending = None
        first = parts[0]
        if first == "*fill*":
            if len(parts) >= 3:
                _add(pieces, out_section, first, parts[1], parts[2], "")
        elif first.startswith("0x") or (first.startswith("*") and first != "*fill*"):
            continue  # a symbol, an assignment or an input section pattern
        elif len(parts) == 1:
            pending = first
        elif len(parts) >= 3 and _is_hex(parts[1]) and _is_hex(parts[2]):
            _add(pieces, out_section, first, parts[1], parts[2], parts[3] if len(parts) > 3 else "")
    pieces.sort(key=lambda p: p.addr)
    return pieces


def _is_hex(word: str) -> bool:
    return word.startswith("0x") and len(word) > 2


def _add(
    pieces: list[InputPiece], out_section: str, name: str, addr: str, size: str, obj: str
) -> None:
    size_value = int(size, 16)
    if size_value == 0:
        return
    if name != "*fill*" and not obj:
        return  # LONG/BYTE data statements: left to the section's own accounting
    pieces.append(InputPiece(int(addr, 16), size_value, name, obj.strip(), out_section))
