"""Rich tables and a tree for people."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from .budget import Breach, Limit
from .report import Report, group, region_cells, top_symbols
from .sizes import human


def _table(title: str, columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i == 0 else "right")
    return table


def print_report(console: Console, report: Report, top: int, tree: bool) -> None:
    t = report.totals
    console.print(
        f"[bold]{report.name}[/bold]  {report.elf}  ({report.image.arch}, "
        f"files from {report.attribution})"
    )
    regions = _table("Regions", ["region", "origin", "size", "used", "free", "use"])
    for r in report.regions:
        regions.add_row(*region_cells(r, human))
    console.print(regions)
    console.print(
        f"flash {t.flash} B = text {t.text} + data {t.data};  RAM {t.ram} B = data {t.data} "
        f"+ bss {t.bss}  (as arm-none-eabi-size);  load segments: flash {t.segments_flash} B, "
        f"RAM {t.segments_ram} B"
    )
    cats = _table("ML categories", ["category", "flash", "flash %", "RAM", "RAM %"])
    for name, (flash, ram) in report.categories.items():
        if flash or ram or name == "padding":
            cats.add_row(name, str(flash), percent(flash, t.flash), str(ram), percent(ram, t.ram))
    cats.add_row("[bold]total[/bold]", str(t.flash), "100%", str(t.ram), "100%")
    console.print(cats)
    syms = _table(f"Top {top} symbols", ["symbol", "bytes", "section", "category", "file"])
    for p in top_symbols(report.pieces, top):
        syms.add_row(p.name[:60], str(p.size), p.section.name, p.category, short_path(p.file))
    console.print(syms)
    mods = _table("Modules", ["module", "flash", "RAM"])
    for row in group(report.pieces, "module")[:top]:
        mods.add_row(row["name"], str(row["flash"]), str(row["ram"]))
    console.print(mods)
    if report.partitions:
        parts = _table("Flash partitions (devicetree)", ["partition", "offset", "size"])
        for part in report.partitions:
            note = (
                "  [dim](model slot: weights outside the image)[/dim]" if part.holds_model else ""
            )
            parts.add_row(part.label + note, f"0x{part.offset:x}", human(part.size))
        console.print(parts)
    console.print(heap_line(report))
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if tree:
        console.print(build_tree(report, top))


def short_path(path: str | None, keep: int = 2) -> str:
    """The last ``keep`` parts of a long path, so a narrow table still shows the file name."""
    if path is None:
        return "?"
    parts = path.split("/")
    return path if len(parts) <= keep + 1 else "…/" + "/".join(parts[-keep:])


def heap_line(report: Report) -> str:
    if not report.heap_known:
        return (
            "heap: unknown: no symbol table (stripped ELF), so whether malloc, k_malloc or "
            "operator new is linked in cannot be told"
        )
    if not report.allocators:
        return "heap: no allocator linked in (no malloc/k_malloc/operator new)"
    names = ", ".join(a.name for a in report.allocators)
    if report.heap_memory.proven_empty:
        return f"heap: allocator code linked in ({names}), {report.heap_memory.finding}"
    return (
        f"heap: allocator linked in: {names} (the design promises no allocation after init); "
        f"{report.heap_memory.finding}"
    )


def percent(part: int, whole: int | None) -> str:
    """``part`` as a share of ``whole`` ("-" when the whole is unknown or empty)."""
    return f"{100 * part / whole:.1f}%" if whole else "-"


def build_tree(report: Report, top: int) -> Tree:
    """region -> section -> module -> file -> symbols, each level largest first.

    A section sits under every region it occupies: ``.data`` under the flash region (its
    initial values) and under the RAM region (where it runs), as in the region table. Each node
    shows its share of the region (of the region's size when known, else of what it uses).
    """
    root = Tree(f"{report.name}")
    nested: dict[str, dict[str, dict[str, dict[str, list[Any]]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    )
    regions_of: dict[str, list[str]] = defaultdict(list)
    whole: dict[str, int | None] = {}
    for r in report.regions:
        whole[r.spec.name] = r.spec.size or r.used
        for s in r.sections:
            if r.spec.name not in regions_of[s]:
                regions_of[s].append(r.spec.name)
    for p in report.pieces:
        for region in regions_of.get(p.section.name, ["?"]):
            module, file = p.module or "(unknown)", p.file or "(unknown)"
            nested[region][p.section.name][module][file].append(p)

    def size(node: object) -> int:
        if isinstance(node, list):
            return sum(p.size for p in node)
        assert isinstance(node, dict)
        return sum(size(v) for v in node.values())

    for region, sections in sorted(nested.items(), key=lambda kv: -size(kv[1])):
        of = whole.get(region)

        def label(name: str, node: object, of: int | None = of) -> str:
            return f"{name} {size(node)} B ({percent(size(node), of)})"

        r_node = root.add(f"[bold]{label(region, sections)}[/bold]")
        for section, modules in sorted(sections.items(), key=lambda kv: -size(kv[1])):
            s_node = r_node.add(label(section, modules))
            for module, files in sorted(modules.items(), key=lambda kv: -size(kv[1]))[:top]:
                m_node = s_node.add(label(module, files))
                for file, pieces in sorted(files.items(), key=lambda kv: -size(kv[1]))[:top]:
                    f_node = m_node.add(label(file, pieces))
                    for p in sorted(pieces, key=lambda p: -p.size)[:top]:
                        f_node.add(f"{label(p.name, [p])} [dim]{p.category}[/dim]")
    return root


def print_budget(
    console: Console, budget_name: str, limits: list[Limit], breaches: list[Breach]
) -> None:
    table = _table(f"Budget {budget_name}", ["limit", "used", "budget", "verdict"])
    for limit in limits:
        verdict = "[green]ok[/green]" if limit.ok else "[red]OVER[/red]"
        table.add_row(limit.what, str(limit.used), str(limit.limit), verdict)
    console.print(table)
    if breaches:
        console.print(f"[red bold]budget: {len(breaches)} breach(es)[/red bold]")
    else:
        console.print(f"[green bold]budget: within {budget_name}[/green bold]")


def print_diff(console: Console, diff: dict[str, Any]) -> None:
    console.print(f"[bold]{diff['old']}[/bold] -> [bold]{diff['new']}[/bold]")
    table = _table("Totals and regions", ["", "old", "new", "delta"])
    for name, row in diff["totals"].items():
        table.add_row(f"total {name}", str(row["old"]), str(row["new"]), _signed(row["delta"]))
    for row in diff["regions"]:
        table.add_row(
            f"region {row['name']}", str(row["old"]), str(row["new"]), _signed(row["delta"])
        )
    console.print(table)
    cats = _table("Categories", ["category", "old", "new", "delta"])
    for name, row in diff["categories"].items():
        if row["old"] or row["new"]:
            cats.add_row(name, str(row["old"]), str(row["new"]), _signed(row["delta"]))
    console.print(cats)
    syms = _table(
        f"Symbols changed ({diff['symbols_changed']})", ["symbol", "section", "old", "new", "delta"]
    )
    for row in diff["symbols"]:
        syms.add_row(
            row["name"][:60],
            row["section"],
            str(row["old"] or "-"),
            str(row["new"] or "-"),
            _signed(row["delta"]),
        )
    console.print(syms)


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)
