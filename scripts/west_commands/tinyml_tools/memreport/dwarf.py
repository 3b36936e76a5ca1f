"""Source files from DWARF, read only as deep as needed.

Code: ``.debug_aranges`` (address ranges per compile unit), or each compile unit's own
low/high pc when a compiler leaves aranges out. Data: the top-level variables of each compile
unit with a fixed address (``DW_OP_addr``); pyelftools skips whole subtrees by their sibling
links, so function bodies, types and macros (-g3) are never decoded.

Code and data the linker dropped (--gc-sections) keep address 0 in DWARF: entries at 0 are
ignored, and an address two compile units both claim is left unattributed.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from elftools.elf.elffile import ELFFile

DW_OP_ADDR = 0x03


@dataclass
class DwarfFiles:
    starts: list[int] = field(default_factory=list)
    ranges: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, file)
    variables: dict[int, str] = field(default_factory=dict)

    def file_at(self, addr: int) -> str | None:
        if addr in self.variables:
            return self.variables[addr] or None
        i = bisect.bisect_right(self.starts, addr) - 1
        if i >= 0:
            start, end, name = self.ranges[i]
            if start <= addr < end:
                return name
        return None


def read_dwarf_files(path: Path) -> DwarfFiles:
    """Index code ranges and fixed-address variables by source file (pyelftools)."""
    ranges: list[tuple[int, int, str]] = []
    variables: list[tuple[int, str]] = []
    with path.open("rb") as stream:
        elf = ELFFile(stream)
        if not elf.has_dwarf_info():
            return DwarfFiles()
        dwarf = elf.get_dwarf_info(relocate_dwarf_sections=False)
        names: dict[int, str] = {}
        for cu in dwarf.iter_CUs():
            top = cu.get_top_DIE()
            name_attr = top.attributes.get("DW_AT_name")
            if name_attr is None:
                continue
            name = _text(name_attr.value)
            names[cu.cu_offset] = name
            low = top.attributes.get("DW_AT_low_pc")
            high = top.attributes.get("DW_AT_high_pc")
            if low is not None and high is not None and low.value > 0:
                end = high.value if high.form == "DW_FORM_addr" else low.value + high.value
                ranges.append((low.value, end, name))
            variables += _top_level_variables(top, name)
        ranges += _aranges(elf, names)
    return _index(ranges, variables)


def _aranges(elf: ELFFile, names: dict[int, str]) -> list[tuple[int, int, str]]:
    aranges = elf.get_dwarf_info(relocate_dwarf_sections=False).get_aranges()
    if aranges is None:
        return []
    return [
        (entry.begin_addr, entry.begin_addr + entry.length, names[entry.info_offset])
        for entry in aranges.entries
        if entry.info_offset in names and entry.length and entry.begin_addr > 0
    ]


def _top_level_variables(top: object, name: str) -> list[tuple[int, str]]:
    found = []
    for die in top.iter_children():  # type: ignore[attr-defined]
        if die.tag != "DW_TAG_variable":
            continue
        loc = die.attributes.get("DW_AT_location")
        if loc is None or not isinstance(loc.value, list) or len(loc.value) < 2:
            continue
        if loc.value[0] != DW_OP_ADDR:
            continue
        little = die.dwarfinfo.config.little_endian
        found.append((int.from_bytes(bytes(loc.value[1:5]), "little" if little else "big"), name))
    return found


def _index(ranges: list[tuple[int, int, str]], variables: list[tuple[int, str]]) -> DwarfFiles:
    """Drop what the linker discarded (address 0) and what two compile units both claim."""
    out = DwarfFiles()
    for addr, name in variables:
        if addr != 0:
            out.variables[addr] = name if out.variables.get(addr, name) == name else ""
    unique = sorted(set(ranges))
    out.ranges = [r for i, r in enumerate(unique) if not _claimed_by_two(unique, i)]
    out.starts = [r[0] for r in out.ranges]
    return out


def _claimed_by_two(ranges: list[tuple[int, int, str]], i: int) -> bool:
    start, end, name = ranges[i]
    for j in (i - 1, i + 1):
        if 0 <= j < len(ranges):
            other = ranges[j]
            if other[2] != name and other[0] < end and start < other[1]:
                return True
    return False


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def read_dwarf_files_fast(path: Path) -> DwarfFiles | None:
    """The same index through :mod:`dwarf_scan`; None when that reader cannot handle the file."""
    from .dwarf_scan import Unsupported, scan

    with path.open("rb") as stream:
        elf = ELFFile(stream)
        sections = {}
        for name in (".debug_info", ".debug_abbrev", ".debug_str", ".debug_line_str"):
            section = elf.get_section_by_name(name)
            sections[name] = section.data() if section is not None else b""
        if not sections[".debug_info"]:
            return DwarfFiles()
        try:
            result = scan(
                sections[".debug_info"],
                sections[".debug_abbrev"],
                sections[".debug_str"],
                sections[".debug_line_str"],
                elf.little_endian,
            )
        except (Unsupported, IndexError, ValueError):
            return None
        ranges = [(low, high, name) for name, low, high in result.units]
        ranges += _aranges(elf, result.unit_offsets)
    return _index(ranges, result.variables)
