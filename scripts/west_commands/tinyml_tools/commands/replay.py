"""``replay``: recorded data through the device's exact pipeline, scored against labels."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..output import err_console, print_json, print_table
from . import Command

DESCRIPTION = """\
Run a recording through the same C feature code, the model in the real TFLM interpreter and
the same C decision logic as the firmware, and report what the device would have done: each
event with its time and score and, against labels, precision, recall, false triggers per hour,
detection latency, the confusion matrix and int8-vs-float agreement.

  replay RECORDING --model PACKAGE [--labels FILE] [--json] [--report DIR]

RECORDING is a CSV (header 't' in seconds, then one column per channel, in sensor counts), a
16-bit WAV, a .npz recording, or a dataset split folder (index.json). Labels are a CSV
'start,end,class'; <recording>.labels.csv beside the recording is used when present. The
device settings (channels, trigger, decision) come from detector.yaml beside the package.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", help="recording file (.csv, .wav, .npz) or split folder")
    parser.add_argument("--model", required=True, help="model package (or a .tflite)")
    parser.add_argument("--labels", help="labels CSV (start,end,class)")
    parser.add_argument("--settings", help="detector.yaml (default: beside the model)")
    parser.add_argument("--float-model", help="float .tflite for the int8-vs-float agreement")
    parser.add_argument("--report", help="folder for the report (PNG, HTML, JSON)")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")


def run(args: argparse.Namespace) -> int:
    from ..replay import session

    def progress(message: str) -> None:
        if not args.json:
            err_console.print(f"[dim]{message}[/dim]")

    result = session.run(
        Path(args.recording),
        Path(args.model),
        Path(args.labels) if args.labels else None,
        Path(args.settings) if args.settings else None,
        Path(args.float_model) if args.float_model else None,
        Path(args.report) if args.report else None,
        progress,
    )
    data = result.to_json()
    if args.json:
        print_json(data)
        return 0
    _print_events(data)
    figures: list[tuple[str, object]] = [
        ("seconds replayed", data["seconds"]),
        ("model runs", data["model_runs"]),
        ("int8-vs-float agreement", _fmt(data["int8_float_agreement"])),
    ]
    m = data["metrics"]
    if m is not None:
        figures += [
            ("labelled events", m["events"]),
            ("detections", m["detections"]),
            ("precision", _fmt(m["precision"], "undefined (no detections)")),
            ("recall", _fmt(m["recall"], "undefined (no labelled events)")),
            ("false triggers per hour", _fmt(m["false_triggers_per_hour"])),
            ("latency median (ms)", _fmt(m["latency_ms_median"])),
        ]
    print_table("replay", ["figure", "value"], figures)
    if m is not None and m["per_class_recall"]:
        print_table(
            "recall per class",
            ["class", "recall", "events"],
            [
                (name, _fmt(recall), m["events_per_class"].get(name, 0))
                for name, recall in m["per_class_recall"].items()
            ],
        )
    if data["report"]:
        print(data["report"])
    return 0


_EVENT_ROWS = 50


def _print_events(data: dict[str, object]) -> None:
    events = data["events"]
    assert isinstance(events, list)
    rows = []
    for e in events[:_EVENT_ROWS]:
        outcome = e["outcome"]
        if outcome == "matched":
            verdict = f"matched a '{e['label']}' label"
        elif outcome == "wrong class":
            verdict = f"wrong class (label '{e['label']}')"
        else:
            verdict = outcome or "no labels"
        rows.append((e["recording"], e["t"], e["class"], e["score"], verdict))
    title = f"events ({len(events)}" + (
        f", first {_EVENT_ROWS} shown)" if len(events) > _EVENT_ROWS else ")"
    )
    print_table(title, ["recording", "t (s)", "class", "score", "label"], rows)


def _fmt(value: object, undefined: str = "n/a") -> str:
    if value is None:
        return undefined
    return f"{value:.3f}" if isinstance(value, float) else str(value)


COMMAND = Command(
    name="replay",
    help="replay a recording through the device pipeline and score it",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
