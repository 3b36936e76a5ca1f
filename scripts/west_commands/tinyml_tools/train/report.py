"""The training report: learning curves, the threshold sweep on validation, the confusion
matrix and score histograms of the validation replay, and figures per condition; PNGs, an
HTML page embedding them and JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from ..replay import report as replay_report
from ..replay.settings import DetectorSettings
from .calibrate import Calibration, Replayed, evaluate


def _curves(path: Path, history: dict[str, list[float]]) -> Path:
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    if not history:
        ax.text(0.5, 0.5, "curves of the original training run not kept", ha="center")
    for key, values in history.items():
        ax.plot(range(1, len(values) + 1), values, label=key)
    ax.set_xlabel("epoch")
    ax.set_yscale("log" if all(v > 0 for vs in history.values() for v in vs) else "linear")
    ax.set_title("training curves")
    if history:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _sweep(path: Path, cal: Calibration) -> Path:
    t = [c.threshold for c in cal.curve]
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    ax.plot(t, [c.recall for c in cal.curve], label="recall", color="#4c72b0")
    ax.plot(t, [c.precision for c in cal.curve], label="precision", color="#55a868")
    ax.set_xlabel("threshold")
    ax.set_ylim(0, 1.05)
    ax2 = ax.twinx()
    ax2.plot(t, [c.false_triggers_per_hour for c in cal.curve], color="#c44e52", label="FT/h")
    ax2.set_ylabel("false triggers per hour", color="#c44e52")
    ax.axvline(cal.chosen.threshold, color="k", ls="--", lw=1)
    ax.set_title(f"validation replay; chosen {cal.chosen.threshold:g} for {cal.target.text()}")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _histogram(path: Path, runs: Sequence[Replayed], labels: Sequence[str], thr: float) -> Path:
    inside, outside = [], []
    for r in runs:
        if r.result.scores.shape[0] == 0:
            continue
        best = r.result.scores[:, 1:].max(axis=1)
        t = r.result.run_times_s
        hit = np.zeros(t.shape[0], bool)
        for e in r.events:
            hit |= (t >= e.start) & (t <= e.end + 0.2)
        inside.extend(best[hit].tolist())
        outside.extend(best[~hit].tolist())
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    bins = [float(b) for b in np.linspace(0, 1, 41)]
    ax.hist(outside, bins=bins, alpha=0.6, label=f"outside events ({len(outside)})", log=True)
    ax.hist(inside, bins=bins, alpha=0.6, label=f"inside events ({len(inside)})", log=True)
    ax.axvline(thr, color="k", ls="--", lw=1, label="threshold")
    ax.set_xlabel(f"score of {'/'.join(labels[1:])[:40]} (model runs)")
    ax.set_title("validation score histogram")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def per_condition(
    cal: Calibration, labels: Sequence[str], settings: DetectorSettings
) -> dict[str, dict[str, float | None]]:
    out = {}
    thresholds = dict.fromkeys(labels[1:], cal.chosen.threshold)
    for cond in sorted({r.condition for r in cal.replayed}):
        runs = [r for r in cal.replayed if r.condition == cond]
        m = evaluate(runs, labels, thresholds, settings)
        out[cond] = {
            "recordings": len(runs),
            "events": m.events,
            "recall": None if m.recall is None else round(m.recall, 4),
            "precision": None if m.precision is None else round(m.precision, 4),
            "false_triggers_per_hour": round(m.false_triggers_per_hour, 3),
        }
    return out


def _conditions(path: Path, table: dict[str, dict[str, float | None]]) -> Path:
    names = list(table)
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.35 * max(1, len(names))), dpi=100)
    y = np.arange(len(names))
    # an undefined rate (no event, no detection) is drawn as an empty bar
    ax.barh(y - 0.2, [table[n]["recall"] or 0.0 for n in names], 0.4, label="recall")
    ax.barh(y + 0.2, [table[n]["precision"] or 0.0 for n in names], 0.4, label="precision")
    ax.set_yticks(y, [n[:60] for n in names], fontsize=7)
    ax.set_xlim(0, 1.05)
    ax.invert_yaxis()
    ax.set_title("validation per condition")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def write(
    out: Path,
    title: str,
    summary: dict[str, Any],
    history: dict[str, list[float]],
    cal: Calibration,
    labels: Sequence[str],
    settings: DetectorSettings,
) -> tuple[Path, dict[str, Any]]:
    out = replay_report.prepare_dir(out)
    conditions = per_condition(cal, labels, settings)
    images = [_curves(out / "curves.png", history), _sweep(out / "thresholds.png", cal)]
    images.append(_histogram(out / "scores.png", cal.replayed, labels, cal.chosen.threshold))
    confusion = out / "confusion.png"
    replay_report.plot_confusion(confusion, cal.metrics, "validation events")
    images.append(confusion)
    if conditions:
        images.append(_conditions(out / "conditions.png", conditions))
    data = dict(summary, per_condition=conditions, history=history)
    data["threshold_sweep"] = [c.__dict__ for c in cal.curve]
    replay_report.write_json(out / "training.json", data)
    html = out / "report.html"
    replay_report.write_html(html, title, summary, images)
    return html, data
