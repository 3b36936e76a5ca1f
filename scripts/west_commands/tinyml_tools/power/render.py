"""`west power` for people: the budget table, what dominates, and a stacked energy plot."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from .budget import PowerBudget


def print_power(console: Console, b: PowerBudget) -> None:
    table = Table(title=f"{b.board.name}: average current by part ({b.cell.name} cell)")
    for col in ("part", "average uA", "share"):
        table.add_column(col, justify="left" if col == "part" else "right")
    total = b.total_ma
    for name, ma in sorted(b.parts_ma.items(), key=lambda kv: -kv[1]):
        table.add_row(name, f"{ma * 1e3:,.2f}", f"{ma / total:.1%}" if total else "-")
    table.add_row("total", f"{total * 1e3:,.2f}", "100%")
    console.print(table)
    a = b.activity
    console.print(
        f"inference {b.inference_ms:.3f} ms = {b.inference_uj:.1f} uJ; window (features + "
        f"inference + decision) {b.window_ms:.3f} ms = {b.window_uj:.1f} uJ at "
        f"{b.board.clock_hz / 1e6:g} MHz, {b.board.active_ma:g} mA active"
    )
    console.print(
        f"model runs in {a.armed_fraction:.1%} of windows, {a.events_per_hour:.1f} events/h "
        f"({a.source}); sensor {b.sensor.name} ({b.sensor.kind})"
    )
    console.print(
        f"battery: {b.cell.mah:g} mAh x {b.cell.usable:.0%} usable -> {b.hours:,.0f} h = "
        f"{b.hours / 24:,.1f} days; dominated by {b.dominant} "
        f"({b.parts_ma[b.dominant] / total:.0%})"
    )


def power_png(b: PowerBudget) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parts = sorted(b.parts_ma.items(), key=lambda kv: -kv[1])
    fig, ax = plt.subplots(figsize=(7.0, 2.6))
    left = 0.0
    colors = [plt.get_cmap("tab10")(i) for i in range(10)]
    for i, (name, ma) in enumerate(parts):
        ua = ma * 1e3
        ax.barh([0], [ua], left=left, color=colors[i % len(colors)], label=f"{name} {ua:,.1f} uA")
        left += ua
    ax.set_yticks([])
    ax.set_xlabel("average current (uA)")
    ax.set_title(
        f"{b.board.name}: where the energy goes ({b.total_ma * 1e3:,.1f} uA, "
        f"{b.hours / 24:,.1f} days on {b.cell.name})"
    )
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()
