"""``train``: a dataset split in, a model directory (model.yaml, int8 and float .tflite,
detector.yaml, baseline.json, inputs.json, report) out."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import InputError
from ..output import err_console, print_json, print_table
from ..train.ui import Ui
from . import Command

DESCRIPTION = """\
Train a detector on a dataset split made by 'dataset split' and write a model directory that
'model-pack build' and 'replay' take as it is.

  train DATASET --pipeline pipeline.yaml --template TEMPLATE -o MODEL_DIR
        [--split default] [--detector detector.yaml] [--channels ax,ay,az]
        [--max-false-triggers-per-hour 1 | --min-recall 0.95] [--qat] [--epochs N] ...

Features are computed by the device's feature code (the C core through the host library,
checked bit for bit against the numpy reference; --features reference uses the reference
only). Templates: cnn1d, dscnn, gru (unrolled into builtin ops), autoencoder (anomaly score,
trained on the recordings' normal parts only). Thresholds are chosen by replaying the
validation part through the device pipeline and decisions for the stated target. Training is
seeded; with unchanged inputs the existing model is reused (--force retrains).
Guide: docs/train.md.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", help="dataset folder")
    parser.add_argument("--pipeline", required=True, help="feature pipeline (pipeline.yaml)")
    parser.add_argument("--template", required=True, help="cnn1d, dscnn, gru or autoencoder")
    parser.add_argument("-o", "--output", required=True, help="model directory to write")
    parser.add_argument("--split", default="default", help="split name (dataset split --name)")
    parser.add_argument("--name", help="model name (default: the output folder's name)")
    parser.add_argument("--version", default="1.0.0", help="model version (semver)")
    parser.add_argument("--detector", help="detector.yaml to start from (trigger, decision)")
    parser.add_argument("--channels", help="comma-separated channels in pipeline axis order")
    parser.add_argument("--classes", help="comma-separated event classes (default: all found)")
    parser.add_argument("--background", help="background class name (default background/normal)")
    parser.add_argument("--frames", type=int, default=8, help="feature frames per model input")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument(
        "--min-overlap", type=float, default=0.5,
        help="share of an event an input must cover to be labelled with it",
    )  # fmt: skip
    parser.add_argument(
        "--max-background", type=int, default=20000,
        help="background inputs kept for training (a seeded random subset)",
    )  # fmt: skip
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--max-false-triggers-per-hour", type=float, help="default 1")
    target.add_argument("--min-recall", type=float, help="0..1")
    parser.add_argument("--qat", action="store_true", help="quantization-aware training")
    parser.add_argument("--features", choices=("device", "reference"), help="feature backend")
    parser.add_argument("--force", action="store_true", help="retrain even when unchanged")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")


class _RichUi(Ui):
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def step(self, message: str) -> None:
        if not self.quiet:
            err_console.print(f"==> {message}", highlight=False, soft_wrap=True)

    @contextlib.contextmanager
    def bar(self, description: str, total: float) -> Iterator[Callable[[float, str], None]]:
        if self.quiet:
            yield lambda advance, text: None
            return
        columns = (
            TextColumn("{task.description}"), BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
            TextColumn("{task.fields[info]}"),
        )  # fmt: skip
        with Progress(*columns, console=err_console, transient=False) as progress:
            task = progress.add_task(description, total=total, info="")
            yield lambda advance, text: progress.update(task, advance=advance, info=text[:60])


def _names(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(",") if c.strip())


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from ..train import calibrate, features
    from ..train.run import TrainOptions, train

    if args.min_recall is not None and not 0 < args.min_recall <= 1:
        raise InputError(Path(args.output), "--min-recall must be in 0..1")
    if args.max_false_triggers_per_hour is not None and args.max_false_triggers_per_hour < 0:
        raise InputError(Path(args.output), "--max-false-triggers-per-hour must be >= 0")
    target = calibrate.Target(
        max_false_triggers_per_hour=(
            args.max_false_triggers_per_hour if args.min_recall is None
            and args.max_false_triggers_per_hour is not None else
            (1.0 if args.min_recall is None else None)
        ),
        min_recall=args.min_recall,
    )  # fmt: skip
    options = TrainOptions(
        dataset=Path(args.dataset),
        pipeline=Path(args.pipeline),
        template=args.template,
        out=Path(args.output),
        split=args.split,
        name=args.name,
        version=args.version,
        channels=_names(args.channels) if args.channels else None,
        classes=_names(args.classes) if args.classes else None,
        background=args.background,
        frames=args.frames,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,
        min_overlap=args.min_overlap,
        max_background=args.max_background,
        qat=args.qat,
        target=target,
        detector=Path(args.detector) if args.detector else None,
        features=args.features or features.default_backend(),
        force=args.force,
    )
    if not options.pipeline.is_file():
        raise InputError(options.pipeline, "no such feature pipeline file")
    result = train(options, _RichUi(args.json))
    data = {"model_dir": str(result.out), "name": result.name, "reused": result.reused}
    data |= result.figures
    data["report"] = str(result.report) if result.report else None
    if args.json:
        print_json(data)
        return 0
    print_table(
        f"{result.name}{' (reused)' if result.reused else ''}",
        ["figure", "value"],
        [(k, v) for k, v in data.items() if not isinstance(v, dict | list)],
    )
    print(result.out)
    return 0


COMMAND = Command(
    name="train",
    help="train, quantize and calibrate a detector from a dataset split",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
