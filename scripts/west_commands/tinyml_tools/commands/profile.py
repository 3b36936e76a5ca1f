"""``profile``: per-layer cost and memory of a model, and time per inference on a board."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import CheckFailed, InputError, UsageError
from ..output import console, print_json
from . import Command

DESCRIPTION = """\
Per layer of a .tflite or model package: operator, shapes and types, parameters, MACs, the
arena bytes in use while it runs (the peak layer, which sets the arena, marked *), and the
estimated instructions on a Cortex-M4F with TFLM + CMSIS-NN kernels (a cost model fitted on
instruction counts measured under QEMU; docs/profile.md). Totals per inference; with
--pipeline, per window (features + inference + decision) and per second of signal; with
--board, milliseconds and CPU duty at the board's clock.

  profile MODEL [--board B] [--pipeline P] [--json] [--png FILE]
          [--measured FILE.csv] [--max-instructions N] [--max-ms MS] [--max-duty PCT]
          [--max-arena BYTES]

--measured reads the CSV the firmware's profiler prints (tinyml::TflmProfiler) and shows it
next to the estimate. Exit codes: 0 ok, 1 bad input, 2 a budget is exceeded, 64 options
that do not go together (docs/exit-codes.md).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", type=Path, metavar="MODEL", help=".tflite or model package")
    parser.add_argument("--board", metavar="B", help="board name or board profile YAML")
    parser.add_argument(
        "--pipeline", type=Path, metavar="P", help="pipeline.yaml or detector.yaml of the model"
    )
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument("--png", type=Path, metavar="FILE", help="plot cost and memory per layer")
    parser.add_argument(
        "--measured", type=Path, metavar="CSV", help="per-node timings from the device"
    )
    parser.add_argument("--cost-model", type=Path, metavar="JSON", help=argparse.SUPPRESS)
    parser.add_argument("--max-instructions", type=float, metavar="N", help="per inference")
    parser.add_argument("--max-ms", type=float, metavar="MS", help="per inference (--board)")
    parser.add_argument(
        "--max-duty", type=float, metavar="PCT", help="CPU %% (--board and --pipeline)"
    )
    parser.add_argument("--max-arena", type=int, metavar="BYTES", help="tensor arena")


def load_pipeline_arg(path: Path) -> tuple[object, Path]:
    """A pipeline YAML, or a detector.yaml naming one (relative to it)."""
    from ..features.pipeline import load_pipeline
    from ..profile.textfile import read_yaml

    data = read_yaml(path, "pipeline or detector file")
    if isinstance(data, dict) and "kind" not in data and isinstance(data.get("pipeline"), str):
        target = path.parent / data["pipeline"]
        return load_pipeline(target), target
    return load_pipeline(path), path


def _check_package_pipeline(model: Path, cfg: object, cfg_path: Path) -> None:
    from ..features.pipeline import PipelineConfig, pipeline_id
    from ..modelpack.package import parse_package

    data = model.read_bytes()
    if data[4:8] == b"TFL3" or not isinstance(cfg, PipelineConfig):
        return
    meta = parse_package(model, data).metadata
    want = int(meta.feature_pipeline_id)
    if want and want != pipeline_id(cfg):
        raise InputError(
            cfg_path,
            f"pipeline 0x{pipeline_id(cfg):08x} is not the one {model.name}"
            f" was trained on (0x{want:08x})",
        )


def run(args: argparse.Namespace) -> int:
    from ..profile.boards import find_board
    from ..profile.budget import check_budgets
    from ..profile.costmodel import DEFAULT_MODEL, load_cost_model
    from ..profile.feature_cost import load_feature_model
    from ..profile.measured import match_model, parse_measured
    from ..profile.render import print_profile, profile_png
    from ..profile.report import build_profile, pipeline_cost, read_model
    from ..writefile import write_atomically

    if args.max_ms is not None and not args.board:
        raise UsageError("--max-ms needs --board")
    if args.max_duty is not None and not (args.board and args.pipeline):
        raise UsageError("--max-duty needs --board and --pipeline")
    model = read_model(args.model)
    cost = load_cost_model(args.cost_model or DEFAULT_MODEL)
    board = find_board(args.board) if args.board else None
    pipe = None
    if args.pipeline:
        cfg, cfg_path = load_pipeline_arg(args.pipeline)
        _check_package_pipeline(args.model, cfg, cfg_path)
        pipe = pipeline_cost(cfg, load_feature_model())  # type: ignore[arg-type]
    measured = unit = None
    scale = None
    if args.measured:
        m = parse_measured(args.measured)
        measured, unit = match_model(m, model, args.measured), m.unit
        if unit == "cycles":
            if board is None:
                raise UsageError("cycles from a device: give its --board to compare")
            scale = board.scale.typical
        elif unit != "instructions":
            raise InputError(args.measured, f"unit '{unit}': expected cycles or instructions")
    profile = build_profile(args.model, model, cost, pipe, board, measured, unit)
    breaches = check_budgets(profile, args)
    if args.png:
        write_atomically(args.png, profile_png(profile))
    if args.json:
        data = profile.as_dict()
        data["cost_model"] = {k: cost.meta.get(k) for k in ("tflm", "cmsis_nn", "fit")}
        data["budget"] = {"ok": not breaches, "breaches": breaches}
        print_json(data)
    else:
        print_profile(console, profile, scale)
    if breaches:
        for line in breaches:
            print(line, file=sys.stderr)
        raise CheckFailed(f"{args.model}: {len(breaches)} budget breach(es)")
    return 0


COMMAND = Command(
    name="profile",
    help="per-layer cost, memory and time per inference of a model on a board",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
