"""``dataset``: import a user's recordings, summarize them, split them without leakage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..output import console, print_json, print_table
from . import Command

DESCRIPTION = """\
Build a dataset from your own recordings, see what it holds, and split it for training.

  import DATASET FILE|FOLDER... [--meta FILE] [--session S] [--condition TAG=VALUE]...
                                [--units U --scale S] [--negative-only]
  info DATASET [--plot FILE.png]
  split DATASET [--by session|condition|condition:TAG] [--val 0.2] [--test 0]
                [--holdout TAG=VALUE]... [--seed 0] [--name default]

Recordings: CSV ('t' in seconds, then one column per channel, in sensor counts, or in
physical units with --units/--scale or the sidecar's 'units'/'scale'), 16-bit WAV (channel
names in the sidecar), or the project's .npz. Beside NAME.<ext>: NAME.labels.csv
('start,end,class') and NAME.meta.json (sensor, full_scale, sample_rate_hz, gain, mounting,
firmware, pipeline_version, session, condition tags). Every bad file is named with its
problem and nothing is imported. Guide: docs/dataset.md.
"""


def _tag(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key or not value:
        raise argparse.ArgumentTypeError(f"'{text}' is not TAG=VALUE")
    return key, value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="add recordings (all or nothing)")
    imp.add_argument("dataset", help="dataset folder (created when new)")
    imp.add_argument("sources", nargs="+", help="recording files or folders of them")
    imp.add_argument("--meta", help="JSON metadata for every file without its own")
    imp.add_argument("--session", help="session name for these files (default: file name)")
    imp.add_argument(
        "--condition", type=_tag, action="append", default=[], help="condition tag TAG=VALUE"
    )
    imp.add_argument("--units", help="CSV values are in these physical units (with --scale)")
    imp.add_argument("--scale", type=float, help="units per sensor count (e.g. 0.0039 g)")
    imp.add_argument(
        "--negative-only",
        action="store_true",
        help="files without a labels file hold no events (all background)",
    )
    imp.add_argument("--classes", help="comma-separated classes labels may name")
    imp.add_argument("--json", action="store_true", help="print JSON for machines")
    info = sub.add_parser("info", help="hours, events, conditions, sessions and problems")
    info.add_argument("dataset", help="dataset folder")
    info.add_argument("--plot", help="PNG to write (default: DATASET/info.png)")
    info.add_argument("--json", action="store_true", help="print JSON for machines")
    split = sub.add_parser("split", help="train/val/test by session or condition")
    split.add_argument("dataset", help="dataset folder")
    split.add_argument("--name", default="default", help="split name (folder under splits/)")
    split.add_argument("--by", default="session", help="session, condition or condition:TAG")
    split.add_argument("--val", type=float, default=0.2, help="share of hours for validation")
    split.add_argument("--test", type=float, default=0.0, help="share of hours for test")
    split.add_argument(
        "--holdout",
        type=_tag,
        action="append",
        default=[],
        help="send every recording with condition TAG=VALUE to test",
    )
    split.add_argument("--seed", type=int, default=0, help="seed of the group draw")
    split.add_argument("--json", action="store_true", help="print JSON for machines")


def _defaults(args: argparse.Namespace) -> dict[str, Any]:
    from ..dataset.metadata import check, read_sidecar

    defaults: dict[str, Any] = {}
    if args.meta:
        path = Path(args.meta)
        if not path.is_file():
            raise InputError(path, "no such metadata file")
        defaults = read_sidecar(path)
        check(defaults, path)
    if args.session:
        defaults["session"] = args.session
    if args.condition:
        defaults["condition"] = dict(defaults.get("condition", {}), **dict(args.condition))
    if (args.units is None) != (args.scale is None):
        raise InputError(Path(args.dataset), "--units and --scale go together")
    if args.units is not None:
        if not args.scale > 0:
            raise InputError(Path(args.dataset), "--scale must be positive (units per count)")
        defaults["units"], defaults["scale"] = args.units, args.scale
    return defaults


def _import(args: argparse.Namespace) -> int:
    from ..dataset.importer import ImportOptions, import_files

    options = ImportOptions(
        defaults=_defaults(args),
        negative_only=args.negative_only,
        classes=tuple(c.strip() for c in args.classes.split(",")) if args.classes else None,
    )
    root = Path(args.dataset)
    result = import_files(root, [Path(s) for s in args.sources], options)
    if result.refused:
        for err in result.refused:
            print(f"refused: {err}", file=sys.stderr)
        raise InputError(
            root,
            f"{len(result.refused)} file(s) refused (of {result.considered}); nothing imported",
        )
    data = {
        "dataset": str(root),
        "added": [e.name for e in result.added],
        "unchanged": result.unchanged,
        "recordings": len(result.dataset.entries),
    }
    if args.json:
        print_json(data)
        return 0
    print_table(
        f"imported into {root}",
        ["recording", "seconds", "Hz", "channels", "session", "condition", "events"],
        [
            (e.name, f"{e.seconds:.1f}", f"{e.sample_rate_hz:g}", ",".join(e.channels),
             e.session, e.condition_text(), sum(e.events.values()) if e.labelled else "none")
            for e in result.added
        ],
    )  # fmt: skip
    if result.unchanged:
        console.print(f"already imported, unchanged: {', '.join(result.unchanged)}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from ..dataset import info, store

    dataset = store.load(Path(args.dataset))
    summary = info.summarize(dataset)
    png = info.plot(summary, Path(args.plot or dataset.root / "info.png"), dataset.root.name)
    data = summary.to_json() | {"plot": str(png)}
    if args.json:
        print_json(data)
        return 0
    print_table(
        f"{dataset.root}: {summary.recordings} recordings, {summary.seconds / 3600:.2f} h, "
        f"label coverage {summary.label_coverage:.1%}",
        ["class", "events", "seconds"],
        [(k, g.events, f"{g.seconds:.1f}") for k, g in sorted(summary.classes.items())],
    )
    for title, table in (("condition", summary.conditions), ("session", summary.sessions)):
        print_table(
            f"per {title}",
            [title, "recordings", "hours", "events"],
            [(k, g.recordings, f"{g.seconds / 3600:.3f}", g.events) for k, g in table.items()],
        )
    rates = ", ".join(f"{r} Hz x{n}" for r, n in summary.sample_rates.items())
    console.print(f"sample rates: {rates}")
    for problem in summary.problems:
        console.print(f"[yellow]problem:[/yellow] {problem}", soft_wrap=True)
    print(png)
    return 0


def _split(args: argparse.Namespace) -> int:
    from ..dataset import store
    from ..dataset.split import SplitSpec, split

    spec = SplitSpec(
        name=args.name,
        by=args.by,
        val=args.val,
        test=args.test,
        holdout=tuple(args.holdout),
        seed=args.seed,
    )
    result = split(store.load(Path(args.dataset)), spec)
    data = result.to_json() | {"folder": str(result.folder)}
    if args.json:
        print_json(data)
        return 0
    print_table(
        f"split '{spec.name}' by {spec.by} (seed {spec.seed})",
        ["part", "recordings", "hours", "events", "sessions"],
        [
            (p, len(v["recordings"]), f"{v['hours']:.3f}", v["events"], len(v["sessions"]))
            for p, v in data["parts"].items()
        ],
    )
    print(result.folder)
    return 0


def run(args: argparse.Namespace) -> int:
    action = {"import": _import, "info": _info, "split": _split}[args.action]
    return action(args)


COMMAND = Command(
    name="dataset",
    help="import recordings, summarize them and split them by session or condition",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
