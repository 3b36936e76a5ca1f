"""Two reports side by side: what a change cost per region, total, category and symbol."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .attribute import PieceKind
from .report import Report


def _delta(old: int | None, new: int | None) -> dict[str, int | None]:
    return {"old": old, "new": new, "delta": (new or 0) - (old or 0)}


def _symbol_sizes(report: Report) -> dict[tuple[str, str], int]:
    sizes: dict[tuple[str, str], int] = defaultdict(int)
    for piece in report.pieces:
        if piece.kind is PieceKind.SYMBOL:
            sizes[(piece.name, piece.section.name)] += piece.size
    return sizes


def diff_reports(old: Report, new: Report, top: int) -> dict[str, Any]:
    old_regions = {r.spec.name: r.used for r in old.regions}
    new_regions = {r.spec.name: r.used for r in new.regions}
    names = list(dict.fromkeys([*old_regions, *new_regions]))
    categories = list(dict.fromkeys([*old.categories, *new.categories]))
    old_syms, new_syms = _symbol_sizes(old), _symbol_sizes(new)
    changed = []
    for key in old_syms.keys() | new_syms.keys():
        before, after = old_syms.get(key), new_syms.get(key)
        if before != after:
            changed.append({"name": key[0], "section": key[1], **_delta(before, after)})
    changed.sort(key=lambda row: (-abs(int(row["delta"] or 0)), str(row["name"])))
    return {
        "old": str(old.elf),
        "new": str(new.elf),
        "totals": {
            "flash": _delta(old.totals.flash, new.totals.flash),
            "ram": _delta(old.totals.ram, new.totals.ram),
        },
        "regions": [{"name": n, **_delta(old_regions.get(n), new_regions.get(n))} for n in names],
        "categories": {
            c: _delta(sum(old.categories.get(c, (0, 0))), sum(new.categories.get(c, (0, 0))))
            for c in categories
        },
        "symbols": changed[:top],
        "symbols_changed": len(changed),
    }
