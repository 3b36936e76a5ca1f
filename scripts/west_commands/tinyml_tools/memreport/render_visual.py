"""Views for people who would rather look: a self-contained HTML page (inline SVG bars) or a
PNG (matplotlib). Files are written whole or not at all (temporary file, then rename)."""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

from ..errors import InputError
from .report import Report, top_symbols

PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#86bcb6",
    "#d4a6c8",
]


def _colors(report: Report) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(report.categories)}


def write_atomically(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(path, "its folder does not exist")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def report_html(report: Report, top: int) -> str:
    colors = _colors(report)
    t = report.totals
    flash = [(n, f, colors[n]) for n, (f, _) in report.categories.items()]
    ram = [(n, r, colors[n]) for n, (_, r) in report.categories.items()]
    legend = "".join(
        f'<span style="margin-right:1em"><span style="display:inline-block;width:12px;'
        f'height:12px;background:{colors[n]}"></span> {html.escape(n)} ({f + r} B)</span>'
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
<h2>Regions</h2>
{"".join(region_bars)}
<h2>Top {top} symbols</h2>
<table><tr><th>symbol</th><th>bytes</th><th>section</th><th>category</th><th>file</th></tr>
{rows}</table></body></html>
"""


def report_png(report: Report) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = _colors(report)
    fig, ax = plt.subplots(figsize=(9, 2.8))
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
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()
