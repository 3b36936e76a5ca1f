"""The GNU ld map file: memory regions and which object file every input section came from.

Only two parts are read: "Memory Configuration" (region name, origin, length) and, from
"Linker script and memory map", every output section's address and size, every input section
line (name, address, size, object) and ``*fill*`` line. Long section names put address, size
and object on the next line.

Merged sections (SHF_MERGE: GCC's string literals ``.rodata.str1.4``, ``.rodata.<fn>.str1.1``
and constants ``.rodata.cst8``) are listed at their size *before* the linker merged duplicates
away: a string section whose literals all occur in an earlier object is listed at its full size
although it kept no byte, and the last one of an output section can end past the section.
Their size is therefore only an upper bound, cut at the next input section and at the end of
the output section (``merged`` pieces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
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
    merged: bool = False  # a merged (SHF_MERGE) input section: size cut to what it can hold


@dataclass
class LinkerMap:
    path: Path
    regions: list[MapRegion]
    pieces: list[InputPiece]  # sorted by address, size > 0


_REGION_RE = re.compile(r"^(\S+)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)(?:\s+(\S+))?\s*$")
_NOT_SECTIONS = ("LOAD", "START", "END", "OUTPUT", "Linker", "Cross", "Memory", "OVERLAY")
_MERGED_RE = re.compile(r"\.(str\d+\.\d+|cst\d+)$")


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
    bounds: dict[str, tuple[int, int]] = {}  # output section -> (address, size)
    out_section = ""
    pending: str | None = None  # an input section name whose address is on the next line
    out_pending = False  # an output section name whose address is on the next line
    for line in block.splitlines()[1:]:
        if not line.strip():
            pending = None
            out_pending = False
            continue
        if line[0] != " ":
            words = line.split()
            if words[0] not in _NOT_SECTIONS:
                out_section = words[0]
                if len(words) >= 3 and _is_hex(words[1]) and _is_hex(words[2]):
                    bounds.setdefault(out_section, (int(words[1], 16), int(words[2], 16)))
                out_pending = len(words) == 1
            pending = None
            continue
        parts = line.split(None, 3)
        if out_pending:
            out_pending = False
            if len(parts) == 2 and _is_hex(parts[0]) and _is_hex(parts[1]):
                bounds.setdefault(out_section, (int(parts[0], 16), int(parts[1], 16)))
                continue
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
    return _cut_merged(pieces, bounds)


def _cut_merged(pieces: list[InputPiece], bounds: dict[str, tuple[int, int]]) -> list[InputPiece]:
    """Merged pieces end at the next input section of their output section (a non-merged one
    at the same address holds the bytes) and at the output section's end."""
    out: list[InputPiece] = []
    for i, piece in enumerate(pieces):
        if not piece.merged:
            out.append(piece)
            continue
        end = piece.addr + piece.size
        if piece.out_section in bounds:
            start, size = bounds[piece.out_section]
            end = min(end, start + size)
        for other in pieces[i + 1 :]:
            if other.addr >= end:
                break
            same_section = other.out_section == piece.out_section
            if same_section and (other.addr > piece.addr or not other.merged):
                end = min(end, other.addr)
                break
        if end > piece.addr:
            out.append(replace(piece, size=end - piece.addr))
    return out


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
    merged = bool(_MERGED_RE.search(name))
    pieces.append(InputPiece(int(addr, 16), size_value, name, obj.strip(), out_section, merged))
