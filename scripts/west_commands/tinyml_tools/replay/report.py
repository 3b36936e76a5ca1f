"""The replay report: PNG plots, a self-contained HTML page embedding them, and JSON.

Plots: the score timeline (each class's score per model run, the class thresholds, the
labelled events as shaded spans and the device's events as markers) and the confusion matrix.
Nothing is shown on screen (matplotlib's Agg backend).
"""

from __future__ import annotations

import base64
import html
import io
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt

from ..errors import InputError
from ..writefile import write_atomically
from .labels import LabeledEvent
from .metrics import Detection, Metrics

_COLORS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860")


@dataclass(frozen=True)
class Timeline:
    """What the plot needs from a replay: times of model runs and their scores."""

    times_s: npt.NDArray[np.float64]
    scores: npt.NDArray[np.float64]  # (runs, classes), 0..1
    classes: tuple[str, ...]
    thresholds: dict[str, float]
    seconds: float
    drift_times_s: npt.NDArray[np.float64] | None = None
    drift_scores: npt.NDArray[np.float64] | None = None
    drift_alarm: float | None = None


def plot_timeline(
    path: Path,
    timeline: Timeline,
    detections: Sequence[Detection],
    labels: Sequence[LabeledEvent],
    title: str,
) -> None:
    fig, ax = plt.subplots(figsize=(12, 3.6), dpi=100)
    for ev in labels:
        color = (
            _COLORS[timeline.classes.index(ev.label) % len(_COLORS)]
            if ev.label in (timeline.classes)
            else "#999999"
        )
        ax.axvspan(ev.start, ev.end, color=color, alpha=0.18, lw=0)
    for i, cls in enumerate(timeline.classes):
        if i == 0 and len(timeline.classes) > 1:
            continue  # the background score is 1 - the rest; it only clutters the plot
        color = _COLORS[i % len(_COLORS)]
        if timeline.times_s.size:
            ax.plot(timeline.times_s, timeline.scores[:, i], ".", ms=2.5, color=color, label=cls)
        if cls in timeline.thresholds:
            ax.axhline(timeline.thresholds[cls], color=color, ls="--", lw=0.8)
    for det in detections:
        i = timeline.classes.index(det.label) if det.label in timeline.classes else 0
        ax.axvline(det.t, color=_COLORS[i % len(_COLORS)], lw=1.2, ymax=0.08)
        ax.plot([det.t], [1.04], "v", color=_COLORS[i % len(_COLORS)], ms=6, clip_on=False)
    if timeline.drift_times_s is not None and timeline.drift_scores is not None:
        twin = ax.twinx()
        twin.plot(timeline.drift_times_s, timeline.drift_scores, color="#777777", lw=0.9)
        if timeline.drift_alarm is not None:
            twin.axhline(timeline.drift_alarm, color="#777777", ls=":", lw=0.8)
        twin.set_ylabel("drift (baseline std)", color="#777777")
        twin.set_ylim(bottom=0)
    ax.set_xlim(0, timeline.seconds)
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("score")
    ax.set_title(
        title + "  (shaded: labelled events, triangles: device events, dashed: thresholds)"
    )
    ax.legend(loc="upper right", fontsize=8, markerscale=3)
    fig.tight_layout()
    _save(fig, path)


def _save(fig: Any, path: Path) -> None:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    write_atomically(path, buffer.getvalue())


def plot_confusion(path: Path, metrics: Metrics, title: str) -> None:
    matrix = np.array(metrics.confusion)
    size = 1.2 + 0.8 * len(metrics.classes)
    fig, ax = plt.subplots(figsize=(size + 1.5, size), dpi=100)
    ax.imshow(matrix, cmap="Blues")
    for (r, c), value in np.ndenumerate(matrix):
        color = "white" if value > matrix.max() / 2 else "black"
        ax.text(c, r, str(value), ha="center", va="center", color=color)
    ticks = range(len(metrics.classes))
    ax.set_xticks(ticks, metrics.classes, rotation=30, ha="right")
    ax.set_yticks(ticks, metrics.classes)
    ax.set_xlabel("device said")
    ax.set_ylabel("label")
    ax.set_title(title)
    fig.tight_layout()
    _save(fig, path)


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def write_html(path: Path, title: str, summary: dict[str, Any], images: Sequence[Path]) -> None:
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{_fmt(v)}</td></tr>"
        for k, v in summary.items()
        if not isinstance(v, dict | list)
    )
    body = "\n".join(f"<figure>{_img(p)}</figure>" for p in images)
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:sans-serif;margin:2em;max-width:1250px}"
        "table{border-collapse:collapse}th,td{padding:2px 10px;border-bottom:1px solid #ddd;"
        "text-align:left}img{max-width:100%}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><table>{rows}</table>{body}</body></html>\n"
    )
    write_atomically(path, page.encode("utf-8"))


def write_json(path: Path, data: dict[str, Any]) -> None:
    write_atomically(path, (json.dumps(data, indent=2, default=str) + "\n").encode("utf-8"))


def prepare_dir(out_dir: Path) -> Path:
    """Create the report folder and make sure files can be written in it, before the replay
    runs: a read-only or misnamed folder is one line, not a traceback after the work."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(out_dir, "cannot write the report: exists and is not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as err:
        raise InputError(out_dir, f"cannot write the report here ({err.strerror or err})") from None
    return out_dir
