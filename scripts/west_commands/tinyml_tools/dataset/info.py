"""What a dataset holds: hours and events per class, condition and session, label coverage,
and the problems that will hurt training (mixed sample rates or channels, too few sessions or
examples), with a plot."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from .store import Dataset

# Below these, the docs' advice (docs/dataset.md) is not met: say so.
MIN_EVENTS_PER_CLASS = 30
MIN_SESSIONS = 3


@dataclass
class Group:
    recordings: int = 0
    seconds: float = 0.0
    events: int = 0

    def as_dict(self) -> dict[str, float]:
        return {
            "recordings": self.recordings,
            "hours": round(self.seconds / 3600, 4),
            "events": self.events,
        }


@dataclass
class Summary:
    recordings: int
    seconds: float
    event_seconds: float
    classes: dict[str, Group] = field(default_factory=dict)  # events and their seconds
    conditions: dict[str, Group] = field(default_factory=dict)
    sessions: dict[str, Group] = field(default_factory=dict)
    sample_rates: dict[str, int] = field(default_factory=dict)
    channel_sets: dict[str, int] = field(default_factory=dict)
    negative_only: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def label_coverage(self) -> float:
        return self.event_seconds / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "recordings": self.recordings,
            "hours": round(self.seconds / 3600, 4),
            "label_coverage": round(self.label_coverage, 4),
            "negative_only_recordings": self.negative_only,
            "classes": {
                k: {"events": g.events, "seconds": round(g.seconds, 3)}
                for k, g in self.classes.items()
            },
            "conditions": {k: g.as_dict() for k, g in self.conditions.items()},
            "sessions": {k: g.as_dict() for k, g in self.sessions.items()},
            "sample_rates_hz": self.sample_rates,
            "channels": self.channel_sets,
            "problems": self.problems,
        }


def summarize(dataset: Dataset) -> Summary:
    entries = dataset.entries
    s = Summary(
        recordings=len(entries),
        seconds=sum(e.seconds for e in entries),
        event_seconds=sum(sum(e.event_seconds.values()) for e in entries),
    )
    for e in entries:
        for name, count in e.events.items():
            g = s.classes.setdefault(name, Group())
            g.events += count
            g.seconds += e.event_seconds.get(name, 0.0)
            g.recordings += 1
        n_events = sum(e.events.values())
        for table, key in ((s.conditions, e.condition_text()), (s.sessions, e.session)):
            g = table.setdefault(key, Group())
            g.recordings += 1
            g.seconds += e.seconds
            g.events += n_events
        s.negative_only += 0 if e.labelled else 1
    s.sample_rates = dict(Counter(f"{e.sample_rate_hz:g}" for e in entries))
    s.channel_sets = dict(Counter(",".join(e.channels) for e in entries))
    s.problems = _problems(dataset, s)
    return s


def _problems(dataset: Dataset, s: Summary) -> list[str]:
    out: list[str] = []
    if not dataset.entries:
        return ["the dataset is empty"]
    if len(s.sample_rates) > 1:
        rates = ", ".join(f"{r} Hz x{n}" for r, n in s.sample_rates.items())
        common = max(s.sample_rates, key=lambda r: s.sample_rates[r])
        odd = [e.name for e in dataset.entries if f"{e.sample_rate_hz:g}" != common]
        out.append(f"mixed sample rates ({rates}); a pipeline takes one: {', '.join(odd[:5])}")
    if len(s.channel_sets) > 1:
        out.append("recordings name different channels: " + "; ".join(s.channel_sets))
    if len(s.sessions) < MIN_SESSIONS:
        out.append(
            f"{len(s.sessions)} session(s): a split by session needs at least {MIN_SESSIONS}"
        )
    for name, g in s.classes.items():
        if g.events < MIN_EVENTS_PER_CLASS:
            out.append(
                f"class '{name}' has {g.events} events; collect at least "
                f"{MIN_EVENTS_PER_CLASS} over several sessions"
            )
    if s.seconds and s.label_coverage > 0.7:
        out.append(
            f"{s.label_coverage:.0%} of the time is labelled: record more negative data "
            "(what the device hears when nothing happens)"
        )
    return out


def plot(summary: Summary, path: Path, title: str) -> Path:
    """Hours per condition and per session, events per class: one PNG."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    conditions = sorted(summary.conditions.items(), key=lambda kv: -kv[1].seconds)[:20]
    axes[0].barh([k[:40] for k, _ in conditions], [g.seconds / 3600 for _, g in conditions])
    axes[0].set_xlabel("hours")
    axes[0].set_title("per condition")
    axes[0].invert_yaxis()
    classes = sorted(summary.classes.items())
    axes[1].bar([k for k, _ in classes], [g.events for _, g in classes], color="#dd8452")
    axes[1].axhline(MIN_EVENTS_PER_CLASS, color="k", ls="--", lw=1, label="advised minimum")
    axes[1].set_ylabel("events")
    axes[1].set_title(f"per class (label coverage {summary.label_coverage:.0%})")
    axes[1].legend(fontsize=8)
    sessions = sorted(summary.sessions.items())[:30]
    axes[2].barh([k[:30] for k, _ in sessions], [g.seconds / 60 for _, g in sessions])
    axes[2].set_xlabel("minutes")
    axes[2].set_title("per session")
    axes[2].invert_yaxis()
    for ax in axes:
        ax.tick_params(labelsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
