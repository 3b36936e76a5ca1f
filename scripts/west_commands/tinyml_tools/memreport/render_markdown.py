"""Markdown for CI comments: the same figures as the tables, GitHub-flavoured."""

from __future__ import annotations

from typing import Any

from .budget import Breach, Limit
from .render_text import heap_line
from .report import Report, region_cells, top_symbols


def _table(columns: list[str], rows: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(columns) - 1)) + "|",
    ]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return [*lines, ""]


def report_markdown(report: Report, top: int) -> str:
    t = report.totals
    out = [f"### Memory of `{report.name}`", ""]
    out += [
        f"Flash **{t.flash} B** (text {t.text} + data {t.data}), RAM **{t.ram} B** "
        f"(data {t.data} + bss {t.bss}), as `arm-none-eabi-size` counts them.",
        "",
    ]
    rows = [region_cells(r, str) for r in report.regions]
    out += _table(["region", "origin", "size", "used", "free", "use"], rows)
    rows = [[n, str(f), str(r)] for n, (f, r) in report.categories.items() if f or r]
    out += _table(["category", "flash", "RAM"], rows)
    rows = [
        [f"`{p.name}`", str(p.size), p.section.name, p.category, p.file or "?"]
        for p in top_symbols(report.pieces, top)
    ]
    out += _table(["symbol", "bytes", "section", "category", "file"], rows)
    out += [heap_line(report), ""]
    return "\n".join(out)


def budget_markdown(name: str, limits: list[Limit], breaches: list[Breach]) -> str:
    rows = [
        [lim.what, str(lim.used), str(lim.limit), "ok" if lim.ok else "**OVER**"] for lim in limits
    ]
    out = [f"### Budget `{name}`", "", *_table(["limit", "used", "budget", "verdict"], rows)]
    out += [f"- {b.line()}" for b in breaches] or ["Within budget."]
    return "\n".join([*out, ""])


def diff_markdown(diff: dict[str, Any]) -> str:
    out = [f"### Memory diff `{diff['old']}` → `{diff['new']}`", ""]
    rows = [
        [f"total {n}", str(r["old"]), str(r["new"]), f"{r['delta']:+d}"]
        for n, r in diff["totals"].items()
    ]
    rows += [
        [f"region {r['name']}", str(r["old"]), str(r["new"]), f"{r['delta']:+d}"]
        for r in diff["regions"]
    ]
    out += _table(["", "old", "new", "delta"], rows)
    rows = [
        [n, str(r["old"]), str(r["new"]), f"{r['delta']:+d}"]
        for n, r in diff["categories"].items()
        if r["delta"]
    ]
    out += _table(["category", "old", "new", "delta"], rows)
    rows = [
        [
            f"`{r['name']}`",
            r["section"],
            str(r["old"] or "-"),
            str(r["new"] or "-"),
            f"{r['delta']:+d}",
        ]
        for r in diff["symbols"]
    ]
    out += _table(["symbol", "section", "old", "new", "delta"], rows)
    return "\n".join(out)
