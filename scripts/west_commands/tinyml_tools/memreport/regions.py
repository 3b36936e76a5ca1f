"""Memory regions and what the image occupies in each.

Regions come from the linker's own record (map file "Memory Configuration"), else a Zephyr
build's linker.cmd MEMORY block or devicetree, else the ELF's program headers (then their
sizes are unknown). A section occupies its run address (VMA) and, when it has contents stored
elsewhere, its load address (LMA) too: .data costs both flash and RAM.
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path

from .elfimage import ElfImage, Section, SectionKind
from .mapfile import MapRegion

OUTSIDE = "(outside any region)"


@dataclass(frozen=True)
class RegionSpec:
    name: str
    origin: int
    size: int | None
    source: str


@dataclass
class RegionUse:
    spec: RegionSpec
    used: int = 0  # bytes occupied (overlaps counted once)
    extent: int = 0  # end of the last occupied byte minus origin, as ld's --print-memory-usage
    overlap: int = 0  # bytes two sections both claim (overlays)
    sections: list[str] = field(default_factory=list)

    @property
    def free(self) -> int | None:
        return None if self.spec.size is None else self.spec.size - self.extent


def specs_from_map(regions: list[MapRegion]) -> list[RegionSpec]:
    return [RegionSpec(r.name, r.origin, r.length, "map file") for r in regions]


_MEMORY_BLOCK_RE = re.compile(r"\bMEMORY\s*\{(?P<body>.*?)\}", re.S)
_MEMORY_LINE_RE = re.compile(
    r"(?P<name>\w+)\s*(?:\([^)]*\))?\s*:\s*ORIGIN\s*=\s*(?P<origin>[^,]+),\s*LENGTH\s*=\s*(?P<length>[^\n;]+)"
)


def specs_from_linker_script(text: str) -> list[RegionSpec]:
    """MEMORY { NAME (attrs) : ORIGIN = expr, LENGTH = expr } with K/M and + - * / ( )."""
    specs = []
    for block in _MEMORY_BLOCK_RE.finditer(re.sub(r"/\*.*?\*/", "", text, flags=re.S)):
        for line in _MEMORY_LINE_RE.finditer(block.group("body")):
            try:
                origin = _evaluate(line.group("origin"))
                length = _evaluate(line.group("length"))
            except (ValueError, SyntaxError, ZeroDivisionError):
                continue  # e.g. an unexpanded CONFIG_ macro
            specs.append(RegionSpec(line.group("name"), origin, length, "linker script"))
    return specs


_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Div: operator.floordiv,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
}


def _evaluate(expr: str) -> int:
    expr = re.sub(r"\b(\d+)\s*[kK]\b", r"(\1*1024)", expr.strip())
    expr = re.sub(r"\b(\d+)\s*[mM]\b", r"(\1*1048576)", expr)
    return _eval_node(ast.parse(expr, mode="eval").body)


def _eval_node(node: ast.expr) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return int(_BINOPS[type(node.op)](_eval_node(node.left), _eval_node(node.right)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval_node(node.operand)
    raise ValueError("unsupported expression")


_CHOSEN_RE = re.compile(r"zephyr,(?P<what>sram|flash)\s*=\s*&(?P<label>\w+)\s*;")


def specs_from_devicetree(text: str) -> list[RegionSpec]:
    """The chosen zephyr,flash and zephyr,sram nodes of a Zephyr build's zephyr.dts."""
    specs = []
    for chosen in _CHOSEN_RE.finditer(text):
        label = chosen.group("label")
        node = re.search(
            rf"\b{label}\s*:\s*[\w,-]+@[0-9a-fA-F]+\s*\{{(?P<body>.*?)\}};", text, re.S
        )
        if not node:
            continue
        reg = re.search(
            r"\breg\s*=\s*<\s*(0x[0-9a-fA-F]+|\d+)\s+(0x[0-9a-fA-F]+|\d+)\s*>", node.group("body")
        )
        if not reg:
            continue
        name = "FLASH" if chosen.group("what") == "flash" else "RAM"
        specs.append(RegionSpec(name, int(reg.group(1), 0), int(reg.group(2), 0), "devicetree"))
    return specs


@dataclass(frozen=True)
class Partition:
    """A fixed flash partition of the devicetree (a model slot holds weights outside the ELF)."""

    label: str
    offset: int
    size: int

    @property
    def holds_model(self) -> bool:
        return "model" in self.label.lower()


_PARTITION_RE = re.compile(r"(?P<node>\w+)\s*:\s*partition@[0-9a-fA-F]+\s*\{(?P<body>[^{}]*)\}\s*;")


def partitions_from_devicetree(text: str) -> list[Partition]:
    found = []
    for match in _PARTITION_RE.finditer(text):
        body = match.group("body")
        label = re.search(r'\blabel\s*=\s*"([^"]*)"', body)
        reg = re.search(r"\breg\s*=\s*<\s*(0x[0-9a-fA-F]+|\d+)\s+(0x[0-9a-fA-F]+|\d+)\s*>", body)
        if reg:
            name = label.group(1) if label else match.group("node")
            found.append(Partition(name, int(reg.group(1), 0), int(reg.group(2), 0)))
    return found


def specs_from_segments(image: ElfImage) -> list[RegionSpec]:
    """Without a linker record: one FLASH span (stored bytes) and one RAM span (writable)."""
    stored = [s.lma for s in image.sections if s.kind is not SectionKind.BSS and s.size]
    writable = [s.addr for s in image.sections if s.kind is not SectionKind.TEXT and s.size]
    specs = []
    if stored:
        specs.append(RegionSpec("FLASH", min(stored), None, "program headers"))
    if writable:
        specs.append(RegionSpec("RAM", min(writable), None, "program headers"))
    return specs


def occupy(image: ElfImage, specs: list[RegionSpec]) -> list[RegionUse]:
    uses = [RegionUse(spec) for spec in specs]
    ranges: dict[int, list[tuple[int, int]]] = {}
    outside = RegionUse(RegionSpec(OUTSIDE, 0, None, "-"))
    for section in image.sections:
        if section.size == 0:
            continue
        for start in _addresses(section, image):
            use = _find(uses, specs, start) or outside
            key = id(use)
            ranges.setdefault(key, []).append((start, start + section.size))
            if section.name not in use.sections:
                use.sections.append(section.name)
    for use in [*uses, outside]:
        spans = sorted(ranges.get(id(use), []))
        total = sum(end - start for start, end in spans)
        use.used = _union_length(spans)
        use.overlap = total - use.used
        if spans:
            use.extent = max(end for _, end in spans) - use.spec.origin
    if outside.sections:
        outside.spec = RegionSpec(OUTSIDE, min(r[0] for r in ranges[id(outside)]), None, "-")
        outside.extent = 0
        uses.append(outside)
    return uses


def _addresses(section: Section, image: ElfImage) -> list[int]:
    if section.kind is SectionKind.BSS:
        return [section.addr]
    if section.lma != section.addr:
        return [section.addr, section.lma]
    return [section.addr]


def _find(uses: list[RegionUse], specs: list[RegionSpec], addr: int) -> RegionUse | None:
    for use, spec in zip(uses, specs, strict=True):
        if spec.size is None:
            continue
        if spec.origin <= addr < spec.origin + spec.size:
            return use
    # Regions of unknown size (program headers): the closest origin at or below the address.
    best = None
    for use, spec in zip(uses, specs, strict=True):
        if (
            spec.size is None
            and spec.origin <= addr
            and (best is None or spec.origin > best.spec.origin)
        ):
            best = use
    return best


def _union_length(spans: list[tuple[int, int]]) -> int:
    total, cur_start, cur_end = 0, None, None
    for start, end in spans:
        if cur_end is None or start > cur_end:
            if cur_end is not None and cur_start is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None and cur_start is not None:
        total += cur_end - cur_start
    return total


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return None
