"""``power``: energy per inference and window, battery life and what dominates."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError, UsageError
from ..output import console, print_json
from . import Command

DESCRIPTION = """\
Energy and battery budget of a detector on a board: the cycle estimate of `profile` at the
board's active current, sensor sampling (current at the pipeline's rate, FIFO wake-ups), the
trigger's duty (how often the model actually ran in a replay of --recording, or --duty),
radio per event with retries, and sleep. Prints the average current per part, what dominates
and the battery life of --cell; --png plots where the energy goes.

  power --board B --model PKG --detector detector.yaml (--recording REC | --duty F)
        [--cell NAME|NmAh] [--sensor NAME] [--events-per-hour N] [--report-s S]
        [--bytes N] [--retries R] [--json] [--png FILE]

Board, sensor and cell figures come from YAML files naming their datasheets (docs/power.md).
Exit codes: 0 ok, 1 bad input, 64 options that do not go together or out of range
(docs/exit-codes.md).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--board", required=True, metavar="B", help="board name or profile YAML")
    parser.add_argument("--model", required=True, type=Path, metavar="PKG", help="package/.tflite")
    parser.add_argument(
        "--detector",
        required=True,
        type=Path,
        metavar="YAML",
        help="detector.yaml (pipeline, trigger, decisions)",
    )
    parser.add_argument(
        "--recording",
        type=Path,
        metavar="REC",
        help="recording (or folder) to replay for the trigger's duty",
    )
    parser.add_argument(
        "--duty",
        type=float,
        metavar="F",
        help="share of windows the model runs in, 0..1 (instead of a replay)",
    )
    parser.add_argument("--cell", default="cr2032", metavar="NAME", help="cell name or e.g. 150mAh")
    parser.add_argument("--sensor", metavar="NAME", help="sensor (default: from the pipeline)")
    parser.add_argument(
        "--events-per-hour",
        type=float,
        metavar="N",
        help="radio events per hour (default: the replay's detections)",
    )
    parser.add_argument(
        "--report-s", type=float, metavar="S", help="also send a summary packet every S seconds"
    )
    parser.add_argument("--bytes", type=int, default=20, metavar="N", help="payload per packet")
    parser.add_argument(
        "--retries",
        type=float,
        default=0.2,
        metavar="R",
        help="expected retransmissions per packet (default 0.2)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument("--png", type=Path, metavar="FILE", help="stacked energy plot")


def _replay_activity(args: argparse.Namespace) -> tuple[float, float, str]:
    from ..replay.session import run as replay_run

    replay = replay_run(args.recording, args.model, settings_path=args.detector)
    windows = sum(s.result.windows for s in replay.sessions)
    armed = sum(s.result.armed_windows for s in replay.sessions)
    seconds = sum(s.result.seconds for s in replay.sessions)
    events = sum(len(s.result.detections) for s in replay.sessions)
    if windows == 0 or seconds <= 0:
        raise InputError(args.recording, "too short for a single window")
    return (
        armed / windows,
        events / seconds * 3600,
        f"replay of {args.recording.name}, {seconds:.0f} s",
    )


def run(args: argparse.Namespace) -> int:
    from ..power.budget import Activity, RadioUse, power_budget
    from ..power.parts import default_sensor, find_cell, find_sensor
    from ..power.render import power_png, print_power
    from ..profile.boards import find_board
    from ..profile.costmodel import load_cost_model
    from ..profile.feature_cost import load_feature_model
    from ..profile.report import build_profile, pipeline_cost, read_model
    from ..writefile import write_atomically
    from .profile import _check_package_pipeline, load_pipeline_arg

    if (args.recording is None) == (args.duty is None):
        raise UsageError(
            "give either --recording REC (replayed for the trigger's duty) or --duty F"
        )
    if args.duty is not None and not 0.0 <= args.duty <= 1.0:
        raise UsageError(f"--duty {args.duty:g}: a share of windows, 0..1")
    for name in ("events_per_hour", "report_s", "retries"):
        value = getattr(args, name)
        if value is not None and value < 0:
            raise UsageError(f"--{name.replace('_', '-')} must not be negative")
    if args.bytes < 0:
        raise UsageError("--bytes must not be negative")
    board = find_board(args.board)
    cell = find_cell(args.cell)
    model = read_model(args.model)
    cfg, cfg_path = load_pipeline_arg(args.detector)
    _check_package_pipeline(args.model, cfg, cfg_path)
    pipe = pipeline_cost(cfg, load_feature_model())  # type: ignore[arg-type]
    profile = build_profile(args.model, model, load_cost_model(), pipe, board)
    sensor = (
        find_sensor(args.sensor)
        if args.sensor
        else default_sensor(cfg.axes, cfg.sample_rate_hz, cfg.kind.name.lower())  # type: ignore[attr-defined]
    )
    if args.recording is not None:
        armed, events, source = _replay_activity(args)
    else:
        armed, events, source = args.duty, 0.0, "--duty"
    if args.events_per_hour is not None:
        events = args.events_per_hour
    activity = Activity(armed, events, source)
    radio = RadioUse(args.bytes, args.retries, args.report_s)
    budget = power_budget(profile, board, sensor, activity, radio, cell)
    if args.png:
        write_atomically(args.png, power_png(budget))
    if args.json:
        print_json(budget.as_dict())
    else:
        print_power(console, budget)
    return 0


COMMAND = Command(
    name="power",
    help="energy per inference and window, battery life and what dominates",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
