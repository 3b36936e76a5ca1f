"""Views for people who would rather look: a self-contained HTML page (inline SVG bars) or a
PNG (matplotlib). Files are written whole or not at all (``tinyml_tools.writefile``), with
the permissions of any new file."""

from __future__ import annotations

import html
from typing import Any

from .budget import Breach, Limit
from .report import Report, top_symbols

# Tableau 20: ten hues, each dark and light; categories beyond it get evenly spaced hues.
PALETTE = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63",
    "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e",
]  # fmt: skip


def _extra_color(i: int) -> str:
    import colorsys

    hue = (i * 0.618033988749895) % 1.0  # golden-ratio steps never repeat a hue
    r, g, b = colorsys.hsv_to_rgb(hue, 0.55, 0.75)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def category_colors(names: list[str]) -> dict[str, str]:
    """One distinct colour per category (no two categories share one)."""
    colors: dict[str, str] = {}
    extra = 0
    for i, name in enumerate(names):
        color = PALETTE[i] if i < len(PALETTE) else _extra_color(extra)
        while color in colors.values():
            extra += 1
            color = _extra_color(extra)
        colors[name] = color
    return colors


def _colors(report: Report) -> dict[str, str]:
    return category_colors(list(report.categories))


def _bar_svg(title: str, parts: list[tuple[str, int, str]], total: int, width: int = 720) -> str:
    y, height = 22, 28
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + height + 4}">',
        f'<text x="0" y="15" font-size="13">{html.escape(title)}</text>',
    ]
    x = 0.0
    for name, size, color in parts:
        if size <= 0 or total <= 0:
            continue
        w = width * size / total
        svg.append(
            f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{height}" fill="{color}">'
            f"<title>{html.escape(name)}: {size} B</title></rect>"
        )
        x += w
    svg.append("</svg>")
    return "".join(svg)


BudgetView = tuple[str, list[Limit], list[Breach]]  # name, every limit, the breaches


def _budget_html(budget: BudgetView | None) -> str:
    if budget is None:
        return ""
    name, limits, breaches = budget
    rows = "".join(
        f"<tr><td>{html.escape(lim.what)}</td><td>{lim.used}</td><td>{lim.limit}</td>"
        f'<td style="color:{"#2e7d32" if lim.ok else "#c62828"}">'
        f"{'ok' if lim.ok else 'OVER'}</td></tr>"
        for lim in limits
    )
    lines = "".join(f"<li>{html.escape(b.line())}</li>" for b in breaches)
    verdict = (
        f'<p style="color:#c62828"><b>{len(breaches)} breach(es)</b></p><ul>{lines}</ul>'
        if breaches
        else f'<p style="color:#2e7d32"><b>within {html.escape(name)}</b></p>'
    )
    return (
        f"<h2>Budget {html.escape(name)}</h2>{verdict}<table><tr><th>limit</th><th>used</th>"
        f"<th>budget</th><th>verdict</th></tr>{rows}</table>"
    )


def report_html(report: Report, top: int, budget: BudgetView | None = None) -> str:
    colors = _colors(report)
    t = report.totals
    flash = [(n, f, colors[n]) for n, (f, _) in report.categories.items()]
    ram = [(n, r, colors[n]) for n, (_, r) in report.categories.items()]
    legend = "".join(
        f'<span style="margin-right:1em"><span style="display:inline-block;width:12px;'
        f'height:12px;background:{colors[n]}"></span> {html.escape(n)} ({f + r} B: '
        f"{_pct(f, t.flash)} of flash, {_pct(r, t.ram)} of RAM)</span>"
        for n, (f, r) in report.categories.items()
        if f or r
    )
    region_bars = []
    for r in report.regions:
        if r.spec.size:
            region_bars.append(
                _bar_svg(
                    f"{r.spec.name}: {r.extent} of {r.spec.size} B",
                    [("used", r.extent, "#4e79a7"), ("free", r.free or 0, "#e0e0e0")],
                    r.spec.size,
                )
            )
    rows = "".join(
        f"<tr><td>{html.escape(p.name)}</td><td>{p.size}</td><td>{html.escape(p.section.name)}</td>"
        f"<td>{html.escape(p.category)}</td><td>{html.escape(p.file or '?')}</td></tr>"
        for p in top_symbols(report.pieces, top)
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>memreport {html.escape(report.name)}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:2px 8px;text-align:right}}
td:first-child,th:first-child{{text-align:left}}</style></head><body>
<h1>Memory of {html.escape(report.name)}</h1>
<p>Flash {t.flash} B (text {t.text} + data {t.data});
RAM {t.ram} B (data {t.data} + bss {t.bss}).</p>
{_bar_svg(f"Flash by category ({t.flash} B)", flash, t.flash)}
{_bar_svg(f"RAM by category ({t.ram} B)", ram, t.ram)}
<p>{legend}</p>
{_budget_html(budget)}
<h2>Regions</h2>
{"".join(region_bars)}
<h2>Top {top} symbols</h2>
<table><tr><th>symbol</th><th>bytes</th><th>section</th><th>category</th><th>file</th></tr>
{rows}</table></body></html>
"""


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def png_figure(report: Report) -> Any:
    """Flash and RAM by category, and each region's use against its size (the limit line)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = _colors(report)
    sized = [r for r in report.regions if r.spec.size]
    fig, (ax, reg) = plt.subplots(
        2, 1, figsize=(9, 2.8 + 0.5 * max(len(sized), 1)), height_ratios=[2, max(len(sized), 1)]
    )
    for row, index in (("RAM", 1), ("flash", 0)):
        left = 0
        for name, (flash, ram) in report.categories.items():
            size = flash if index == 0 else ram
            if size:
                ax.barh(row, size / 1024, left=left / 1024, color=colors[name], label=name)
                left += size
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(
        unique.values(), unique.keys(), fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5)
    )
    ax.set_xlabel("KiB")
    ax.set_title(f"memory of {report.name} by category")
    for i, region in enumerate(sized):
        assert region.spec.size is not None
        limit = region.spec.size / 1024
        over = region.extent > region.spec.size
        reg.barh(i, region.extent / 1024, color="#c62828" if over else "#4e79a7")
        reg.plot([limit, limit], [i - 0.45, i + 0.45], color="black", lw=2, label="limit")
        reg.text(limit, i, f" {region.spec.size // 1024} KiB", va="center", ha="left", fontsize=7)
    reg.set_yticks(range(len(sized)), [r.spec.name for r in sized])
    reg.set_xlabel("KiB used (bar) of the region's size (black line: the limit)")
    if not sized:
        reg.text(0.5, 0.5, "region sizes unknown (pass --map)", ha="center", va="center")
        reg.set_axis_off()
    fig.tight_layout()
    return fig


def report_png(report: Report) -> bytes:
    import io

    import matplotlib.pyplot as plt

    fig = png_figure(report)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()
