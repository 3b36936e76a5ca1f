"""Split every allocated section into pieces that cover it exactly once.

A piece is a symbol's bytes, bytes of an input section no symbol names (string literals,
jump tables: attributed to their object file through the map), linker fill, or an explicit
unattributed remainder. Overlapping symbols (aliases, a symbol inside another) are cut at the
first one's end, so the pieces of a section always add up to its size.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from .dwarf import DwarfFiles
from .elfimage import ElfImage, Section, Symbol
from .mapfile import InputPiece, LinkerMap
from .origin import from_linker_object, from_source_path


class PieceKind(Enum):
    SYMBOL = "symbol"
    UNNAMED = "unnamed"  # an input section's bytes that no symbol covers
    FILL = "fill"  # linker fill or alignment padding named in the map
    UNATTRIBUTED = "unattributed"  # neither a symbol nor the map says what it is
    SECTION = "section"  # a stripped ELF: the section's bytes, nothing finer can be known


@dataclass
class Piece:
    name: str
    addr: int
    size: int
    section: Section
    kind: PieceKind
    file: str | None = None
    module: str | None = None
    is_func: bool = False
    aliases: list[str] = field(default_factory=list)
    category: str = "other"

    @property
    def flash_bytes(self) -> int:
        return self.size if self.section.flash_bytes else 0

    @property
    def ram_bytes(self) -> int:
        return self.size if self.section.ram_bytes else 0


class _MapIndex:
    def __init__(self, pieces: Iterable[InputPiece]) -> None:
        by_section: dict[str, list[InputPiece]] = defaultdict(list)
        for piece in pieces:
            by_section[piece.out_section].append(piece)
        self.pieces = dict(by_section)
        self.starts = {name: [p.addr for p in ps] for name, ps in self.pieces.items()}

    def at(self, section: str, addr: int) -> InputPiece | None:
        starts = self.starts.get(section)
        if not starts:
            return None
        i = bisect.bisect_right(starts, addr) - 1
        if i >= 0:
            piece = self.pieces[section][i]
            if piece.addr <= addr < piece.addr + piece.size:
                return piece
        return None

    def overlapping(self, section: str, start: int, end: int) -> list[InputPiece]:
        starts = self.starts.get(section)
        if not starts:
            return []
        i = max(bisect.bisect_right(starts, start) - 1, 0)
        out = []
        for piece in self.pieces[section][i:]:
            if piece.addr >= end:
                break
            if piece.addr + piece.size > start:
                out.append(piece)
        return out


def attribute(
    image: ElfImage, linker_map: LinkerMap | None, dwarf: DwarfFiles | None
) -> list[Piece]:
    index = _MapIndex(linker_map.pieces) if linker_map else None
    by_section: dict[int, list[Symbol]] = defaultdict(list)
    for sym in image.symbols:
        if sym.size > 0:
            by_section[sym.section_index].append(sym)
    pieces: list[Piece] = []
    for section in image.sections:
        if section.size == 0:
            continue
        syms = sorted(
            by_section.get(section.index, []),
            key=lambda s: (s.addr, -s.size, not s.is_global, s.name),
        )
        pieces.extend(_split_section(section, syms, index, dwarf, image.has_symtab))
    return pieces


def _split_section(
    section: Section,
    syms: list[Symbol],
    index: _MapIndex | None,
    dwarf: DwarfFiles | None,
    has_symtab: bool = True,
) -> list[Piece]:
    out: list[Piece] = []
    end_of_section = section.addr + section.size
    cursor = section.addr
    last: Piece | None = None
    for sym in syms:
        start = max(sym.addr, cursor)
        end = min(sym.addr + sym.size, end_of_section)
        if end <= start:
            if last is not None and last.kind is PieceKind.SYMBOL and sym.addr == last.addr:
                last.aliases.append(sym.name)
            continue
        if start > cursor:
            out.extend(_gap(section, cursor, start, index))
        file, module = _origin(section, sym, start, index, dwarf)
        last = Piece(
            sym.name, start, end - start, section, PieceKind.SYMBOL, file, module, sym.is_func
        )
        out.append(last)
        cursor = end
    if cursor < end_of_section:
        out.extend(_gap(section, cursor, end_of_section, index))
    if not has_symtab:  # what no symbol names in a stripped ELF is not padding: say so
        out = [_section_piece(p) if p.kind is PieceKind.UNATTRIBUTED else p for p in out]
    return _merge_padding(out)


def _section_piece(piece: Piece) -> Piece:
    name = f"({piece.section.name}: no symbol table)"
    return Piece(name, piece.addr, piece.size, piece.section, PieceKind.SECTION)


def _merge_padding(pieces: list[Piece]) -> list[Piece]:
    """Adjacent fill (or unattributed) runs of one section become one piece."""
    merged: list[Piece] = []
    for piece in pieces:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and piece.kind is prev.kind
            and piece.kind in (PieceKind.FILL, PieceKind.UNATTRIBUTED, PieceKind.SECTION)
            and prev.addr + prev.size == piece.addr
        ):
            prev.size += piece.size
        else:
            merged.append(piece)
    return merged


def _origin(
    section: Section,
    sym: Symbol,
    addr: int,
    index: _MapIndex | None,
    dwarf: DwarfFiles | None,
) -> tuple[str | None, str | None]:
    if index is not None:
        piece = index.at(section.name, addr)
        if piece is not None and piece.obj:
            return from_linker_object(piece.obj)
    if dwarf is not None:
        source = dwarf.file_at(addr)
        if source is not None:
            return from_source_path(source)
    if sym.file is not None:
        return sym.file, None
    return None, None


def _gap(section: Section, start: int, end: int, index: _MapIndex | None) -> list[Piece]:
    """Pieces for [start, end): what the map says is there, the rest unattributed."""
    out: list[Piece] = []
    cursor = start
    for mp in index.overlapping(section.name, start, end) if index else []:
        lo, hi = max(mp.addr, cursor), min(mp.addr + mp.size, end)
        if hi <= lo:
            continue
        if lo > cursor:
            out.append(_unattributed(section, cursor, lo))
        if mp.section == "*fill*":
            out.append(Piece(f"(fill in {section.name})", lo, hi - lo, section, PieceKind.FILL))
        else:
            file, module = from_linker_object(mp.obj)
            label = f"({mp.section} of {file})"
            out.append(Piece(label, lo, hi - lo, section, PieceKind.UNNAMED, file, module))
        cursor = hi
    if cursor < end:
        out.append(_unattributed(section, cursor, end))
    return out


def _unattributed(section: Section, start: int, end: int) -> Piece:
    return Piece(
        f"(padding/unattributed in {section.name})",
        start,
        end - start,
        section,
        PieceKind.UNATTRIBUTED,
    )
