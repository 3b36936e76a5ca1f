"""One image's memory report: regions, totals, sections, pieces and categories."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .attribute import Piece, PieceKind, attribute
from .demangle import demangle
from .dwarf import DwarfFiles, read_dwarf_files, read_dwarf_files_fast
from .elfimage import ElfImage, SectionKind, load_elf
from .heap import Allocator, HeapMemory, find_allocators, heap_memory
from .locate import ImageFiles
from .mapfile import LinkerMap, parse_map
from .regions import (
    Partition,
    RegionSpec,
    RegionUse,
    occupy,
    partitions_from_devicetree,
    read_text,
    specs_from_devicetree,
    specs_from_linker_script,
    specs_from_map,
    specs_from_segments,
)
from .rules import Rule, categorize, category_names


@dataclass
class Totals:
    """``size`` (Berkeley) classes: flash = text + data, RAM = data + bss."""

    text: int
    data: int
    bss: int
    segments_flash: int  # sum of p_filesz of the load segments
    segments_ram: int  # sum of p_memsz of the writable load segments

    @property
    def flash(self) -> int:
        return self.text + self.data

    @property
    def ram(self) -> int:
        return self.data + self.bss


@dataclass
class Report:
    name: str
    elf: Path
    image: ElfImage
    attribution: str  # "map", "dwarf", "symbols" or "sections"
    regions: list[RegionUse]
    totals: Totals
    pieces: list[Piece]
    categories: dict[str, tuple[int, int]]  # name -> (flash, ram)
    allocators: list[Allocator]
    heap_memory: HeapMemory
    partitions: list[Partition] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def heap_known(self) -> bool:
        """Whether linked allocators can be told at all: it takes a symbol table."""
        return self.image.has_symtab


def build_report(files: ImageFiles, rules: list[Rule]) -> Report:
    image = load_elf(files.elf)
    warnings: list[str] = []
    linker_map: LinkerMap | None = parse_map(files.map) if files.map else None
    if linker_map is not None and not map_matches(linker_map, image):
        warnings.append(
            f"{linker_map.path} does not match the ELF (stale?): files not taken from it"
        )
        linker_map.pieces = []
    dwarf: DwarfFiles | None = None
    if image.has_dwarf and (linker_map is None or not linker_map.pieces):
        dwarf = read_dwarf_files_fast(files.elf) or read_dwarf_files(files.elf)
    pieces = attribute(image, linker_map, dwarf)
    if not demangle(pieces):
        warnings.append("c++filt not found: C++ names stay mangled")
    categorize(pieces, rules)
    specs = _region_specs(image, files, linker_map)
    if specs and specs[0].source == "program headers":
        warnings.append("no map file or linker script: region sizes unknown (pass --map FILE)")
    if not image.has_symtab:
        unknown = "symbols, files, modules, ML categories"
        if linker_map is not None and linker_map.pieces:
            unknown = "symbols, ML categories"  # files and modules come from the map
        warnings.append(
            f"no symbol table (stripped ELF): {unknown} and whether an allocator is linked in "
            "cannot be known; bytes are attributed to their section (use the unstripped ELF)"
        )
    regions = occupy(image, specs)
    categories: dict[str, tuple[int, int]] = {name: (0, 0) for name in category_names(rules)}
    for piece in pieces:
        flash, ram = categories.get(piece.category, (0, 0))
        categories[piece.category] = (flash + piece.flash_bytes, ram + piece.ram_bytes)
    attribution = (
        "map"
        if linker_map and linker_map.pieces
        else "dwarf"
        if dwarf and dwarf.ranges
        else "symbols"
        if image.symbols
        else "sections"
    )
    return Report(
        name=files.name,
        elf=files.elf,
        image=image,
        attribution=attribution,
        regions=regions,
        totals=_totals(image),
        pieces=pieces,
        categories=categories,
        allocators=find_allocators(image),
        heap_memory=heap_memory(image),
        partitions=partitions_from_devicetree(read_text(files.devicetree) or "")
        if files.devicetree
        else [],
        warnings=warnings,
    )


def map_matches(linker_map: LinkerMap, image: ElfImage) -> bool:
    """Every input piece the map places in an allocated section lies inside that section."""
    sections = {s.name: s for s in image.sections}
    for piece in linker_map.pieces:
        section = sections.get(piece.out_section)
        if section is None:
            continue
        if piece.addr < section.addr or piece.addr + piece.size > section.addr + section.size:
            return False
    return True


def _region_specs(
    image: ElfImage, files: ImageFiles, linker_map: LinkerMap | None
) -> list[RegionSpec]:
    if linker_map is not None and linker_map.regions:
        return specs_from_map(linker_map.regions)
    if files.linker_script is not None:
        specs = specs_from_linker_script(read_text(files.linker_script) or "")
        if specs:
            return specs
    if files.devicetree is not None:
        specs = specs_from_devicetree(read_text(files.devicetree) or "")
        if specs:
            return specs
    return specs_from_segments(image)


def _totals(image: ElfImage) -> Totals:
    sums = {kind: 0 for kind in SectionKind}
    for section in image.sections:
        sums[section.kind] += section.size
    return Totals(
        text=sums[SectionKind.TEXT],
        data=sums[SectionKind.DATA],
        bss=sums[SectionKind.BSS],
        segments_flash=sum(seg.filesz for seg in image.segments),
        segments_ram=sum(seg.memsz for seg in image.segments if seg.writable),
    )


def region_cells(region: RegionUse, size_text: Callable[[int], str]) -> list[str]:
    """region, origin, size, used, free, use% as table cells ("?" where the size is unknown)."""
    size = region.spec.size
    return [
        region.spec.name,
        f"0x{region.spec.origin:08x}",
        size_text(size) if size is not None else "?",
        f"{region.used} B",
        size_text(region.free) if region.free is not None else "?",
        f"{100 * region.extent / size:.1f}%" if size else "-",
    ]


def group(pieces: list[Piece], key: str) -> list[dict[str, Any]]:
    """Flash and RAM per file or module, largest first; None becomes "(unknown)"."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for piece in pieces:
        if piece.kind in (PieceKind.FILL, PieceKind.UNATTRIBUTED):
            name = "(fill/unattributed)"
        elif piece.kind is PieceKind.SECTION and getattr(piece, key) is None:
            name = "(no symbol table)"
        else:
            name = getattr(piece, key) or "(unknown)"
        sums[name][0] += piece.flash_bytes
        sums[name][1] += piece.ram_bytes
    rows = [{"name": n, "flash": f, "ram": r} for n, (f, r) in sums.items()]
    return sorted(rows, key=lambda row: (-(row["flash"] + row["ram"]), row["name"]))


def top_symbols(pieces: list[Piece], count: int) -> list[Piece]:
    named = [p for p in pieces if p.kind is not PieceKind.UNATTRIBUTED]
    return sorted(named, key=lambda p: (-p.size, p.name))[:count]


def to_dict(report: Report, top: int) -> dict[str, Any]:
    totals = report.totals
    return {
        "image": report.name,
        "elf": str(report.elf),
        "arch": report.image.arch,
        "attribution": report.attribution,
        "regions": [
            {
                "name": r.spec.name,
                "origin": r.spec.origin,
                "size": r.spec.size,
                "used": r.used,
                "extent": r.extent,
                "free": r.free,
                "overlap": r.overlap,
                "source": r.spec.source,
                "sections": r.sections,
            }
            for r in report.regions
        ],
        "totals": {
            "flash": totals.flash,
            "ram": totals.ram,
            "text": totals.text,
            "data": totals.data,
            "bss": totals.bss,
            "segments_flash": totals.segments_flash,
            "segments_ram": totals.segments_ram,
        },
        "sections": [
            {
                "name": s.name,
                "addr": s.addr,
                "lma": s.lma,
                "size": s.size,
                "class": s.kind.value,
                "flash": s.flash_bytes,
                "ram": s.ram_bytes,
            }
            for s in report.image.sections
        ],
        "categories": {name: f + r for name, (f, r) in report.categories.items()},
        "category_split": {
            name: {"flash": f, "ram": r} for name, (f, r) in report.categories.items()
        },
        "symbols": [
            {
                "name": p.name,
                "size": p.size,
                "section": p.section.name,
                "file": p.file,
                "module": p.module,
                "category": p.category,
                "addr": p.addr,
                "kind": p.kind.value,
                "aliases": p.aliases,
            }
            for p in top_symbols(report.pieces, top)
        ],
        "files": group(report.pieces, "file"),
        "modules": group(report.pieces, "module"),
        "heap": {
            "known": report.heap_known,
            "allocators": [
                {"name": a.name, "addr": a.addr, "size": a.size} for a in report.allocators
            ],
            "pools": report.categories.get("heap pools", (0, 0))[1],
            "no_memory": report.heap_memory.proven_empty,
            "memory": report.heap_memory.finding,
        },
        "partitions": [
            {"label": p.label, "offset": p.offset, "size": p.size, "model": p.holds_model}
            for p in report.partitions
        ],
        "warnings": report.warnings,
    }
