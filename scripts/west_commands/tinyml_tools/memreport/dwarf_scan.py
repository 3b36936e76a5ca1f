"""A minimal .debug_info reader: each compile unit's name and pc range, and its top-level
variables with a fixed address, skipping every other DIE by its abbreviation's form sizes.

pyelftools decodes every attribute of every DIE it visits through ``construct``; this reader
only decodes the few attributes it needs, which makes the walk several times faster on big
-g3 images. Anything it does not know (64-bit DWARF, an unknown form, split units) raises
:class:`Unsupported`, and the caller falls back to pyelftools.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ByteOrder = Literal["little", "big"]

DW_TAG_COMPILE_UNIT = 0x11
DW_TAG_VARIABLE = 0x34
DW_AT_SIBLING = 0x01
DW_AT_LOCATION = 0x02
DW_AT_NAME = 0x03
DW_AT_LOW_PC = 0x11
DW_AT_HIGH_PC = 0x12
DW_AT_STR_OFFSETS_BASE = 0x72
DW_AT_ADDR_BASE = 0x73
DW_OP_ADDR = 0x03
DW_FORM_ADDR = 0x01
DW_FORM_IMPLICIT_CONST = 0x21
DW_UT_COMPILE, DW_UT_PARTIAL = 0x01, 0x03
WANTED = {
    DW_AT_SIBLING,
    DW_AT_LOCATION,
    DW_AT_NAME,
    DW_AT_LOW_PC,
    DW_AT_HIGH_PC,
    DW_AT_STR_OFFSETS_BASE,
    DW_AT_ADDR_BASE,
}

# Form -> fixed size; -1 = offset size, -2 = address size; absent = variable length.
_FIXED = {
    0x05: 2,
    0x06: 4,
    0x07: 8,
    0x0B: 1,
    0x0C: 1,
    0x11: 1,
    0x12: 2,
    0x13: 4,
    0x14: 8,
    0x19: 0,
    0x1C: 4,
    0x1E: 16,
    0x20: 8,
    0x21: 0,
    0x24: 8,
    0x25: 1,
    0x26: 2,
    0x27: 3,
    0x28: 4,
    0x29: 1,
    0x2A: 2,
    0x2B: 3,
    0x2C: 4,
    0x0E: -1,
    0x10: -1,
    0x17: -1,
    0x1D: -1,
    0x1F: -1,
    0x1F20: -1,
    0x1F21: -1,
    0x01: -2,
}
_ULEB_FORMS = {0x0F, 0x15, 0x1A, 0x1B, 0x22, 0x23, 0x1F01, 0x1F02}


class Unsupported(Exception):
    pass


@dataclass
class Abbrev:
    tag: int
    children: bool
    attrs: list[tuple[int, int, int]]  # (attribute, form, implicit const)
    fixed: int | None = None  # total size when every form has a fixed size
    sibling_at: tuple[int, int] | None = None  # (offset, size) of DW_AT_sibling in that layout


@dataclass
class ScanResult:
    units: list[tuple[str, int, int]] = field(default_factory=list)  # (name, low, high)
    unit_offsets: dict[int, str] = field(default_factory=dict)  # CU offset -> name
    variables: list[tuple[int, str]] = field(default_factory=list)  # (address, CU name)


def _uleb(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def _sleb(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            if byte & 0x40:
                result -= 1 << shift
            return result, pos


def _abbrevs(data: bytes, offset: int, addr_size: int) -> dict[int, Abbrev]:
    table: dict[int, Abbrev] = {}
    pos = offset
    while True:
        code, pos = _uleb(data, pos)
        if code == 0:
            return table
        tag, pos = _uleb(data, pos)
        children = data[pos] != 0
        pos += 1
        attrs = []
        while True:
            attr, pos = _uleb(data, pos)
            form, pos = _uleb(data, pos)
            if attr == 0 and form == 0:
                break
            implicit = 0
            if form == DW_FORM_IMPLICIT_CONST:
                implicit, pos = _sleb(data, pos)
            attrs.append((attr, form, implicit))
        table[code] = _plan(Abbrev(tag, children, attrs), addr_size)


def _plan(abbrev: Abbrev, addr_size: int) -> Abbrev:
    """Precompute the layout of DIEs whose attributes all have fixed sizes."""
    if abbrev.tag == DW_TAG_VARIABLE:
        return abbrev
    offset = 0
    for attr, form, _ in abbrev.attrs:
        size = _FIXED.get(form)
        if size is None or form == 0x10:
            return abbrev
        size = addr_size if size == -2 else 4 if size == -1 else size
        if attr == DW_AT_SIBLING:
            if form not in (0x11, 0x12, 0x13, 0x14):
                return abbrev
            abbrev.sibling_at = (offset, size)
        offset += size
    abbrev.fixed = offset
    return abbrev


def scan(info: bytes, abbrev: bytes, strs: bytes, line_strs: bytes, little: bool) -> ScanResult:
    order: ByteOrder = "little" if little else "big"
    out = ScanResult()
    cu_off = 0
    cache: dict[tuple[int, int], dict[int, Abbrev]] = {}
    while cu_off + 11 <= len(info):
        unit_length = int.from_bytes(info[cu_off : cu_off + 4], order)
        if unit_length >= 0xFFFFFFF0:
            raise Unsupported("64-bit DWARF")
        end = cu_off + 4 + unit_length
        version = int.from_bytes(info[cu_off + 4 : cu_off + 6], order)
        pos = cu_off + 6
        if version >= 5:
            unit_type, addr_size = info[pos], info[pos + 1]
            abbrev_off = int.from_bytes(info[pos + 2 : pos + 6], order)
            pos += 6
            if unit_type not in (DW_UT_COMPILE, DW_UT_PARTIAL):
                cu_off = end
                continue
        elif version >= 2:
            abbrev_off = int.from_bytes(info[pos : pos + 4], order)
            addr_size = info[pos + 4]
            pos += 5
        else:
            raise Unsupported(f"DWARF version {version}")
        key = (abbrev_off, addr_size)
        if key not in cache:
            cache[key] = _abbrevs(abbrev, abbrev_off, addr_size)
        _scan_unit(
            info, pos, end, cu_off, cache[key], addr_size, version, order, strs, line_strs, out
        )
        cu_off = end
    return out


def _scan_unit(
    info: bytes,
    pos: int,
    end: int,
    cu_off: int,
    table: dict[int, Abbrev],
    addr_size: int,
    version: int,
    order: ByteOrder,
    strs: bytes,
    line_strs: bytes,
    out: ScanResult,
) -> None:
    ref_addr_size = addr_size if version == 2 else 4
    name = ""
    depth = 0
    first = True
    while pos < end:
        code, pos = _uleb(info, pos)
        if code == 0:
            depth -= 1
            if depth <= 0:
                return
            continue
        abbrev = table.get(code)
        if abbrev is None:
            raise Unsupported(f"abbreviation {code} missing")
        if abbrev.fixed is not None and not first:
            if abbrev.children and abbrev.sibling_at is not None:
                at, size = abbrev.sibling_at
                pos = cu_off + int.from_bytes(info[pos + at : pos + at + size], order)  # type: ignore[arg-type]
                continue
            pos += abbrev.fixed
            if abbrev.children:
                depth += 1
            continue
        wanted = first or (depth == 1 and abbrev.tag == DW_TAG_VARIABLE)
        values: dict[int, tuple[int, object]] = {}
        for attr, form, implicit in abbrev.attrs:
            start = pos
            while form == 0x16:  # DW_FORM_indirect
                form, pos = _uleb(info, pos)
                start = pos
            fixed = _FIXED.get(form)
            if fixed is not None:
                fixed = addr_size if fixed == -2 else 4 if fixed == -1 else fixed
                if form == 0x10:
                    fixed = ref_addr_size
                pos += fixed
                if attr in WANTED and (wanted or attr == DW_AT_SIBLING):
                    value = (
                        implicit
                        if form == DW_FORM_IMPLICIT_CONST
                        else int.from_bytes(info[start:pos], order)
                    )
                    values[attr] = (form, value)
            elif form in _ULEB_FORMS:
                value, pos = _uleb(info, pos)
                if wanted or attr == DW_AT_SIBLING:
                    values[attr] = (form, value)
            elif form == 0x0D:
                _, pos = _sleb(info, pos)
            elif form == 0x08:  # inline string
                nul = info.index(b"\0", pos)
                if wanted and attr == DW_AT_NAME:
                    values[attr] = (form, info[pos:nul].decode("utf-8", "replace"))
                pos = nul + 1
            elif form in (0x18, 0x09, 0x0A, 0x03, 0x04):  # exprloc and blocks
                if form in (0x18, 0x09):
                    length, pos = _uleb(info, pos)
                else:
                    width = {0x0A: 1, 0x03: 2, 0x04: 4}[form]
                    length = int.from_bytes(info[pos : pos + width], order)
                    pos += width
                if wanted and attr == DW_AT_LOCATION:
                    values[attr] = (form, info[pos : pos + length])
                pos += length
            else:
                raise Unsupported(f"form 0x{form:x}")
        if first:
            first = False
            name = _string(values.get(DW_AT_NAME), strs, line_strs)
            out.unit_offsets[cu_off] = name
            low = values.get(DW_AT_LOW_PC)
            high = values.get(DW_AT_HIGH_PC)
            if low and high and low[0] == DW_FORM_ADDR and isinstance(low[1], int) and low[1] > 0:
                high_value = int(high[1])  # type: ignore[call-overload]
                end_pc = high_value if high[0] == DW_FORM_ADDR else low[1] + high_value
                out.units.append((name, low[1], end_pc))
            if not abbrev.children:
                return
            depth = 1
            continue
        if wanted:
            loc = values.get(DW_AT_LOCATION)
            if loc is not None and isinstance(loc[1], bytes) and len(loc[1]) == 1 + addr_size:
                expr = loc[1]
                if expr[0] == DW_OP_ADDR:
                    out.variables.append((int.from_bytes(expr[1:], order), name))  # type: ignore[arg-type]
        if abbrev.children:
            sibling = values.get(DW_AT_SIBLING)
            if sibling is not None and sibling[0] in (0x11, 0x12, 0x13, 0x14, 0x15):
                pos = cu_off + int(sibling[1])  # type: ignore[call-overload]
            else:
                depth += 1


def _string(value: tuple[int, object] | None, strs: bytes, line_strs: bytes) -> str:
    if value is None:
        return ""
    form, raw = value
    if isinstance(raw, str):
        return raw
    table = {0x0E: strs, 0x1F: line_strs}.get(form)
    if table is None or not isinstance(raw, int):
        raise Unsupported(f"name in form 0x{form:x}")
    nul = table.index(b"\0", raw)
    return table[raw:nul].decode("utf-8", "replace")
