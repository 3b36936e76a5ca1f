"""The profile for people: a rich table per layer, totals, and a PNG of cost and live memory."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from .report import Profile


def _n(value: float) -> str:
    return f"{round(value):,}"


def print_profile(console: Console, profile: Profile, measured_scale: float | None = None) -> None:
    """Per-layer table and totals; with measurements, their column and the ratio."""
    has_measured = profile.measured_unit is not None
    table = Table(title=f"{profile.model.name}: per layer (Cortex-M4F instructions, CMSIS-NN)")
    for col in ("#", "op", "kernel", "in", "out", "params", "MACs", "live B", "est. instr"):
        table.add_column(col, justify="left" if col in ("op", "kernel", "in", "out") else "right")
    if has_measured:
        table.add_column(f"measured {profile.measured_unit}", justify="right")
        table.add_column("meas/est", justify="right")
    total = profile.inference
    for la in profile.layers:
        share = la.instructions / total if total else 0.0
        kernel = la.kernel if la.costed_as == la.kernel else f"{la.kernel} (~{la.costed_as})"
        row = [
            str(la.index),
            la.op,
            kernel,
            la.inputs,
            la.outputs,
            _n(la.params),
            _n(la.macs),
            _n(la.extent_bytes) + (" *" if la.peak else ""),
            f"{_n(la.instructions)} {share:5.1%}",
        ]
        if has_measured:
            est = la.instructions * (measured_scale or 1.0)
            row += [_n(la.measured or 0), f"{(la.measured or 0) / est:.2f}" if est else "-"]
        table.add_row(*row)
    console.print(table)
    console.print(
        f"* peak layer: sets the arena head ({profile.arena_head:,} B); arena "
        f"{profile.arena_bytes:,} B = head + {profile.arena_tail:,} B persistent. "
        "live B = highest planned byte in use while the layer runs."
    )
    lines = [f"inference: {_n(profile.inference)} instructions"]
    if profile.board is not None:
        b = profile.board
        ms = b.seconds(profile.inference) * 1e3
        lines[0] += (
            f" = {ms:.2f} ms on {b.name} ({b.core} at {b.clock_hz / 1e6:g} MHz, "
            f"{b.scale.typical:g} cycles/instruction; {ms * b.scale.low / b.scale.typical:.2f}.."
            f"{ms * b.scale.high / b.scale.typical:.2f} ms)"
        )
    if profile.pipeline is not None and profile.window is not None:
        p = profile.pipeline
        lines.append(
            f"window ({p.name}, every {p.hop_samples} samples = {p.windows_per_second:g}/s): "
            f"features {_n(p.features_per_window)} + inference {_n(profile.inference)} + "
            f"decision {_n(p.decision_per_window)} = {_n(profile.window)} instructions"
        )
        if profile.per_second is not None:
            line = f"per second of signal: {_n(profile.per_second)} instructions"
            if profile.duty is not None and profile.board is not None:
                line += (
                    f" = {profile.ms(profile.window) or 0:.2f} ms per window, CPU duty "
                    f"{profile.duty:.2%} at {profile.board.clock_hz / 1e6:g} MHz "
                    "(model on every window; west power uses the trigger's duty)"
                )
            lines.append(line)
    if has_measured:
        measured = sum(la.measured or 0 for la in profile.layers)
        est = sum(la.instructions for la in profile.layers) * (measured_scale or 1.0)
        lines.append(
            f"measured: {_n(measured)} {profile.measured_unit} over the layers, estimate "
            f"{_n(est)} ({(est - measured) / measured:+.1%})"
            if measured
            else "measured: 0"
        )
    for line in lines:
        console.print(line)


def profile_png(profile: Profile) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    layers = profile.layers
    x = list(range(len(layers)))
    labels = [f"{la.index} {la.op[:14]}" for la in layers]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(layers) + 2), 4.2))
    colors = ["#d62728" if la.peak else "#1f77b4" for la in layers]
    ax.bar(x, [la.instructions / 1e3 for la in layers], color=colors, label="est. instructions")
    if any(la.measured is not None for la in layers):
        ax.plot(x, [(la.measured or 0) / 1e3 for la in layers], "kD", label="measured")
    ax.set_ylabel("thousand instructions (Cortex-M4F)")
    ax.set_xticks(x, labels, rotation=60, ha="right", fontsize=7)
    ax2 = ax.twinx()
    ax2.step(
        x,
        [la.extent_bytes / 1024 for la in layers],
        where="mid",
        color="#ff7f0e",
        label="arena in use (KiB)",
    )
    ax2.set_ylabel("arena in use while it runs (KiB)")
    ax2.set_ylim(bottom=0)
    handles = ax.get_legend_handles_labels()
    handles2 = ax2.get_legend_handles_labels()
    ax.legend(handles[0] + handles2[0], handles[1] + handles2[1], fontsize=8, loc="upper right")
    ax.set_title(f"{profile.model.name}: cost and live memory per layer (red: peak layer)")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()
